/**
 * Test helper: a Cpu with one RAM region, the system registers at their reset values and the
 * vCPU in EL1h with DAIF masked (as KVM_ARM_VCPU_INIT leaves it). Programs end with `hvc #0`
 * unless the test looks at another stop.
 */
import { Cpu, type CpuRegion, type CpuStop } from '../../../../vmcore/cpu/cpu';
import { RegFile, R_PC, R_PSTATE, R_SP_EL0, R_SP_EL1 } from '../../../../vmcore/cpu/reg-file';
import { SYSREGS, sysregWord } from '../../../../vmcore/cpu/sysregs';
import { assemble } from './assemble';

export const RAM_BASE = 0x40000000;
export const RAM_SIZE = 0x100000;
export const CODE = RAM_BASE + 0x1000;
export const DATA = RAM_BASE + 0x80000;
export const VBAR = RAM_BASE + 0x800;

export class Machine {
  readonly regs = new RegFile();
  readonly cpu: Cpu;
  readonly mem: SharedArrayBuffer;
  readonly ram: Uint8Array;
  readonly dv: DataView;
  regions: CpuRegion[];

  constructor(opts: { regions?: CpuRegion[]; ipaBits?: number; ramSize?: number } = {}) {
    this.mem = new SharedArrayBuffer(opts.ramSize ?? RAM_SIZE);
    this.ram = new Uint8Array(this.mem);
    this.dv = new DataView(this.mem);
    for (const r of SYSREGS) this.regs.set64(r.word, r.reset);
    // The vCPU's view has LSE and CRC32 (what the CPU implements).
    this.regs.set64(sysregWord('ID_AA64ISAR0_EL1'), 0x0000000000210000n);
    this.regs.set64(sysregWord('ID_AA64ISAR1_EL1'), 0x0000000000100000n);
    this.regs.set64(sysregWord('VBAR_EL1'), BigInt(VBAR));
    this.regs.set64(R_PSTATE, 0x3c5n);
    this.regs.set64(R_PC, BigInt(CODE));
    this.cpu = new Cpu(this.regs, { ipaBits: opts.ipaBits ?? 40 });
    this.regions = opts.regions ?? [{ base: RAM_BASE, size: this.mem.byteLength, mem: this.mem, offset: 0, readonly: false }];
    this.cpu.setMemory(this.regions);
  }

  /**
   * Puts `hvc #0x100 + k` at vector k (VBAR_EL1 + 0x80 * k), so an exception ends the run with
   * { kind: 'hvc', imm: 0x100 + k }: 0-3 current EL with SP0 (sync, IRQ, FIQ, SError), 4-7
   * current EL with SPx, 8-11 lower EL AArch64.
   */
  vectors(): this {
    for (let k = 0; k < 16; k++) this.dv.setUint32(VBAR - RAM_BASE + 0x80 * k, 0xd4000002 | ((0x100 + k) << 5), true);
    return this;
  }

  /** Writes instruction words at addr. */
  load(words: number[], addr = CODE): this {
    words.forEach((w, i) => this.dv.setUint32(addr - RAM_BASE + 4 * i, w >>> 0, true));
    return this;
  }

  /** Assembles src at addr and points the PC at it. */
  asm(src: string, addr = CODE): this {
    this.load(assemble(src), addr);
    this.pc = BigInt(addr);
    return this;
  }

  x(n: number): bigint {
    return this.regs.get64(2 * n);
  }
  setX(n: number, v: bigint | number): this {
    this.regs.set64(2 * n, BigInt.asUintN(64, BigInt(v)));
    return this;
  }
  get pc(): bigint {
    return this.regs.get64(R_PC);
  }
  set pc(v: bigint) {
    this.regs.set64(R_PC, v);
  }
  get pstate(): number {
    return Number(this.regs.get64(R_PSTATE));
  }
  set pstate(v: number) {
    this.regs.set64(R_PSTATE, BigInt(v));
  }
  get nzcv(): number {
    return this.pstate >>> 28;
  }
  sys(name: string): bigint {
    return this.regs.get64(sysregWord(name));
  }
  setSys(name: string, v: bigint | number): this {
    this.regs.set64(sysregWord(name), BigInt.asUintN(64, BigInt(v)));
    return this;
  }
  spEl0(): bigint {
    return this.regs.get64(R_SP_EL0);
  }
  spEl1(): bigint {
    return this.regs.get64(R_SP_EL1);
  }
  u64(addr: number): bigint {
    return this.dv.getBigUint64(addr - RAM_BASE, true);
  }
  setU64(addr: number, v: bigint): this {
    this.dv.setBigUint64(addr - RAM_BASE, BigInt.asUintN(64, v), true);
    return this;
  }

  /** Runs the program and expects the exception vector `k` (see vectors()). */
  expectVector(k: number, max = 100000): this {
    const s = this.run(max);
    if (s.kind !== 'hvc' || s.imm !== 0x100 + k) throw new Error(`expected vector ${k}, got ${JSON.stringify(s)} at pc 0x${this.pc.toString(16)}`);
    return this;
  }

  /** Runs until a stop other than 'budget' (at most `max` instructions). */
  run(max = 100000): CpuStop {
    let left = max;
    for (;;) {
      const s = this.cpu.run(Math.min(left, 1000));
      if (s.kind !== 'budget') return s;
      left -= 1000;
      if (left <= 0) return s;
    }
  }

  /** Runs to the terminating `hvc #0` and checks it was reached. */
  exec(max = 100000): this {
    const s = this.run(max);
    if (s.kind !== 'hvc') throw new Error(`expected the program to end with hvc, got ${JSON.stringify(s)} at pc 0x${this.pc.toString(16)}`);
    return this;
  }
}

/** Assembles `src` + `hvc #0`, runs it with the given registers, returns the machine. */
export function runAsm(src: string, init: Record<number, bigint | number> = {}, m = new Machine()): Machine {
  for (const [n, v] of Object.entries(init)) m.setX(Number(n), v);
  m.asm(`${src}\nhvc #0`);
  return m.exec();
}
