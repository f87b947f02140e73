/**
 * Interrupt delivery and the CPU interface: which interrupt a vCPU's CPU interface signals, and
 * the acknowledge / end-of-interrupt / deactivate / running-priority operations behind the GICv3
 * ICC_* registers (vgic-v3-icc-hooks.ts) and the GICv2 GICC_* registers (vgic-v2-cpu.ts).
 *
 * Delivery (deliver / deliverAll) is the last step of every state change: it finds the vCPU's
 * highest-priority pending interrupt that is enabled, not active and whose group is enabled in
 * both GICD_CTLR and the CPU interface; signals it if its priority is below ICC_PMR and its group
 * priority preempts the running priority; and drives the vCPU's IRQ (group 1, or group 0 on a
 * GICv2 without FIQEn) or FIQ input in its shared control words, waking a WFI on a rising line.
 * All of it runs under the VGIC lock (VgicState.locked).
 *
 * Priorities follow the GICv3 virtual CPU interface as KVM exposes it (a GICv2 guest gets the
 * same GICH-backed behaviour): PRIbits implemented priority bits, active priorities recorded one
 * bit per group priority in ICC_AP0Rn (group 0) / ICC_AP1Rn (group 1; a GICv2's GICC_APRn), the
 * minimum binary points 7 - PRIbits (group 0) and 8 - PRIbits (group 1, non-secure).
 *
 * linux: arch/arm64/kvm/vgic/vgic.c (vgic_target_oracle, vgic_queue_irq_unlock),
 * vgic-v3.c / vgic-v2.c (LR population and fold); Arm IHI 0069 §4.8 (priority, preemption,
 * running priority), pseudocode CanSignalVirtualInterrupt; qemu hw/intc/arm_gicv3_cpuif.c
 * (hppvi_index, icv_hppi_can_preempt, icv_activate_irq, icv_drop_prio).
 */
import { CTL_LINES, CTL_WAKE } from '../../vmcore/vcpu-thread-protocol';
import { VGIC_NR_PRIVATE_IRQS, VGIC_NR_SGIS, type CpuIf, type IrqBank, type VgicCpu, type VgicState } from './vgic-state';

export const INTID_SPURIOUS = 1023;
/** GICv2 GICC_IAR/HPPIR when the pending interrupt is group 1 and AckCtl is 0. */
export const INTID_NONSECURE = 1022;
/** INTIDs 1020-1023 are special: EOI and deactivation of them have no effect. */
const INTID_SPECIAL_FIRST = 1020;
/** CTL_LINES bits (vcpu-thread-protocol.ts). */
export const LINE_IRQ = 1;
export const LINE_FIQ = 2;
const IDLE_PRIORITY = 0xff;

// The result of the last findHppi(): scratch fields, so that delivery allocates nothing.
let hpIntid = INTID_SPURIOUS;
let hpPrio = 0x100;
let hpGroup = 0;
let hpBank: IrqBank | null = null;

/** Offers INTIDs [from, to) of `b` (only those routed to `route` unless route < 0). */
function scan(b: IrqBank, from: number, to: number, route: number, g0: boolean, g1: boolean): void {
  const en = b.enabled;
  for (let i = from; i < to; i++) {
    if (en[i] === 0 || b.active[i] !== 0) continue;
    if (b.pendingLatch[i] === 0 && (b.edge[i] !== 0 || b.lineLevel[i] === 0)) continue;
    if (route >= 0 && b.route[i] !== route) continue;
    const g = b.group[i];
    if (g !== 0 ? !g1 : !g0) continue;
    const p = b.priority[i];
    // Equal priorities: the lower INTID wins (scanned first).
    if (p < hpPrio) {
      hpPrio = p;
      hpIntid = i;
      hpGroup = g;
      hpBank = b;
    }
  }
}

/** The highest-priority pending interrupt of `c` into hp*, private INTIDs first. */
function findHppi(s: VgicState, c: VgicCpu, spis: boolean): void {
  hpIntid = INTID_SPURIOUS;
  hpPrio = 0x100;
  hpGroup = 0;
  hpBank = null;
  if (!s.enabled) return;
  const g0 = c.cpuif.grpen0 !== 0;
  const g1 = c.cpuif.grpen1 !== 0;
  if (!g0 && !g1) return;
  scan(c.priv, 0, VGIC_NR_PRIVATE_IRQS, -1, g0, g1);
  if (spis && s.spis) scan(s.spis, VGIC_NR_PRIVATE_IRQS, s.nrIrqs, c.index, g0, g1);
}

