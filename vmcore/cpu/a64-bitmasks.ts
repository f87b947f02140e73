/**
 * DecodeBitMasks (Arm ARM J1, shared/functions/integer) precomputed for every N:immr:imms, so
 * logical immediates and bitfield moves cost table loads instead of the bit-by-bit construction.
 * Index: (N << 12) | (immr << 6) | imms, i.e. instruction bits 22:10. Built once with BigInt
 * (control path); read as 32-bit halves on the hot path.
 */

/** wmask (ROR(welem, R) replicated), low and high words. */
export const BM_WMASK_LO = new Int32Array(1 << 13);
export const BM_WMASK_HI = new Int32Array(1 << 13);
/** tmask (telem replicated), low and high words. */
export const BM_TMASK_LO = new Int32Array(1 << 13);
export const BM_TMASK_HI = new Int32Array(1 << 13);
/** Bit 0: valid for a bitfield move (immediate = FALSE); bit 1: valid logical immediate. */
export const BM_VALID = new Uint8Array(1 << 13);

const ones = (n: number): bigint => (1n << BigInt(n)) - 1n;

function replicate(elem: bigint, esize: number): bigint {
  let v = 0n;
  for (let i = 0; i < 64; i += esize) v |= elem << BigInt(i);
  return v;
}

for (let key = 0; key < 1 << 13; key++) {
  const n = key >> 12;
  const immr = (key >> 6) & 63;
  const imms = key & 63;
  const combined = (n << 6) | (~imms & 63);
  const len = combined === 0 ? -1 : 31 - Math.clz32(combined);
  if (len < 1) continue;
  const levels = (1 << len) - 1;
  const s = imms & levels;
  const r = immr & levels;
  const esize = 1 << len;
  const d = (s - r) & levels;
  const welem = ones(s + 1);
  const telem = ones(d + 1);
  const emask = ones(esize);
  const rotated = r === 0 ? welem : ((welem >> BigInt(r)) | (welem << BigInt(esize - r))) & emask;
  const wmask = replicate(rotated, esize);
  const tmask = replicate(telem, esize);
  BM_WMASK_LO[key] = Number(BigInt.asIntN(32, wmask));
  BM_WMASK_HI[key] = Number(BigInt.asIntN(32, wmask >> 32n));
  BM_TMASK_LO[key] = Number(BigInt.asIntN(32, tmask));
  BM_TMASK_HI[key] = Number(BigInt.asIntN(32, tmask >> 32n));
  BM_VALID[key] = 1 | (s === levels ? 0 : 2);
}
