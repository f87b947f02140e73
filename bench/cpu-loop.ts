/**
 * Micro-benchmark of the emulated CPU (not a test): guest MIPS for a tight loop, an ALU mix and
 * a memory walk, on one vCPU at EL1 with the MMU off.
 *
 *   npm run build && node dist/bench/cpu-loop.js [seconds-per-kernel]
 *   (node -r ./test/register.js bench/cpu-loop.ts works too, a little slower under ts-node)
 *
 * The programs are pre-assembled (aarch64-linux-gnu-as); the source is in each comment.
 * Reference (2-core AMD EPYC VM shared with other jobs, load average ~4, best of 5 runs of 1 s):
 * tight loop 61, ALU mix 46, memory walk 46 MIPS; qemu-system-aarch64 7.2 TCG runs the tight
 * loop at ~1000 MIPS on the same machine.
 */
import { Cpu } from '../vmcore/cpu/cpu';
import { RegFile, R_PC, R_PSTATE } from '../vmcore/cpu/reg-file';
import { SYSREGS } from '../vmcore/cpu/sysregs';

const RAM = 0x40000000;
const SIZE = 4 << 20;
const CODE = RAM + 0x1000;
const DATA = RAM + 0x100000;

interface Kernel {
  name: string;
  words: number[];
  /** Guest instructions per outer iteration (X0 counts iterations down). */
  perIteration: number;
}

const KERNELS: Kernel[] = [
  {
    // 1: subs x0, x0, #1 ; b.ne 1b ; hvc #0
    name: 'tight loop',
    words: [0xf1000400, 0x54ffffe1, 0xd4000002],
    perIteration: 2,
  },
  {
    // 1: adds x2, x2, x3 ; eor x4, x4, x2, lsl #3 ; madd x5, x4, x2, x5 ; csel x6, x5, x4, lt
    //    orr w7, w6, #0xff ; ubfx x8, x5, #7, #20 ; add x9, x9, x8, lsr #2 ; cmp x9, x7
    //    cinc x10, x10, hi ; clz x11, x5 ; and x12, x11, x3 ; sub x13, x12, x2 ; rev x14, x13
    //    lsr x15, x14, #5 ; sub x0, x0, #1 ; cbnz x0, 1b ; hvc #0
    name: 'ALU mix',
    words: [0xab030042, 0xca020c84, 0x9b021485, 0x9a84b0a6, 0x32001cc7, 0xd34768a8, 0x8b480929, 0xeb07013f, 0x9a8a954a, 0xdac010ab,
      0x8a03016c, 0xcb02018d, 0xdac00dae, 0xd345fdcf, 0xd1000400, 0xb5fffe20, 0xd4000002],
    perIteration: 16,
  },
  {
    // 2: mov x1, x20 ; mov x3, #8192
    // 1: ldr x2, [x1], #8 ; add x4, x4, x2 ; str x4, [x1, #-8] ; ldp x5, x6, [x1, #64]
    //    add x7, x5, x6 ; ldrb w8, [x1, #3] ; add x4, x4, x8 ; subs x3, x3, #1 ; b.ne 1b
    //    sub x0, x0, #1 ; cbnz x0, 2b ; hvc #0
    name: 'memory walk',
    words: [0xaa1403e1, 0xd2840003, 0xf8408422, 0x8b020084, 0xf81f8024, 0xa9441825, 0x8b0600a7, 0x39400c28, 0x8b080084, 0xf1000463,
      0x54ffff01, 0xd1000400, 0xb5fffe80, 0xd4000002],
    perIteration: 2 + 9 * 8192 + 2,
  },
];

function setup(k: Kernel): { cpu: Cpu; regs: RegFile } {
  const regs = new RegFile();
  for (const r of SYSREGS) regs.set64(r.word, r.reset);
  regs.set64(R_PSTATE, 0x3c5n);
  const mem = new SharedArrayBuffer(SIZE);
  const dv = new DataView(mem);
  k.words.forEach((w, i) => dv.setUint32(CODE - RAM + 4 * i, w, true));
  const cpu = new Cpu(regs, { ipaBits: 40 });
  cpu.setMemory([{ base: RAM, size: SIZE, mem, offset: 0, readonly: false }]);
  return { cpu, regs };
}

/**
 * MIPS per second of this thread's CPU time (process.cpuUsage: the machine is shared, so wall
 * time would measure the neighbours too).
 */
function measure(k: Kernel, seconds: number): number {
  const { cpu, regs } = setup(k);
  const iterations = k === KERNELS[2] ? 4 : 1_000_000;
  let insns = 0;
  const t0 = process.cpuUsage();
  let elapsed = 0;
  while (elapsed < seconds) {
    regs.set64(R_PC, BigInt(CODE));
    regs.set64(0, BigInt(iterations));
    regs.set64(2 * 20, BigInt(DATA));
    const before = cpu.instructionsRetired;
    for (;;) {
      const s = cpu.run(100_000);
      if (s.kind === 'hvc') break;
      if (s.kind !== 'budget') throw new Error(`${k.name}: unexpected stop ${JSON.stringify(s)}`);
    }
    insns += cpu.instructionsRetired - before;
    const u = process.cpuUsage(t0);
    elapsed = (u.user + u.system) / 1e6;
  }
  return insns / elapsed / 1e6;
}

const seconds = Number(process.argv[2] ?? 2);
for (const k of KERNELS) measure(k, 0.3); // warm up the JIT
for (const k of KERNELS) console.log(`${k.name.padEnd(12)} ${measure(k, seconds).toFixed(1).padStart(7)} MIPS`);
