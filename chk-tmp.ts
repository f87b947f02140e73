import { runQemu, runOurs, diffResult } from './test/unit/vmcore/cpu/qemu-diff';
import { sysCases } from './test/unit/vmcore/cpu/diff-cases';
const all = sysCases(2, 600);
const idx = Number(process.argv[2]);
const cases = all.filter((_, i) => i % 26 === idx);
console.log(cases[0].asm.replace(/\n/g, '; '));
try { const q = runQemu(cases); const { results: o } = runOurs(cases); cases.forEach((c, i) => { const d = diffResult(c, q[i], o[i]); if (d) console.log(d); }); } catch (e) { console.log('FAIL', String(e).slice(0, 100)); }
