/**
 * The GICv3 CPU interface as the guest reaches it: the ICC_*_EL1 system registers, one
 * SysRegHook per encoding for Cpu.registerSysReg, run on the vCPU's own thread against the shared
 * VGIC state (what KVM gives a guest through the ICH/ICV virtual interface, group 1 non-secure
 * with GICD_CTLR.DS = 1). Every access is EL1-only (UNDEFINED at EL0, ICC_SRE_EL1.SRE fixed at 1)
 * and takes the VGIC lock; an access that may change what the vCPU is signalled re-delivers and
 * then `sync` copies the vCPU's IRQ/FIQ inputs into the CPU, which re-checks them after the hook.
 *
 * Arm IHI 0069 §12.2 (ICC register descriptions); linux arch/arm64/kvm/hyp/vgic-v3-sr.c
 * (__vgic_v3_read_iar, __vgic_v3_write_eoir, _dir, _pmr, _bpr0/1, _apxr, _ctlr, _igrpen0/1),
 * arch/arm64/kvm/vgic/vgic-mmio-v3.c (vgic_v3_dispatch_sgi); qemu hw/intc/arm_gicv3_cpuif.c.
 */
import { sysregEncoding } from '../../vmcore/cpu/sysregs';
import { SYSREG_OK, SYSREG_UNDEF, type SysRegHook } from '../../vmcore/cpu/sysreg-hook';
import {
  deactivateInterrupt, deliver, endOfInterrupt, highestPending, iccAcknowledge, runningPriority, sendSgi,
} from './vgic-cpuif';
import type { CpuIf, VgicCpu, VgicState } from './vgic-state';
import { ctlrGet, ICC_CTLR_EL1_CBPR, ICC_CTLR_EL1_EOImode } from './vgic-v3-sysregs';

const enc = (crn: number, crm: number, op2: number): number => sysregEncoding(3, 0, crn, crm, op2);

export const ICC_PMR_EL1 = enc(4, 6, 0);
export const ICC_IAR0_EL1 = enc(12, 8, 0);
export const ICC_EOIR0_EL1 = enc(12, 8, 1);
export const ICC_HPPIR0_EL1 = enc(12, 8, 2);
export const ICC_BPR0_EL1 = enc(12, 8, 3);
export const ICC_AP0R0_EL1 = enc(12, 8, 4); // ..3: op2 4-7
export const ICC_AP1R0_EL1 = enc(12, 9, 0); // ..3: op2 0-3
export const ICC_DIR_EL1 = enc(12, 11, 1);
export const ICC_RPR_EL1 = enc(12, 11, 3);
export const ICC_SGI1R_EL1 = enc(12, 11, 5);
export const ICC_ASGI1R_EL1 = enc(12, 11, 6);
export const ICC_SGI0R_EL1 = enc(12, 11, 7);
export const ICC_IAR1_EL1 = enc(12, 12, 0);
export const ICC_EOIR1_EL1 = enc(12, 12, 1);
export const ICC_HPPIR1_EL1 = enc(12, 12, 2);
export const ICC_BPR1_EL1 = enc(12, 12, 3);
export const ICC_CTLR_EL1 = enc(12, 12, 4);
export const ICC_SRE_EL1 = enc(12, 12, 5);
export const ICC_IGRPEN0_EL1 = enc(12, 12, 6);
export const ICC_IGRPEN1_EL1 = enc(12, 12, 7);

/** The minimum binary points: 7 - PRIbits for group 0, one more for non-secure group 1. */
const minBpr0 = (ci: CpuIf): number => 7 - ci.numPriBits;
const bpr0 = (ci: CpuIf): number => Math.max(ci.bpr, minBpr0(ci));
const bpr1 = (ci: CpuIf): number => (ci.cbpr !== 0 ? Math.min(bpr0(ci) + 1, 7) : Math.max(ci.abpr, minBpr0(ci) + 1));
/** The priority bits a PMR write keeps (the low 8 - PRIbits read as zero). */
const priMask = (ci: CpuIf): number => (0xff << (8 - ci.numPriBits)) & 0xff;

type Read = (s: VgicState, c: VgicCpu) => number;
type Write = (s: VgicState, c: VgicCpu, lo: number, hi: number) => void;

/**
 * The hooks of one vCPU. `sync` is called after every access that may have changed the vCPU's
 * lines (it reads CTL_LINES into the CPU's irqLine/fiqLine).
 */
