/**
 * Test helper: differential execution against QEMU (qemu-system-aarch64 -M virt, TCG, the
 * machine the service is compared with). One program runs many cases: each case loads X0..X15,
 * NZCV and a 64-byte scratch block from a table, runs its snippet, and stores X0..X15, NZCV,
 * the ESR of an exception it took (the vector skips the faulting instruction) and the scratch
 * block. QEMU writes the result table to a host file through semihosting; our CPU runs the same
 * program (ending in HVC instead) and the tables are compared.
 *
 * Snippets may use X0..X15 and SP (reset to SCRATCH + 64 per case); X9 is conventionally the
 * scratch base for memory cases (the generator sets it). X16..X18 belong to the vector, X26..X28
 * to the harness. `toEl0(code)` wraps code to run at EL0 (it returns with SVC #0x77).
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Machine, RAM_BASE } from './machine';
import { R_PC } from '../../../../vmcore/cpu/reg-file';

export const TEXT = 0x40080000;
export const OUT = 0x40800000;
export const SCRATCH = 0x40c00000;
const OUT_STRIDE = 26 * 8;

export interface DiffCase {
  asm: string;
  regs: bigint[]; // 16 values
  nzcv: number; // bits 31:28
  scratch?: bigint[]; // 8 values
}

export interface DiffResult {
  regs: bigint[];
  nzcv: number;
  esr: number;
  scratch: bigint[];
}

export const hasQemu: boolean = (() => {
  try {
    execFileSync('qemu-system-aarch64', ['--version'], { stdio: 'ignore' });
    execFileSync('aarch64-linux-gnu-gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Runs `code` at EL0t (DAIF clear), then returns to EL1h through SVC #0x77. */
export function toEl0(code: string): string {
  return `adr x16, 2f\nmsr elr_el1, x16\nmsr spsr_el1, xzr\neret\n2:\n${code}\nsvc #0x77\nnop`;
}

function movImm(reg: string, v: number): string {
  return `movz ${reg}, #${v & 0xffff}\nmovk ${reg}, #${(v >>> 16) & 0xffff}, lsl #16`;
}

function program(cases: DiffCase[], qemu: boolean, outFile: string): string {
  const lines: string[] = [
    '.text',
    '.global _start',
    '_start:',
    'adr x16, vectors',
    'msr vbar_el1, x16',
    // The same SCTLR_EL1 on both sides (QEMU's boot value): MMU off, SA/SA0 on, UCT/UCI/DZE/UMA
    // off, nTWI/nTWE on.
    movImm('x16', 0x00c50838),
    'msr sctlr_el1, x16',
    'isb',
    movImm('x26', SCRATCH),
  ];
  cases.forEach((c, i) => {
    lines.push(
      `adrp x27, in_${i}`,
      `add x27, x27, :lo12:in_${i}`,
      movImm('x28', OUT + i * OUT_STRIDE),
      'str xzr, [x28, #136]',
      'add sp, x26, #64',
    );
    for (let k = 0; k < 4; k++) lines.push(`ldp x16, x17, [x27, #${136 + 16 * k}]`, `stp x16, x17, [x26, #${16 * k}]`);
    lines.push('ldr x16, [x27, #128]', 'msr nzcv, x16');
    for (let k = 0; k < 16; k += 2) lines.push(`ldp x${k}, x${k + 1}, [x27, #${8 * k}]`);
    lines.push(c.asm);
    for (let k = 0; k < 16; k += 2) lines.push(`stp x${k}, x${k + 1}, [x28, #${8 * k}]`);
    lines.push('mrs x16, nzcv', 'str x16, [x28, #128]');
    for (let k = 0; k < 4; k++) lines.push(`ldp x16, x17, [x26, #${16 * k}]`, `stp x16, x17, [x28, #${144 + 16 * k}]`);
  });
  if (qemu) {
    // SYS_OPEN(path, "wb"), SYS_WRITE(table), SYS_CLOSE, SYS_EXIT.
    lines.push(
      'adr x1, open_blk', 'mov x0, #1', 'hlt #0xf000', 'adr x1, write_blk', 'str x0, [x1]', 'mov x0, #5', 'hlt #0xf000',
      'adr x1, write_blk', 'mov x0, #2', 'hlt #0xf000', 'adr x1, exit_blk', 'mov x0, #0x18', 'hlt #0xf000', 'b .',
      '.balign 8', `open_blk: .quad path, 5, ${outFile.length}`, `write_blk: .quad 0, ${OUT}, ${cases.length * OUT_STRIDE}`,
      'exit_blk: .quad 0x20026, 0', `path: .asciz "${outFile}"`,
    );
  } else lines.push('hvc #0');
  lines.push('.balign 2048', 'vectors:', '.rept 16', 'b handler', '.balign 128', '.endr');
  // The vector records ESR and returns past the faulting instruction, with PSTATE.IL cleared; an
  // SVC #0x77 (from EL0) returns to EL1h instead, ending an EL0 excursion.
  lines.push('handler:', 'mrs x16, esr_el1', 'str x16, [x28, #136]', 'mrs x17, elr_el1', 'add x17, x17, #4', 'msr elr_el1, x17',
    'mrs x17, spsr_el1', 'bic x17, x17, #(1 << 20)', 'movz w18, #0x5600, lsl #16', 'movk w18, #0x77', 'cmp w16, w18', 'b.ne 1f',
    'orr x17, x17, #4', 'orr x17, x17, #1', '1:', 'msr spsr_el1, x17', 'eret');
  lines.push('.balign 8');
  cases.forEach((c, i) => {
    const vals = [...c.regs, BigInt(c.nzcv >>> 0), ...(c.scratch ?? new Array<bigint>(8).fill(0n))];
    lines.push(`in_${i}: .quad ${vals.map((v) => '0x' + BigInt.asUintN(64, v).toString(16)).join(', ')}`);
  });
  return lines.join('\n') + '\n';
}

