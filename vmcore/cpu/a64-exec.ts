/**
 * The semantics table: pattern name -> handler, for every name of the decode table, and the
 * per-line handler array the CPU's decode cache fills from. Also the instruction syndrome an
 * MMIO exit needs (ESR ISS with ISV), derived from the same table.
 */
import { A64_PATTERNS, A64_NAMES, decodeA64, FEAT_LSE, FEAT_CRC32, FEAT_LRCPC } from './a64-decode';
import type { Handler } from './a64-handler';
import { DP_EXEC } from './a64-exec-dp';
import { LDST_EXEC } from './a64-exec-ldst';
import { SYSTEM_EXEC } from './a64-exec-system';
import { ESR_ELx_ISV, ESR_ELx_SAS_SHIFT, ESR_ELx_SSE, ESR_ELx_SRT_SHIFT, ESR_ELx_SF, ESR_ELx_AR } from './arm-constants';

export const A64_EXEC: Readonly<Record<string, Handler>> = { ...DP_EXEC, ...LDST_EXEC, ...SYSTEM_EXEC };

for (const name of A64_NAMES) {
  if (typeof A64_EXEC[name] !== 'function') throw new Error(`a64-exec: no semantics for pattern ${name}`);
}
for (const name of Object.keys(A64_EXEC)) {
  if (!A64_NAMES.includes(name)) throw new Error(`a64-exec: semantics for unknown pattern ${name}`);
}

/** Handler of each line of A64_PATTERNS, by index (what decodeA64 returns). */
export const A64_HANDLERS: readonly Handler[] = A64_PATTERNS.map((p) => A64_EXEC[p.name]);

const STORES = new Set(['STR_i', 'STUR', 'STTR', 'STR_r', 'STLR']);
const LOADS = new Set(['LDR_i', 'LDUR', 'LDTR', 'LDR_r', 'LDAR', 'LDAPR']);
const SIGNED_LOADS = new Set(['LDRS_i', 'LDURS', 'LDTRS', 'LDRS_r']);
const ACQ_REL = new Set(['LDAR', 'LDAPR', 'STLR']);

/**
 * The ESR ISS bits 24:14 of a data abort on `insn` (ISV, SAS, SSE, SRT, SF, AR), or -1 when the
 * instruction has no valid syndrome (pairs, writeback, exclusives, atomics: Arm ARM D17.2.40,
 * "ISV"), which KVM reports as NISV (§7.7). Slow path only (MMIO exits).
 */
export function mmioSyndrome(insn: number): number {
  const i = decodeA64(insn | 0, FEAT_LSE | FEAT_CRC32 | FEAT_LRCPC);
  if (i < 0) return -1;
  const name = A64_PATTERNS[i].name;
  let size = insn >>> 30;
  let sse = false;
  let sf: boolean;
  if (STORES.has(name) || LOADS.has(name)) sf = size === 3;
  else if (SIGNED_LOADS.has(name)) {
    sse = true;
    sf = (insn & (1 << 22)) === 0;
  } else if (name === 'LDR_lit') {
    size = (insn & (1 << 30)) !== 0 ? 3 : 2;
    sf = size === 3;
  } else if (name === 'LDRSW_lit') {
    size = 2;
    sse = true;
    sf = true;
  } else return -1;
  return (
    ESR_ELx_ISV |
    (size << ESR_ELx_SAS_SHIFT) |
    (sse ? ESR_ELx_SSE : 0) |
    ((insn & 31) << ESR_ELx_SRT_SHIFT) |
    (sf ? ESR_ELx_SF : 0) |
    (ACQ_REL.has(name) ? ESR_ELx_AR : 0)
  );
}