export function iccSysRegHooks(s: VgicState, c: VgicCpu, sync: () => void): Array<[number, SysRegHook]> {
  const hook = (read: Read | null, write: Write | null): SysRegHook => ({
    read: (el, out) => {
      if (el === 0 || read === null) return SYSREG_UNDEF;
      out[0] = s.locked(() => read(s, c));
      out[1] = 0;
      sync();
      return SYSREG_OK;
    },
    write: (el, lo, hi) => {
      if (el === 0 || write === null) return SYSREG_UNDEF;
      s.locked(() => write(s, c, lo, hi));
      sync();
      return SYSREG_OK;
    },
  });
  /** A CPU-interface setting: store, then re-deliver (it may unmask or mask an interrupt). */
  const setting = (get: (ci: CpuIf) => number, set: (ci: CpuIf, v: number) => void): SysRegHook =>
    hook(
      (_s, x) => get(x.cpuif),
      (st, x, lo) => {
        set(x.cpuif, lo);
        deliver(st, x);
      },
    );
  /** ICC_APnR: only the indices the priority bits implement; others UNDEFINED. */
  const apr = (group: 0 | 1, n: number): SysRegHook => {
    const regs = (ci: CpuIf): Uint32Array => (group === 0 ? ci.ap0r : ci.ap1r);
    const h = setting((ci) => regs(ci)[n], (ci, v) => { regs(ci)[n] = v >>> 0; });
    return {
      read: (el, out) => (n > c.cpuif.maxAprIdx() ? SYSREG_UNDEF : h.read(el, out)),
      write: (el, lo, hi) => (n > c.cpuif.maxAprIdx() ? SYSREG_UNDEF : h.write(el, lo, hi)),
    };
  };
  const rows: Array<[number, SysRegHook]> = [
    [ICC_PMR_EL1, setting((ci) => ci.pmr, (ci, v) => { ci.pmr = v & priMask(ci); })],
    [ICC_IAR0_EL1, hook((st, x) => iccAcknowledge(st, x, 0), null)],
    [ICC_IAR1_EL1, hook((st, x) => iccAcknowledge(st, x, 1), null)],
    [ICC_EOIR0_EL1, hook(null, (st, x, lo) => endOfInterrupt(st, x, lo))],
    [ICC_EOIR1_EL1, hook(null, (st, x, lo) => endOfInterrupt(st, x, lo))],
    [ICC_HPPIR0_EL1, hook((st, x) => highestPending(st, x, 0, false), null)],
    [ICC_HPPIR1_EL1, hook((st, x) => highestPending(st, x, 1, false), null)],
    [ICC_DIR_EL1, hook(null, (st, x, lo) => deactivateInterrupt(st, x, lo))],
    [ICC_RPR_EL1, hook((_st, x) => runningPriority(x.cpuif), null)],
    [ICC_SGI1R_EL1, hook(null, (st, x, lo, hi) => sendSgi(st, x, lo, hi, true))],
    // With DS = 1 a non-secure ASGI1R generates group 0 SGIs, like SGI0R (vgic_v3_dispatch_sgi).
    [ICC_ASGI1R_EL1, hook(null, (st, x, lo, hi) => sendSgi(st, x, lo, hi, false))],
    [ICC_SGI0R_EL1, hook(null, (st, x, lo, hi) => sendSgi(st, x, lo, hi, false))],
    // Writes below the minimum binary point set the minimum.
    [ICC_BPR0_EL1, setting(bpr0, (ci, v) => { ci.bpr = Math.max(v & 7, minBpr0(ci)); })],
    [ICC_BPR1_EL1, setting(bpr1, (ci, v) => { if (ci.cbpr === 0) ci.abpr = Math.max(v & 7, minBpr0(ci) + 1); })],
    // Only CBPR and EOImode are writable by the guest; PRIbits, IDbits, SEIS and A3V are fixed.
    [ICC_CTLR_EL1, setting(ctlrGet, (ci, v) => {
      ci.cbpr = v & ICC_CTLR_EL1_CBPR ? 1 : 0;
      ci.eoim = v & ICC_CTLR_EL1_EOImode ? 1 : 0;
    })],
    [ICC_SRE_EL1, hook((_st, x) => x.cpuif.sre, () => {})],
    [ICC_IGRPEN0_EL1, setting((ci) => ci.grpen0, (ci, v) => { ci.grpen0 = v & 1; })],
    [ICC_IGRPEN1_EL1, setting((ci) => ci.grpen1, (ci, v) => { ci.grpen1 = v & 1; })],
  ];
  for (let n = 0; n < 4; n++) rows.push([ICC_AP0R0_EL1 + n, apr(0, n)], [ICC_AP1R0_EL1 + n, apr(1, n)]);
  return rows;
}
