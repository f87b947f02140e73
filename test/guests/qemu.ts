/**
 * Runs a guest ELF under QEMU, the reference of the differential tests:
 * `qemu-system-aarch64 -M virt -cpu cortex-a57 -nographic -monitor none -serial stdio -kernel x.elf`
 * (TCG). QEMU loads the ELF at its link address and enters it at EL1h with the MMU off; PSCI
 * (HVC conduit) SYSTEM_OFF ends QEMU. The PL011's output is what the guest wrote to UARTDR,
 * byte for byte.
 */
import { execFileSync, spawn } from 'node:child_process';

const QEMU = process.env.QEMU_SYSTEM_AARCH64 ?? 'qemu-system-aarch64';

/** True when qemu-system-aarch64 is installed. */
export const hasQemu: boolean = (() => {
  try {
    execFileSync(QEMU, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

export interface QemuRunOptions {
  /** -cpu; default cortex-a57 ('max' for LSE atomics). */
  cpu?: string;
  /** Kill QEMU after this long; default 60 s (or $QEMU_TIMEOUT ms). */
  timeoutMs?: number;
  /** Guest RAM in MiB; default 128 (covers the guests' 16 MiB map). */
  memMb?: number;
}

export interface QemuRunResult {
  /** The UART output, one char per byte written. */
  output: string;
  /** QEMU's exit code (0 after SYSTEM_OFF), null if it was killed. */
  exitCode: number | null;
  timedOut: boolean;
  stderr: string;
  ms: number;
}

/**
 * Runs `elf` in QEMU until it powers off (or the timeout).
 * @example const { output } = await runQemu(buildGuest('dp-imm').elf);
 */
export function runQemu(elf: string, opts: QemuRunOptions = {}): Promise<QemuRunResult> {
  const timeoutMs = opts.timeoutMs ?? Number(process.env.QEMU_TIMEOUT ?? 60_000);
  const args = ['-M', 'virt', '-cpu', opts.cpu ?? 'cortex-a57', '-m', String(opts.memMb ?? 128),
    '-nographic', '-monitor', 'none', '-serial', 'stdio', '-kernel', elf];
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(QEMU, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        output: Buffer.concat(out).toString('latin1'),
        exitCode: code,
        timedOut,
        stderr: Buffer.concat(err).toString('utf8'),
        ms: performance.now() - t0,
      });
    });
  });
}
