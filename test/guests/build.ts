/**
 * Builds the guest programs of test/guests/src/ with Debian's aarch64 cross compiler
 * (gcc-aarch64-linux-gnu; scripts/ci-setup.sh installs it): each top-level `*.S` or `*.c` there
 * is one program, linked with the common harness (src/common/: start.S, harness.S, libc.c for C,
 * link.ld) into an ELF for QEMU and a flat binary for the service. Results are cached by a hash
 * of every input (sources, common files, flags) under test/guests/build/programs/ (git-ignored),
 * so a test run compiles only what changed; generated sources (buildGuestSource: the random
 * sequences) go to programs/generated/, which keeps only the 64 most recently used.
 *
 * A program states what it needs in a `guest:` line among its first comment lines, e.g.
 * `// guest: march=armv8.1-a+crc qemu-cpu=max` (LSE atomics need QEMU's `max` CPU: Cortex-A57
 * is ARMv8.0) or `// guest: service-only` (KVM behaviours QEMU's machine does not share).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GUESTS_DIR } from './assemble';

export const GUEST_SRC_DIR = path.join(GUESTS_DIR, 'src');
const COMMON_DIR = path.join(GUEST_SRC_DIR, 'common');
const CACHE_DIR = path.join(GUESTS_DIR, 'build', 'programs');
/** Generated sources (random sequences) get their own cache, pruned to the most recent entries. */
const GENERATED_CACHE_DIR = path.join(CACHE_DIR, 'generated');
const GENERATED_CACHE_ENTRIES = 64;

const GCC = process.env.AARCH64_GCC ?? 'aarch64-linux-gnu-gcc';
const OBJCOPY = process.env.AARCH64_OBJCOPY ?? 'aarch64-linux-gnu-objcopy';

/** Default -march: the ISA of QEMU's cortex-a57 (ARMv8.0 with CRC32). */
export const DEFAULT_MARCH = 'armv8-a+crc';
export const DEFAULT_QEMU_CPU = 'cortex-a57';

const LINK_FLAGS = ['-nostdlib', '-static', '-no-pie', '-Wl,--build-id=none', '-Wl,--no-warn-rwx-segments'];
// C: no FP/SIMD registers (the CPU has none yet), no unaligned accesses the compiler invents
// (with the MMU off memory is Device, where the Arm ARM makes them fault), atomics inline as
// LDXR/STXR loops rather than libgcc's outline helpers that probe HWCAP, and no memcpy calls
// invented inside memcpy itself.
const C_FLAGS = ['-O2', '-ffreestanding', '-fno-tree-loop-distribute-patterns', '-mgeneral-regs-only', '-mstrict-align', '-mno-outline-atomics', '-fno-pie',
  '-fno-stack-protector', '-fno-asynchronous-unwind-tables', '-fno-unwind-tables', '-Wall', '-Wextra', '-Werror'];

/** A guest program's source and what it needs. */
export interface GuestProgram {
  /** File name without extension, e.g. 'dp-imm'. */
  name: string;
  /** Path of the source file. */
  source: string;
  kind: 'asm' | 'c';
  /** -march for gcc. */
  march: string;
  /** QEMU's -cpu for the differential run. */
  qemuCpu: string;
  /** Runs only on the service (KVM behaviours with no QEMU counterpart). */
  serviceOnly: boolean;
}

/** A built program. */
export interface GuestImage extends GuestProgram {
  /** ELF (for QEMU's -kernel). */
  elf: string;
  /** Flat binary of the loadable sections, to be written at loadAddr. */
  bin: Uint8Array;
  loadAddr: bigint;
  entry: bigint;
  /** ELF symbols (name -> address), e.g. to find a program's data. */
  symbols: ReadonlyMap<string, bigint>;
}

