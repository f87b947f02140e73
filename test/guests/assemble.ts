/**
 * Builds guest code from source for the tests, with Debian's aarch64 cross toolchain
 * (gcc-aarch64-linux-gnu / binutils-aarch64-linux-gnu; .ci/run installs it). Results are cached
 * by content hash under test/guests/build/ (git-ignored), so a suite assembles each snippet once.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** test/guests/ in the source tree (also when running from dist/test/guests/). */
export const GUESTS_DIR = [path.resolve(__dirname), path.resolve(__dirname, '..', '..', '..', 'test', 'guests')]
  .find((d) => fs.existsSync(path.join(d, 'assemble.ts'))) ?? path.resolve(__dirname);
const BUILD_DIR = path.join(GUESTS_DIR, 'build');

const AS = process.env.AARCH64_AS ?? 'aarch64-linux-gnu-as';
const LD = process.env.AARCH64_LD ?? 'aarch64-linux-gnu-ld';
const OBJCOPY = process.env.AARCH64_OBJCOPY ?? 'aarch64-linux-gnu-objcopy';

/**
 * Assembles A64 source into a flat binary linked at `base` (default 0x40000000, the RAM base the
 * tests use). The entry point is the first instruction.
 * @example const code = assemble('mov x0, #1\nhvc #0');
 */
export function assemble(source: string, base = 0x40000000): Uint8Array {
  const src = `.text\n.global _start\n_start:\n${source}\n`;
  const key = createHash('sha256').update(`${base}\n${src}`).digest('hex').slice(0, 16);
  const out = path.join(BUILD_DIR, `${key}.bin`);
  if (fs.existsSync(out)) return new Uint8Array(fs.readFileSync(out));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'guest-'));
  try {
    fs.writeFileSync(path.join(tmp, 'g.S'), src);
    execFileSync(AS, ['-o', path.join(tmp, 'g.o'), path.join(tmp, 'g.S')], { stdio: 'pipe' });
    execFileSync(LD, ['-Ttext', `0x${base.toString(16)}`, '-e', '_start', '-o', path.join(tmp, 'g.elf'), path.join(tmp, 'g.o')], { stdio: 'pipe' });
    execFileSync(OBJCOPY, ['-O', 'binary', path.join(tmp, 'g.elf'), path.join(tmp, 'g.bin')], { stdio: 'pipe' });
    fs.mkdirSync(BUILD_DIR, { recursive: true });
    fs.copyFileSync(path.join(tmp, 'g.bin'), out);
    return new Uint8Array(fs.readFileSync(out));
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`assembling guest code failed: ${err.stderr?.toString() ?? err.message}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
