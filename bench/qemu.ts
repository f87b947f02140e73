/**
 * The reference side of `npm run bench`: one qemu-system-aarch64 (TCG) process per run,
 *
 *   qemu-system-aarch64 -M virt -cpu cortex-a57 -nographic -monitor none -serial stdio -kernel guest.elf
 *
 * timed from spawn to exit. QEMU virt enters a non-Linux ELF at its entry point at EL1 with the
 * MMU off, emulates PSCI over HVC (no EL2/EL3), and exits on SYSTEM_OFF; the guest prints its
 * checksum on the PL011, which is -serial stdio. Start-up and exit cost cancel out in run.ts,
 * which times N and 2N iterations.
 */
import { spawn, execFileSync, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const QEMU = process.env.QEMU_SYSTEM_AARCH64 ?? 'qemu-system-aarch64';
export const QEMU_ARGS = ['-M', 'virt', '-cpu', 'cortex-a57', '-nographic', '-monitor', 'none', '-serial', 'stdio'];

export interface QemuRun {
  /** Wall time from spawn to exit, seconds. */
  seconds: number;
  /** The checksum the guest printed ("checksum=<16 hex digits>"). */
  checksum: bigint;
  output: string;
}

/** `qemu-system-aarch64 --version`, first line; throws with a hint when QEMU is missing. */
export function qemuVersion(): string {
  try {
    return execFileSync(QEMU, ['--version'], { encoding: 'utf8' }).split('\n')[0];
  } catch (e) {
    throw new Error(`${QEMU} not found: install qemu-system-arm (bash scripts/ci-setup.sh). ${(e as Error).message}`);
  }
}

/** Parses the guest's checksum line; throws if there is none. */
export function parseChecksum(output: string, who: string): bigint {
  const m = /checksum=([0-9a-f]{16})\r?\n/.exec(output);
  if (!m) throw new Error(`${who}: no checksum line in the guest's output: ${JSON.stringify(output.slice(0, 200))}`);
  return BigInt(`0x${m[1]}`);
}

/** Runs QEMU on ELF images written to a private scratch directory. */
export class QemuRunner {
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvm-bench-qemu-'));
  private seq = 0;
  private current: ChildProcess | undefined;

  /**
   * Boots `elf` and waits for the guest's SYSTEM_OFF. Fails if QEMU exits non-zero, prints no
   * checksum, or takes longer than timeoutMs (then it is killed).
   * @example const r = await qemu.run(image.withN(1000).elf, 'crc32 N=1000');
   */
  async run(elf: Buffer, label: string, timeoutMs = 300_000): Promise<QemuRun> {
    const file = path.join(this.dir, `guest-${this.seq++}.elf`);
    fs.writeFileSync(file, elf);
    try {
      return await new Promise<QemuRun>((resolve, reject) => {
        const t0 = performance.now();
        const child = spawn(QEMU, [...QEMU_ARGS, '-kernel', file], { stdio: ['ignore', 'pipe', 'pipe'] });
        this.current = child;
        let out = '';
        let err = '';
        child.stdout.setEncoding('latin1').on('data', (d: string) => { out += d; });
        child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`qemu ${label}: no SYSTEM_OFF within ${timeoutMs} ms (killed)`));
        }, timeoutMs);
        child.on('error', (e) => {
          clearTimeout(timer);
          reject(new Error(`qemu ${label}: ${e.message}`));
        });
        child.on('close', (code, signal) => {
          const seconds = (performance.now() - t0) / 1000;
          clearTimeout(timer);
          this.current = undefined;
          if (code !== 0) return reject(new Error(`qemu ${label}: exited with ${code ?? signal}: ${err.trim()}`));
          try {
            resolve({ seconds, checksum: parseChecksum(out, `qemu ${label}`), output: out });
          } catch (e) {
            reject(e);
          }
        });
      });
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  /** Kills a QEMU still running (the benchmark failed), removes the scratch directory. */
  close(): void {
    this.current?.kill('SIGKILL');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