function build(dir: string, src: string, name: string, march: string): string {
  const s = join(dir, `${name}.S`);
  const elf = join(dir, `${name}.elf`);
  writeFileSync(s, src);
  execFileSync('aarch64-linux-gnu-gcc', [`-march=${march}`, '-nostdlib', '-static', `-Wl,-Ttext=0x${TEXT.toString(16)}`, '-Wl,--build-id=none', '-o', elf, s]);
  return elf;
}

function parse(buf: Uint8Array, n: number): DiffResult[] {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: DiffResult[] = [];
  for (let i = 0; i < n; i++) {
    const b = i * OUT_STRIDE;
    const q = (k: number) => dv.getBigUint64(b + 8 * k, true);
    out.push({
      regs: Array.from({ length: 16 }, (_, k) => q(k)),
      nzcv: Number(q(16)) >>> 0,
      esr: Number(q(17)),
      scratch: Array.from({ length: 8 }, (_, k) => q(18 + k)),
    });
  }
  return out;
}

/** Runs the cases on QEMU (-cpu given; LSE needs 'max'). */
export function runQemu(cases: DiffCase[], cpu = 'cortex-a57', march = 'armv8.1-a+crc'): DiffResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'qdiff-'));
  const outFile = join(dir, 'out.bin');
  const elf = build(dir, program(cases, true, outFile), 'q', march);
  execFileSync('qemu-system-aarch64', ['-M', 'virt', '-cpu', cpu, '-m', '256', '-nographic', '-monitor', 'none', '-serial', 'none',
    '-semihosting-config', 'enable=on,target=native', '-kernel', elf], { timeout: Number(process.env.QEMU_TIMEOUT ?? 60000), stdio: ['ignore', 'ignore', 'inherit'] });
  return parse(new Uint8Array(readFileSync(outFile)), cases.length);
}

/** Runs the same cases on our CPU. */
export function runOurs(cases: DiffCase[], march = 'armv8.1-a+crc'): { results: DiffResult[]; machine: Machine } {
  const dir = mkdtempSync(join(tmpdir(), 'odiff-'));
  const elf = build(dir, program(cases, false, ''), 'o', march);
  const bin = join(dir, 'o.bin');
  execFileSync('aarch64-linux-gnu-objcopy', ['-O', 'binary', elf, bin]);
  const m = new Machine({ ramSize: 16 << 20 });
  m.ram.set(new Uint8Array(readFileSync(bin)), TEXT - RAM_BASE);
  m.regs.set64(R_PC, BigInt(TEXT));
  m.exec(50_000_000);
  return { results: parse(m.ram.subarray(OUT - RAM_BASE, OUT - RAM_BASE + cases.length * OUT_STRIDE), cases.length), machine: m };
}

/** Describes the differences between two results ('' when equal). */
export function diffResult(c: DiffCase, q: DiffResult, o: DiffResult): string {
  const d: string[] = [];
  const hex = (v: bigint | number) => '0x' + v.toString(16);
  q.regs.forEach((v, k) => v !== o.regs[k] && d.push(`x${k}: qemu ${hex(v)} ours ${hex(o.regs[k])}`));
  if (q.nzcv !== o.nzcv) d.push(`nzcv: qemu ${hex(q.nzcv >>> 28)} ours ${hex(o.nzcv >>> 28)}`);
  if (q.esr !== o.esr) d.push(`esr: qemu ${hex(q.esr)} ours ${hex(o.esr)}`);
  q.scratch.forEach((v, k) => v !== o.scratch[k] && d.push(`scratch[${k}]: qemu ${hex(v)} ours ${hex(o.scratch[k])}`));
  if (d.length === 0) return '';
  return `${c.asm.replace(/\n/g, '; ')}  [in: ${c.regs.slice(0, 8).map(hex).join(' ')} nzcv ${hex(c.nzcv >>> 28)}]\n    ${d.join('\n    ')}`;
}