const ctz = (v: number): number => 31 - Math.clz32(v & -v);

/**
 * The group priority mask for `group` (icv_gprio_mask): group 0 uses BPR0, group 1 its own BPR1
 * (one more than BPR0's meaning) unless CBPR makes it use BPR0. Binary points below the minimum
 * act as the minimum (writes are not clamped in the state, for the attribute groups).
 */
export function gprioMask(ci: CpuIf, group: number): number {
  const min = 7 - ci.numPriBits;
  if (group === 0 || ci.cbpr !== 0) return (~0 << (Math.max(ci.bpr, min) + 1)) & 0xff;
  return (~0 << Math.max(ci.abpr, min + 1)) & 0xff;
}

/** The running priority (ICC_RPR_EL1 / GICC_RPR): the highest active group priority, or 0xFF. */
export function runningPriority(ci: CpuIf): number {
  const n = ci.maxAprIdx();
  for (let i = 0; i <= n; i++) {
    const a = (ci.ap0r[i] | ci.ap1r[i]) >>> 0;
    if (a !== 0) return ((i * 32 + ctz(a)) << (8 - ci.numPriBits)) & 0xff;
  }
  return IDLE_PRIORITY;
}

/** The hp* interrupt is signalled: below the priority mask and preempting the running priority. */
function canSignal(ci: CpuIf): boolean {
  if (hpIntid === INTID_SPURIOUS || hpPrio >= ci.pmr) return false;
  const r = runningPriority(ci);
  if (r === IDLE_PRIORITY) return true;
  const m = gprioMask(ci, hpGroup);
  return (hpPrio & m) < (r & m);
}

/** The line an interrupt of `group` drives: group 0 is FIQ on a GICv3, or on a GICv2 with FIQEn. */
function lineFor(s: VgicState, ci: CpuIf, group: number): number {
  return group === 0 && (s.model === 'v3' || ci.fiqen !== 0) ? LINE_FIQ : LINE_IRQ;
}

/** Drives the vCPU's interrupt inputs; a rising line wakes its WFI (vcpu-loop.ts). */
function setLines(ctl: Int32Array, lines: number): void {
  const old = Atomics.exchange(ctl, CTL_LINES, lines);
  if ((lines & ~old) !== 0) {
    Atomics.add(ctl, CTL_WAKE, 1);
    Atomics.notify(ctl, CTL_WAKE);
  }
}

/** Recomputes the interrupt inputs of one vCPU. */
export function deliver(s: VgicState, c: VgicCpu): void {
  findHppi(s, c, true);
  setLines(c.ctl, canSignal(c.cpuif) ? lineFor(s, c.cpuif, hpGroup) : 0);
}

// Per-target best SPI of deliverAll (grown on demand).
let spiPrio = new Int32Array(0);
let spiIntid = new Int32Array(0);
let spiGroup = new Int32Array(0);

/** Recomputes every vCPU's inputs: one pass over the SPIs, then each private bank. */
export function deliverAll(s: VgicState): void {
  const cpus = s.allCpus();
  const n = cpus.length;
  if (spiPrio.length < n) {
    spiPrio = new Int32Array(n);
    spiIntid = new Int32Array(n);
    spiGroup = new Int32Array(n);
  }
  spiPrio.fill(0x100, 0, n);
  spiIntid.fill(INTID_SPURIOUS, 0, n);
  const b = s.spis;
  if (b && s.enabled) {
    for (let i = VGIC_NR_PRIVATE_IRQS; i < s.nrIrqs; i++) {
      if (b.enabled[i] === 0 || b.active[i] !== 0) continue;
      if (b.pendingLatch[i] === 0 && (b.edge[i] !== 0 || b.lineLevel[i] === 0)) continue;
      const t = b.route[i];
      if (t < 0 || t >= n || cpus[t] === undefined) continue;
      const g = b.group[i];
      const ci = cpus[t].cpuif;
      if ((g !== 0 ? ci.grpen1 : ci.grpen0) === 0) continue;
      if (b.priority[i] < spiPrio[t]) {
        spiPrio[t] = b.priority[i];
        spiIntid[t] = i;
        spiGroup[t] = g;
      }
    }
  }
  for (let t = 0; t < n; t++) {
    const c = cpus[t];
    if (c === undefined) continue;
    findHppi(s, c, false);
    if (spiPrio[t] < hpPrio) {
      hpPrio = spiPrio[t];
      hpIntid = spiIntid[t];
      hpGroup = spiGroup[t];
      hpBank = b;
    }
    setLines(c.ctl, canSignal(c.cpuif) ? lineFor(s, c.cpuif, hpGroup) : 0);
  }
}

