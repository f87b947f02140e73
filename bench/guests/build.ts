/**
 * Builds the benchmark guests from source (bench/guests/*.c, start.S, lib.c, bench.ld) with
 * Debian's aarch64 cross compiler (gcc-aarch64-linux-gnu, installed by scripts/ci-setup.sh),
 * cached by a hash of the sources, the flags and the compiler version under
 * bench/guests/build/ (kept out of git by a .gitignore the build writes there).
 *
 * One ELF serves both sides: QEMU boots it with -kernel; our side loads its PT_LOAD segments
 * through WriteGuestMemory. The iteration count N is the 64-bit word `bench_n` (start.S),
 * patched into the image before each run: {@link GuestImage.withN}.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** bench/guests/ in the source tree (also when running from dist/bench/guests/). */
export const GUESTS_SRC = [path.resolve(__dirname), path.resolve(__dirname, '..', '..', '..', 'bench', 'guests')]
  .find((d) => fs.existsSync(path.join(d, 'start.S'))) ?? path.resolve(__dirname);
const BUILD_DIR = path.join(GUESTS_SRC, 'build');

const CC = process.env.AARCH64_CC ?? 'aarch64-linux-gnu-gcc';

/** The kernels, in report order; each is bench/guests/<name>.c defining bench_main(n). */
export const KERNELS = ['crc32', 'heapsort', 'memwalk', 'alu'] as const;
export type KernelName = (typeof KERNELS)[number];

/**
 * -mgeneral-regs-only: no FP/SIMD (identical on both sides, nothing to enable). -mstrict-align:
 * with the MMU off all data accesses are Device memory, where an unaligned access faults.
 * -fno-tree-loop-distribute-patterns: no memset/memcpy calls behind our back (-nostdlib).
 */
export const CFLAGS = [
  '-O2', '-ffreestanding', '-nostdlib', '-mgeneral-regs-only', '-mstrict-align',
  '-fno-tree-loop-distribute-patterns', '-fno-stack-protector', '-fno-asynchronous-unwind-tables',
  '-fno-pie', '-no-pie', '-static', '-Wall', '-Wextra', '-Werror',
];
const LDFLAGS = ['-Wl,--build-id=none', '-Wl,--no-warn-rwx-segments', '-Wl,-z,max-page-size=4096'];

/** One PT_LOAD segment: bytes at a guest-physical address, zero-filled up to memsz. */
export interface Segment {
  paddr: number;
  /** p_offset in the ELF file. */
  fileOffset: number;
  data: Uint8Array;
  memsz: number;
}

export interface GuestImage {
  name: KernelName;
  /** The built ELF (N = 0 in bench_n). */
  elfPath: string;
  elf: Buffer;
  entry: number;
  segments: Segment[];
  /** Guest-physical address of bench_n. */
  paramAddr: number;
  /** First byte above everything the guest uses (image, .bss, stack). */
  top: number;
  /** The same ELF with bench_n = n (for QEMU), and its segments (for our side). */
  withN(n: number): { elf: Buffer; segments: Segment[] };
}

const PT_LOAD = 1;
const SHT_SYMTAB = 2;

/** Reads what the benchmark needs from an ELF64 little-endian AArch64 executable. */
export function parseElf(elf: Buffer): { entry: number; segments: Segment[]; symbols: Map<string, number> } {
  if (elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1) throw new Error('not an ELF64 little-endian file');
  if (elf.readUInt16LE(18) !== 183) throw new Error('not an AArch64 ELF (e_machine != EM_AARCH64)');
  const entry = Number(elf.readBigUInt64LE(24));
  const phoff = Number(elf.readBigUInt64LE(32));
  const shoff = Number(elf.readBigUInt64LE(40));
  const phentsize = elf.readUInt16LE(54);
  const phnum = elf.readUInt16LE(56);
  const shentsize = elf.readUInt16LE(58);
  const shnum = elf.readUInt16LE(60);
  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (elf.readUInt32LE(p) !== PT_LOAD) continue;
    const fileOffset = Number(elf.readBigUInt64LE(p + 8));
    const paddr = Number(elf.readBigUInt64LE(p + 24));
    const filesz = Number(elf.readBigUInt64LE(p + 32));
    const memsz = Number(elf.readBigUInt64LE(p + 40));
    segments.push({ paddr, fileOffset, data: new Uint8Array(elf.subarray(fileOffset, fileOffset + filesz)), memsz });
  }
  const symbols = new Map<string, number>();
  for (let i = 0; i < shnum; i++) {
    const s = shoff + i * shentsize;
    if (elf.readUInt32LE(s + 4) !== SHT_SYMTAB) continue;
    const off = Number(elf.readBigUInt64LE(s + 24));
    const size = Number(elf.readBigUInt64LE(s + 32));
    const strtab = shoff + elf.readUInt32LE(s + 40) * shentsize;
    const stroff = Number(elf.readBigUInt64LE(strtab + 24));
    for (let e = off; e < off + size; e += 24) {
      const nameOff = elf.readUInt32LE(e);
      const end = elf.indexOf(0, stroff + nameOff);
      symbols.set(elf.toString('latin1', stroff + nameOff, end), Number(elf.readBigUInt64LE(e + 8)));
    }
  }
  return { entry, segments, symbols };
}