/** True when the cross compiler is installed. */
export const hasCrossToolchain: boolean = (() => {
  try {
    execFileSync(GCC, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Parses the `guest:` directives of a source. */
function directives(name: string, file: string, text: string): GuestProgram {
  const p: GuestProgram = {
    name, source: file, kind: file.endsWith('.c') ? 'c' : 'asm', march: DEFAULT_MARCH, qemuCpu: DEFAULT_QEMU_CPU, serviceOnly: false,
  };
  const m = /guest:([^\n*]*)/.exec(text.split('\n').slice(0, 20).join('\n'));
  for (const tok of (m?.[1] ?? '').trim().split(/\s+/).filter(Boolean)) {
    const [k, v] = tok.split('=');
    if (k === 'march' && v) p.march = v;
    else if (k === 'qemu-cpu' && v) p.qemuCpu = v;
    else if (k === 'service-only') p.serviceOnly = true;
    else throw new Error(`${file}: unknown guest directive '${tok}'`);
  }
  return p;
}

/** Every program in test/guests/src/, sorted by name. */
export function listGuestPrograms(): GuestProgram[] {
  return fs.readdirSync(GUEST_SRC_DIR)
    .filter((f) => /\.(S|c)$/.test(f))
    .sort()
    .map((f) => {
      const file = path.join(GUEST_SRC_DIR, f);
      return directives(f.replace(/\.(S|c)$/, ''), file, fs.readFileSync(file, 'utf8'));
    });
}

/** One program by name. */
export function guestProgram(name: string): GuestProgram {
  const p = listGuestPrograms().find((g) => g.name === name);
  if (!p) throw new Error(`no guest program '${name}' in ${GUEST_SRC_DIR}`);
  return p;
}

function commonFiles(kind: 'asm' | 'c'): string[] {
  const files = ['start.S', 'harness.S', 'harness.h', 'link.ld'];
  if (kind === 'c') files.push('libc.c', 'guest.h');
  return files.map((f) => path.join(COMMON_DIR, f));
}

/**
 * Builds (or takes from the cache) one program of test/guests/src/.
 * @example const img = buildGuest('dp-imm'); await vm.writeMemory(img.loadAddr, img.bin);
 */
export function buildGuest(program: GuestProgram | string): GuestImage {
  const p = typeof program === 'string' ? guestProgram(program) : program;
  return buildFrom(p, fs.readFileSync(p.source, 'utf8'), CACHE_DIR);
}

/**
 * Builds a generated source (e.g. the random sequences) with the same harness. `name` names
 * the cache entry; the source is hashed, so different sources never collide.
 */
export function buildGuestSource(name: string, source: string, opts: Partial<Pick<GuestProgram, 'kind' | 'march' | 'qemuCpu'>> = {}): GuestImage {
  const kind = opts.kind ?? 'asm';
  const p: GuestProgram = {
    name, source: '', kind, march: opts.march ?? DEFAULT_MARCH, qemuCpu: opts.qemuCpu ?? DEFAULT_QEMU_CPU, serviceOnly: false,
  };
  return buildFrom(p, source, GENERATED_CACHE_DIR);
}

function buildFrom(p: GuestProgram, text: string, cacheDir: string): GuestImage {
  const commons = commonFiles(p.kind);
  const flags = [`-march=${p.march}`, ...LINK_FLAGS, ...(p.kind === 'c' ? C_FLAGS : [])];
  const h = createHash('sha256').update(`${p.kind}\n${flags.join(' ')}\n${text}`);
  for (const f of commons) h.update(`\n${path.basename(f)}\n`).update(fs.readFileSync(f));
  const key = `${p.name}-${h.digest('hex').slice(0, 16)}`;
  const elf = path.join(cacheDir, `${key}.elf`);
  const bin = path.join(cacheDir, `${key}.bin`);
  if (!fs.existsSync(elf) || !fs.existsSync(bin)) {
    compile(p, text, flags, elf, bin);
    if (cacheDir === GENERATED_CACHE_DIR) prune(cacheDir, GENERATED_CACHE_ENTRIES, elf);
  } else if (cacheDir === GENERATED_CACHE_DIR) {
    const now = new Date();
    fs.utimesSync(elf, now, now);
  }
  const elfBytes = fs.readFileSync(elf);
  const { entry, loadAddr, symbols } = readElf(elfBytes);
  return { ...p, elf, bin: new Uint8Array(fs.readFileSync(bin)), loadAddr, entry, symbols };
}

function compile(p: GuestProgram, text: string, flags: string[], elf: string, bin: string): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'guest-build-'));
  try {
    const src = path.join(tmp, `${p.name}.${p.kind === 'c' ? 'c' : 'S'}`);
    fs.writeFileSync(src, text);
    const inputs = [path.join(COMMON_DIR, 'start.S'), path.join(COMMON_DIR, 'harness.S')];
    if (p.kind === 'c') inputs.push(path.join(COMMON_DIR, 'libc.c'));
    inputs.push(src);
    const outElf = path.join(tmp, 'out.elf');
    const outBin = path.join(tmp, 'out.bin');
    // Errors name the original source file, not the temporary copy.
    const srcDirFlag = p.source ? ['-I', path.dirname(p.source)] : [];
    execFileSync(GCC, [...flags, '-I', COMMON_DIR, ...srcDirFlag, '-T', path.join(COMMON_DIR, 'link.ld'), '-o', outElf, ...inputs, '-lgcc'],
      { stdio: 'pipe' });
    execFileSync(OBJCOPY, ['-O', 'binary', outElf, outBin], { stdio: 'pipe' });
    fs.mkdirSync(path.dirname(elf), { recursive: true });
    // Rename into place, so a concurrent build never sees half a file.
    fs.renameSync(outElf, `${elf}.${process.pid}`);
    fs.renameSync(`${elf}.${process.pid}`, elf);
    fs.renameSync(outBin, `${bin}.${process.pid}`);
    fs.renameSync(`${bin}.${process.pid}`, bin);
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    const msg = (err.stderr?.toString() || err.message).split(tmp + path.sep).join(p.source ? path.dirname(p.source) + path.sep : '');
    throw new Error(`building guest '${p.name}' failed:\n${msg}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Keeps the `keep` most recently used entries (by the ELF's mtime) of a cache directory. */
function prune(dir: string, keep: number, justBuilt: string): void {
  const elfs = fs.readdirSync(dir).filter((f) => f.endsWith('.elf')).map((f) => path.join(dir, f))
    .filter((f) => f !== justBuilt)
    .map((f) => ({ f, t: fs.statSync(f).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { f } of elfs.slice(keep - 1)) {
    fs.rmSync(f, { force: true });
    fs.rmSync(f.replace(/\.elf$/, '.bin'), { force: true });
  }
}

/** Entry point, lowest loaded address (where the flat binary starts) and symbols of an ELF64. */
export function readElf(b: Uint8Array): { entry: bigint; loadAddr: bigint; symbols: Map<string, bigint> } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dv.getUint32(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) throw new Error('not a little-endian ELF64 file');
  const entry = dv.getBigUint64(24, true);
  const phoff = Number(dv.getBigUint64(32, true));
  const shoff = Number(dv.getBigUint64(40, true));
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  const shentsize = dv.getUint16(58, true);
  const shnum = dv.getUint16(60, true);
  let loadAddr: bigint | undefined;
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    const type = dv.getUint32(o, true);
    const paddr = dv.getBigUint64(o + 24, true);
    const filesz = dv.getBigUint64(o + 32, true);
    if (type === 1 && filesz > 0n && (loadAddr === undefined || paddr < loadAddr)) loadAddr = paddr;
  }
  if (loadAddr === undefined) throw new Error('ELF has no loadable segment');
  const symbols = new Map<string, bigint>();
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    if (dv.getUint32(o + 4, true) !== 2) continue; // SHT_SYMTAB
    const symOff = Number(dv.getBigUint64(o + 24, true));
    const symSize = Number(dv.getBigUint64(o + 32, true));
    const strSec = shoff + dv.getUint32(o + 40, true) * shentsize;
    const strOff = Number(dv.getBigUint64(strSec + 24, true));
    for (let s = symOff; s + 24 <= symOff + symSize; s += 24) {
      const nameOff = dv.getUint32(s, true);
      if (nameOff === 0) continue;
      let end = strOff + nameOff;
      while (b[end] !== 0) end++;
      symbols.set(Buffer.from(b.subarray(strOff + nameOff, end)).toString('latin1'), dv.getBigUint64(s + 8, true));
    }
  }
  return { entry, loadAddr, symbols };
}