/** Records hp* as active: APR bit for its group priority, latch (or a GICv2 SGI source) consumed. */
function activate(s: VgicState, c: VgicCpu): number {
  const b = hpBank!;
  const intid = hpIntid;
  const ci = c.cpuif;
  b.active[intid] = 1;
  let value = intid;
  if (s.model === 'v2' && intid < VGIC_NR_SGIS) {
    // One source CPU at a time: the SGI stays pending while other sources remain (GICC_IAR.CPUID).
    const src = c.sgiSource[intid];
    const cpu = src === 0 ? 0 : ctz(src);
    c.sgiSource[intid] = src & ~(1 << cpu);
    b.pendingLatch[intid] = c.sgiSource[intid] !== 0 ? 1 : 0;
    value |= cpu << 10;
  } else {
    b.pendingLatch[intid] = 0;
  }
  const bit = (hpPrio & gprioMask(ci, hpGroup)) >> (8 - ci.numPriBits);
  const apr = s.model === 'v2' || hpGroup !== 0 ? ci.ap1r : ci.ap0r;
  apr[bit >> 5] |= 1 << (bit & 31);
  return value;
}

/**
 * Reads of ICC_IAR0_EL1 / ICC_IAR1_EL1 (GICv3): the highest-priority pending interrupt if it is of
 * `group` and can be signalled, now active; otherwise 1023.
 */
export function iccAcknowledge(s: VgicState, c: VgicCpu, group: number): number {
  findHppi(s, c, true);
  if (hpGroup !== group || !canSignal(c.cpuif)) return INTID_SPURIOUS;
  const v = activate(s, c);
  deliver(s, c);
  return v;
}

/**
 * GICv2 GICC_IAR (`alias` false) and GICC_AIAR (true): GICC_IAR acknowledges group 0, and group 1
 * only with AckCtl (else 1022); GICC_AIAR acknowledges group 1 only. Bits 12:10 name an SGI's source.
 */
export function giccAcknowledge(s: VgicState, c: VgicCpu, alias: boolean): number {
  findHppi(s, c, true);
  if (hpIntid === INTID_SPURIOUS) return INTID_SPURIOUS;
  if (alias && hpGroup !== 1) return INTID_SPURIOUS;
  if (!alias && hpGroup === 1 && c.cpuif.ackctl === 0) return INTID_NONSECURE;
  if (!canSignal(c.cpuif)) return INTID_SPURIOUS;
  const v = activate(s, c);
  deliver(s, c);
  return v;
}

/**
 * ICC_HPPIR0/1_EL1, GICC_HPPIR (`v2`, group -1: either, 1022 rule) and GICC_AHPPIR (group 1):
 * the highest-priority pending interrupt, whatever the masks, if of the group asked.
 */
export function highestPending(s: VgicState, c: VgicCpu, group: number, v2: boolean): number {
  findHppi(s, c, true);
  if (hpIntid === INTID_SPURIOUS) return INTID_SPURIOUS;
  if (group >= 0 && hpGroup !== group) return INTID_SPURIOUS;
  if (v2 && group < 0 && hpGroup === 1 && c.cpuif.ackctl === 0) return INTID_NONSECURE;
  if (v2 && hpIntid < VGIC_NR_SGIS) {
    const src = c.sgiSource[hpIntid];
    return hpIntid | ((src === 0 ? 0 : ctz(src)) << 10);
  }
  return hpIntid;
}

