/**
 * Test helper: assembles A64 source with the cross toolchain (aarch64-linux-gnu-as, objcopy)
 * into instruction words. Results are cached on disk by source hash so reruns are fast.
 * `hasAssembler` is false when the toolchain is missing: tests then skip with a message.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const AS = 'aarch64-linux-gnu-as';
const OBJCOPY = 'aarch64-linux-gnu-objcopy';

export const hasAssembler: boolean = (() => {
  try {
    execFileSync(AS, ['--version'], { stdio: 'ignore' });
    execFileSync(OBJCOPY, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const cacheDir = join(tmpdir(), 'kvm-arm64-grpc-asm-cache');

/** Assembles `src` (placed at offset 0 of .text) and returns its bytes. */
export function assembleBytes(src: string, march = 'armv8.1-a+crc'): Uint8Array {
  const key = createHash('sha256').update(march + '\n' + src).digest('hex').slice(0, 24);
  const cached = join(cacheDir, `${key}.bin`);
  if (existsSync(cached)) return new Uint8Array(readFileSync(cached));
  if (!hasAssembler) throw new Error(`${AS} is not installed`);
  mkdirSync(cacheDir, { recursive: true });
  const s = join(cacheDir, `${key}.s`);
  const o = join(cacheDir, `${key}.o`);
  writeFileSync(s, `.text\n${src}\n`);
  execFileSync(AS, [`-march=${march}`, '-o', o, s]);
  execFileSync(OBJCOPY, ['-O', 'binary', '-j', '.text', o, cached]);
  return new Uint8Array(readFileSync(cached));
}

/** Assembles `src` and returns its instruction words. */
export function assemble(src: string, march?: string): number[] {
  const b = assembleBytes(src, march);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const words: number[] = [];
  for (let i = 0; i + 4 <= b.length; i += 4) words.push(dv.getUint32(i, true));
  return words;
}