function compilerVersion(): string {
  try {
    return execFileSync(CC, ['--version'], { encoding: 'utf8' }).split('\n')[0];
  } catch (e) {
    throw new Error(`${CC} not found: install gcc-aarch64-linux-gnu (bash scripts/ci-setup.sh). ${(e as Error).message}`);
  }
}

/**
 * Builds (or takes from the cache) one kernel's ELF.
 * @example const img = buildGuest('crc32'); const { elf } = img.withN(1000);
 */
export function buildGuest(name: KernelName): GuestImage {
  const sources = ['start.S', 'lib.c', `${name}.c`].map((f) => path.join(GUESTS_SRC, f));
  const script = path.join(GUESTS_SRC, 'bench.ld');
  const h = createHash('sha256');
  for (const f of [...sources, script]) h.update(f.slice(GUESTS_SRC.length)).update('\0').update(fs.readFileSync(f)).update('\0');
  h.update(CFLAGS.join(' ')).update(LDFLAGS.join(' ')).update(compilerVersion());
  const elfPath = path.join(BUILD_DIR, `${name}-${h.digest('hex').slice(0, 16)}.elf`);
  if (!fs.existsSync(elfPath)) {
    fs.mkdirSync(BUILD_DIR, { recursive: true });
    fs.writeFileSync(path.join(BUILD_DIR, '.gitignore'), '*\n');
    const tmp = `${elfPath}.${process.pid}.tmp`;
    try {
      execFileSync(CC, [...CFLAGS, ...LDFLAGS, `-Wl,-T,${script}`, '-o', tmp, ...sources], { stdio: 'pipe' });
      fs.renameSync(tmp, elfPath);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      const err = e as { stderr?: Buffer; message: string };
      throw new Error(`building guest ${name} failed: ${err.stderr?.toString() ?? err.message}`);
    }
  }
  return loadImage(name, fs.readFileSync(elfPath), elfPath);
}

function loadImage(name: KernelName, elf: Buffer, elfPath: string): GuestImage {
  const { entry, segments, symbols } = parseElf(elf);
  const paramAddr = symbols.get('bench_n');
  const stackTop = symbols.get('__stack_top');
  if (paramAddr === undefined || stackTop === undefined) throw new Error(`${elfPath}: no bench_n or __stack_top symbol`);
  if (paramAddr % 8 !== 0) throw new Error(`${elfPath}: bench_n is not 8-byte aligned`);
  const holder = segments.find((s) => paramAddr >= s.paddr && paramAddr + 8 <= s.paddr + s.data.length);
  if (!holder) throw new Error(`${elfPath}: bench_n is not in a loaded segment`);
  const paramFileOffset = holder.fileOffset + (paramAddr - holder.paddr);
  const top = Math.max(stackTop, ...segments.map((s) => s.paddr + s.memsz));
  return {
    name, elfPath, elf, entry, segments, paramAddr, top,
    withN(n: number) {
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`N must be a non-negative safe integer, got ${n}`);
      const patched = Buffer.from(elf);
      patched.writeBigUInt64LE(BigInt(n), paramFileOffset);
      return { elf: patched, segments: parseElf(patched).segments };
    },
  };
}

/** `aarch64-linux-gnu-gcc --version`, first line (for the report). */
export function guestCompilerVersion(): string {
  return compilerVersion();
}