/** Priority drop (icv_drop_prio): clears the highest active priority bit; false if none. */
function dropPriority(ci: CpuIf): boolean {
  const n = ci.maxAprIdx();
  for (let i = 0; i <= n; i++) {
    const a0 = ci.ap0r[i];
    const a1 = ci.ap1r[i];
    if (a0 === 0 && a1 === 0) continue;
    if (a0 !== 0 && (a1 === 0 || ctz(a0) <= ctz(a1))) ci.ap0r[i] = a0 & (a0 - 1);
    else ci.ap1r[i] = a1 & (a1 - 1);
    return true;
  }
  return false;
}

/** Clears the active state of `intid` as seen by `c`, then re-delivers where it is routed. */
function deactivate(s: VgicState, c: VgicCpu, intid: number): void {
  if (intid < VGIC_NR_PRIVATE_IRQS) {
    c.priv.active[intid] = 0;
    return;
  }
  const b = s.spis;
  if (!b || intid >= s.nrIrqs) return;
  b.active[intid] = 0;
  // A level SPI still asserted becomes pending again at its target, which may be another vCPU.
  const t = b.route[intid];
  const target = t >= 0 ? s.allCpus()[t] : undefined;
  if (target !== undefined && target !== c) deliver(s, target);
}

/**
 * ICC_EOIR0/1_EL1, GICC_EOIR, GICC_AEOIR: priority drop, and with EOImode 0 deactivation of the
 * INTID in bits 23:0 (v3) or 9:0 (v2). Special INTIDs and an EOI with nothing active do nothing.
 */
export function endOfInterrupt(s: VgicState, c: VgicCpu, value: number): void {
  const intid = s.model === 'v2' ? value & 0x3ff : value & 0xffffff;
  if (intid >= INTID_SPECIAL_FIRST) return;
  if (!dropPriority(c.cpuif)) return;
  if (c.cpuif.eoim === 0) deactivate(s, c, intid);
  deliver(s, c);
}

/** ICC_DIR_EL1 / GICC_DIR: deactivation, meaningful with EOImode 1 only (ignored otherwise). */
export function deactivateInterrupt(s: VgicState, c: VgicCpu, value: number): void {
  const intid = s.model === 'v2' ? value & 0x3ff : value & 0xffffff;
  if (intid >= INTID_SPECIAL_FIRST || c.cpuif.eoim === 0) return;
  deactivate(s, c, intid);
  deliver(s, c);
}

/**
 * ICC_SGI1R_EL1 (group1 true) / ICC_SGI0R_EL1, ICC_ASGI1R_EL1 (false), as vgic_v3_dispatch_sgi:
 * INTID [27:24], TargetList [15:0] of Aff0 = RS × 16 + n under Aff3.Aff2.Aff1 ([55:48], [39:32],
 * [23:16]), RS [47:44], IRM [40] = every vCPU but the sender. Only SGIs of the matching group
 * become pending.
 */
export function sendSgi(s: VgicState, src: VgicCpu, lo: number, hi: number, group1: boolean): void {
  const intid = (lo >>> 24) & 0xf;
  const irm = (hi >>> 8) & 1;
  const targets = lo & 0xffff;
  const aff321 = (((hi >>> 16) & 0xff) << 24) | ((hi & 0xff) << 16) | (lo & 0xff0000) >>> 8;
  const rs = (hi >>> 12) & 0xf;
  const want = group1 ? 1 : 0;
  for (const c of s.allCpus()) {
    if (c === undefined) continue;
    if (irm !== 0) {
      if (c === src) continue;
    } else {
      const aff = c.affinity;
      if (((aff & 0xffffff00) >>> 0) !== aff321 >>> 0) continue;
      const n = (aff & 0xff) - rs * 16;
      if (n < 0 || n > 15 || ((targets >>> n) & 1) === 0) continue;
    }
    if (c.priv.group[intid] !== want) continue;
    c.priv.pendingLatch[intid] = 1;
    deliver(s, c);
  }
}

/** A vCPU's private interrupt input (the timer's PPI): level follows the line, edge latches. */
export function setPrivateLine(s: VgicState, c: VgicCpu, intid: number, level: boolean): void {
  const b = c.priv;
  if (b.edge[intid] !== 0) {
    if (level) b.pendingLatch[intid] = 1;
  } else {
    b.lineLevel[intid] = level ? 1 : 0;
  }
  deliver(s, c);
}
