// Delivery and the CPU interface (vgic-cpuif.ts), driven the way guests drive them: GICv3 through
// the ICC_* hooks and frame MMIO on vCPU-thread views, GICv2 through GICC_* MMIO. Covers pending /
// enable / group gating, the priority mask, preemption and the running priority with binary
// points, acknowledge / EOI / deactivate in both EOImode settings, level and edge semantics, SPI
// routing, SGIs, IRQ vs FIQ, and the WFI wake-up (CTL_WAKE) on a rising line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ICC_AP1R0_EL1, ICC_BPR1_EL1, ICC_CTLR_EL1, ICC_DIR_EL1, ICC_EOIR0_EL1, ICC_EOIR1_EL1, ICC_HPPIR1_EL1, ICC_IAR0_EL1,
  ICC_IAR1_EL1, ICC_IGRPEN0_EL1, ICC_IGRPEN1_EL1, ICC_PMR_EL1, ICC_RPR_EL1, ICC_SGI0R_EL1, ICC_SGI1R_EL1,
} from '../../../../devices/vgic/vgic-v3-icc-hooks';
import { GICC_AIAR, GICC_AEOIR, GICC_CTLR, GICC_DIR, GICC_EOIR, GICC_HPPIR, GICC_IAR, GICC_PMR, GICC_RPR } from '../../../../devices/vgic/vgic-v2-cpu';
import { DIST, GICC, lines, load, readyGic, sgiBase, store, wakes, type Cpu, type Env } from './vgic-gic-env';

const GICD_CTLR = 0x0;
const GICD_IGROUPR = 0x80;
const GICD_ISENABLER = 0x100;
const GICD_ISPENDR = 0x200;
const GICD_IPRIORITYR = 0x400;
const GICD_ITARGETSR = 0x800;
const GICD_ICFGR = 0xc00;
const GICD_SGIR = 0xf00;
const GICD_IROUTER = 0x6000;
const GICR_IGROUPR0 = 0x80;
const GICR_ISENABLER0 = 0x100;
const GICR_ISPENDR0 = 0x200;
const GICR_ISACTIVER0 = 0x300;
const GICR_IPRIORITYR0 = 0x400;
const SPURIOUS = 1023n;

/** A GICv3 with the distributor on (ARE, group 1) and each vCPU's group 1 on, PMR 0xff. */
function v3(ids = [0, 1]): Env {
  const env = readyGic('v3', ids);
  store(env.cpus[0], DIST + GICD_CTLR, 0x12);
  for (const c of env.cpus) {
    c.cpu.msr(ICC_PMR_EL1, 0xff);
    c.cpu.msr(ICC_IGRPEN1_EL1, 1);
  }
  return env;
}

/** Enables private INTIDs of vCPU c (a GICR_ISENABLER0 mask) and sets one's priority byte. */
function enablePriv(c: Cpu, idx: number, mask: number): void {
  store(c, sgiBase(idx) + GICR_ISENABLER0, mask);
}
function priority(c: Cpu, idx: number, intid: number, prio: number): void {
  store(c, sgiBase(idx) + GICR_IPRIORITYR0 + intid, prio, 1);
}

test('v3: a level PPI raised by its line is signalled as IRQ, acknowledged, EOIed, and pending again while the line stays high', () => {
  const { cpus } = v3([0]);
  const c = cpus[0];
  enablePriv(c, 0, 1 << 27);
  assert.is(lines(c), 0);
  assert.is(c.cpu.read(ICC_IAR1_EL1), SPURIOUS, 'nothing pending');
  const w0 = wakes(c);
  c.th.setPrivateLine(27, true);
  assert.is(lines(c), 1, 'IRQ input up');
  assert.ok(c.cpu.irqLine, 'copied into the CPU');
  assert.ok(wakes(c) > w0, 'a rising line wakes a WFI');
  assert.is(c.cpu.read(ICC_HPPIR1_EL1), 27n);
  assert.is(c.cpu.read(ICC_IAR1_EL1), 27n);
  assert.is(lines(c), 0, 'active: no longer signalled');
  assert.not.ok(c.cpu.irqLine);
  assert.is(c.cpu.read(ICC_RPR_EL1), 0n, 'running priority = its priority (0)');
  assert.is(c.cpu.read(ICC_AP1R0_EL1), 1n, 'active priority 0 recorded in ICC_AP1R0_EL1 bit 0');
  assert.is(load(c, sgiBase(0) + GICR_ISACTIVER0), 1 << 27, 'GICR_ISACTIVER0 shows it active');
  c.cpu.msr(ICC_EOIR1_EL1, 27);
  assert.is(c.cpu.read(ICC_RPR_EL1), 0xffn, 'idle');
  assert.is(lines(c), 1, 'level still high: pending again');
  c.th.setPrivateLine(27, false);
  assert.is(lines(c), 0, 'line low: nothing pending');
  assert.is(c.cpu.read(ICC_IAR1_EL1), SPURIOUS);
});

test('v3: gating by enable, GICD_CTLR.EnableGrp1, ICC_IGRPEN1_EL1 and the priority mask (strictly below PMR)', () => {
  const { cpus } = v3([0]);
  const c = cpus[0];
  c.th.setPrivateLine(20, true);
  assert.is(lines(c), 0, 'not enabled');
  enablePriv(c, 0, 1 << 20);
  assert.is(lines(c), 1);
  store(c, DIST + GICD_CTLR, 0x10);
  assert.is(lines(c), 0, 'distributor group 1 off');
  store(c, DIST + GICD_CTLR, 0x12);
  c.cpu.msr(ICC_IGRPEN1_EL1, 0);
  assert.is(lines(c), 0, 'CPU interface group 1 off');
  assert.is(c.cpu.read(ICC_IAR1_EL1), SPURIOUS);
  c.cpu.msr(ICC_IGRPEN1_EL1, 1);
  priority(c, 0, 20, 0xa0);
  c.cpu.msr(ICC_PMR_EL1, 0xa0);
  assert.is(lines(c), 0, 'priority 0xa0 is not below PMR 0xa0');
  assert.is(c.cpu.read(ICC_IAR1_EL1), SPURIOUS, 'IAR does not acknowledge a masked interrupt');
  assert.is(c.cpu.read(ICC_HPPIR1_EL1), 20n, 'HPPIR ignores the mask');
  c.cpu.msr(ICC_PMR_EL1, 0xa8);
  assert.is(lines(c), 1, '0xa0 < 0xa8');
});

test('v3: preemption by group priority; the running priority follows the active priorities', () => {
  const { cpus } = v3([0]);
  const c = cpus[0];
  enablePriv(c, 0, (1 << 20) | (1 << 21) | (1 << 22));
  priority(c, 0, 20, 0x80);
  priority(c, 0, 21, 0x40);
  priority(c, 0, 22, 0x80);
  c.th.setPrivateLine(20, true);
  assert.is(c.cpu.read(ICC_IAR1_EL1), 20n);
  assert.is(c.cpu.read(ICC_RPR_EL1), 0x80n);
  c.th.setPrivateLine(22, true);
  assert.is(lines(c), 0, 'equal priority does not preempt');
  assert.is(c.cpu.read(ICC_IAR1_EL1), SPURIOUS);
  c.th.setPrivateLine(21, true);
  assert.is(lines(c), 1, '0x40 preempts 0x80');
  assert.is(c.cpu.read(ICC_IAR1_EL1), 21n);
  assert.is(c.cpu.read(ICC_RPR_EL1), 0x40n);
  c.th.setPrivateLine(21, false);
  c.cpu.msr(ICC_EOIR1_EL1, 21);
  assert.is(c.cpu.read(ICC_RPR_EL1), 0x80n, 'back to the preempted priority');
  c.cpu.msr(ICC_EOIR1_EL1, 20);
  assert.is(c.cpu.read(ICC_RPR_EL1), 0xffn);
  assert.is(c.cpu.read(ICC_IAR1_EL1), 20n, 'level 20 again before 22 (same priority, lower INTID)');
});

test('v3: ICC_BPR1_EL1 groups priorities: subpriority differences do not preempt', () => {
  const { cpus } = v3([0]);
  const c = cpus[0];
  enablePriv(c, 0, (1 << 20) | (1 << 21));
  priority(c, 0, 20, 0x88);
  priority(c, 0, 21, 0x80);
  c.cpu.msr(ICC_BPR1_EL1, 4); // group priority bits 7:4
  assert.is(c.cpu.read(ICC_BPR1_EL1), 4n);
  c.th.setPrivateLine(20, true);
  assert.is(c.cpu.read(ICC_IAR1_EL1), 20n);
  c.th.setPrivateLine(21, true);
  assert.is(lines(c), 0, '0x80 and 0x88 share group priority 0x80');
  c.cpu.msr(ICC_EOIR1_EL1, 20);
  c.th.setPrivateLine(20, false);
  c.cpu.msr(ICC_BPR1_EL1, 3); // bits 7:3
  assert.is(c.cpu.read(ICC_IAR1_EL1), 21n);
  c.th.setPrivateLine(21, false);
  c.th.setPrivateLine(20, true);
  assert.is(lines(c), 0, '0x88 does not preempt 0x80 with bits 7:3 either');
  c.cpu.msr(ICC_EOIR1_EL1, 21);
  assert.is(lines(c), 1);
});

test('v3: EOImode 1 splits priority drop (EOIR) from deactivation (DIR); with EOImode 0 DIR is ignored', () => {
  const { cpus } = v3([0]);
  const c = cpus[0];
  enablePriv(c, 0, 1 << 27);
  c.cpu.msr(ICC_CTLR_EL1, 2);
  assert.is(c.cpu.read(ICC_CTLR_EL1) & 2n, 2n);
  c.th.setPrivateLine(27, true);
  assert.is(c.cpu.read(ICC_IAR1_EL1), 27n);
  c.cpu.msr(ICC_EOIR1_EL1, 27);
  assert.is(c.cpu.read(ICC_RPR_EL1), 0xffn, 'priority dropped');
  assert.is(load(c, sgiBase(0) + GICR_ISACTIVER0), 1 << 27, 'still active');
  assert.is(lines(c), 0, 'an active interrupt is not signalled again');
  c.cpu.msr(ICC_DIR_EL1, 27);
  assert.is(load(c, sgiBase(0) + GICR_ISACTIVER0), 0, 'deactivated');
  assert.is(lines(c), 1, 'the level line makes it pending again');
  c.cpu.msr(ICC_CTLR_EL1, 0);
  assert.is(c.cpu.read(ICC_IAR1_EL1), 27n);
  c.cpu.msr(ICC_DIR_EL1, 27);
  assert.is(load(c, sgiBase(0) + GICR_ISACTIVER0), 1 << 27, 'DIR with EOImode 0 does nothing');
  c.cpu.msr(ICC_EOIR1_EL1, 27);
  assert.is(load(c, sgiBase(0) + GICR_ISACTIVER0), 0);
  c.cpu.msr(ICC_EOIR1_EL1, 1023);
  assert.is(c.cpu.read(ICC_RPR_EL1), 0xffn, 'EOI of a special INTID or with nothing active changes nothing');
});

test('v3: group 0 is signalled as FIQ and acknowledged through ICC_IAR0_EL1 only', () => {
  const { cpus } = v3([0]);
  const c = cpus[0];
  store(c, sgiBase(0) + GICR_IGROUPR0, ~(1 << 23) >>> 0); // INTID 23 in group 0
  enablePriv(c, 0, 1 << 23);
  c.th.setPrivateLine(23, true);
  assert.is(lines(c), 0, 'ICC_IGRPEN0_EL1 off');
  c.cpu.msr(ICC_IGRPEN0_EL1, 1);
  assert.is(lines(c), 2, 'FIQ');
  assert.ok(c.cpu.fiqLine && !c.cpu.irqLine);
  assert.is(c.cpu.read(ICC_IAR1_EL1), SPURIOUS, 'not group 1');
  assert.is(c.cpu.read(ICC_IAR0_EL1), 23n);
  assert.is(c.cpu.read(ICC_RPR_EL1), 0n);
  c.cpu.msr(ICC_EOIR0_EL1, 23);
  assert.is(c.cpu.read(ICC_RPR_EL1), 0xffn);
});

test('v3: an edge PPI latches on a rising line and stays pending after the line falls; acknowledge consumes it', () => {
  const { cpus } = v3([0]);
  const c = cpus[0];
  enablePriv(c, 0, 1 << 16);
  // Private configurations are read-only (PPIs level); pending through GICR_ISPENDR0 latches instead.
  store(c, sgiBase(0) + GICR_ISPENDR0, 1 << 16);
  assert.is(lines(c), 1);
  assert.is(c.cpu.read(ICC_IAR1_EL1), 16n);
  c.cpu.msr(ICC_EOIR1_EL1, 16);
  assert.is(lines(c), 0, 'the latch was consumed by the acknowledge');
});

test('v3: SPIs go where GICD_IROUTER points (KVM_IRQ_LINE), to nobody for an unknown affinity; edge SPIs latch', () => {
  const { gic, host, cpus } = v3([0, 1]);
  const [c0, c1] = cpus;
  store(c0, DIST + GICD_ISENABLER + 4, 1 << 8); // SPI 40
  store(c0, DIST + GICD_IROUTER + 40 * 8, 1); // Aff0 1
  gic.irqLine('spi', undefined, 40, true);
  assert.is(lines(c0), 0);
  assert.is(lines(c1), 1, 'vCPU 1');
  assert.is(c0.cpu.read(ICC_IAR1_EL1), SPURIOUS);
  assert.is(c1.cpu.read(ICC_IAR1_EL1), 40n);
  c1.cpu.msr(ICC_EOIR1_EL1, 40);
  assert.is(lines(c1), 1, 'level SPI still asserted');
  gic.irqLine('spi', undefined, 40, false);
  assert.is(lines(c1), 0);
  // Re-routing a pending SPI moves it.
  gic.irqLine('spi', undefined, 40, true);
  store(c0, DIST + GICD_IROUTER + 40 * 8, 0);
  assert.is(lines(c0), 1);
  assert.is(lines(c1), 0);
  store(c0, DIST + GICD_IROUTER + 40 * 8, 0x0a0b0c);
  assert.is(lines(c0) | lines(c1), 0, 'no vCPU has affinity 10.11.12');
  gic.irqLine('spi', undefined, 40, false);
  // Edge: GICD_ICFGR2 bit 17 (INTID 40).
  store(c0, DIST + GICD_ICFGR + 8, 1 << 17);
  store(c0, DIST + GICD_IROUTER + 40 * 8, 1);
  gic.irqLine('spi', undefined, 40, true);
  gic.irqLine('spi', undefined, 40, false);
  assert.is(lines(c1), 1, 'latched');
  assert.is(c1.cpu.read(ICC_IAR1_EL1), 40n);
  c1.cpu.msr(ICC_EOIR1_EL1, 40);
  assert.is(lines(c1), 0);
  assert.is(host.list.length, 2);
});

test('v3: an SPI made pending by a distributor write reaches its target (deliverAll); priority across vCPUs is per target', () => {
  const { cpus } = v3([0, 1]);
  const [c0, c1] = cpus;
  store(c0, DIST + GICD_IROUTER + 33 * 8, 1);
  store(c0, DIST + GICD_ISPENDR + 4, 1 << 1); // SPI 33 pending, not enabled
  assert.is(lines(c1), 0);
  store(c0, DIST + GICD_ISENABLER + 4, 1 << 1);
  assert.is(lines(c1), 1, 'enabled by vCPU 0: vCPU 1 is signalled');
  store(c1, DIST + GICD_IPRIORITYR + 33, 0xf0, 1);
  c1.cpu.msr(ICC_PMR_EL1, 0xf0);
  assert.is(lines(c1), 0, 'masked on vCPU 1');
  assert.is(lines(c0), 0, 'never vCPU 0');
});

test('v3: ICC_SGI1R_EL1 by target list and affinity, IRM to all others; ICC_SGI0R_EL1 only pends group 0 SGIs', () => {
  const { cpus } = v3([0, 1, 2]);
  const [c0, c1, c2] = cpus;
  // SGI 5 to Aff0 1 and 2 (target list bits 1, 2), Aff3.Aff2.Aff1 0.
  c0.cpu.msr(ICC_SGI1R_EL1, (5n << 24n) | 0b110n);
  assert.is(lines(c0), 0);
  assert.is(c1.cpu.read(ICC_IAR1_EL1), 5n);
  assert.is(c2.cpu.read(ICC_IAR1_EL1), 5n);
  c1.cpu.msr(ICC_EOIR1_EL1, 5);
  c2.cpu.msr(ICC_EOIR1_EL1, 5);
  // Aff1 = 1: nobody has it.
  c0.cpu.msr(ICC_SGI1R_EL1, (6n << 24n) | (1n << 16n) | 0b111n);
  assert.is(lines(c0) | lines(c1) | lines(c2), 0);
  // IRM: everyone but the sender.
  c1.cpu.msr(ICC_SGI1R_EL1, (7n << 24n) | (1n << 40n));
  assert.is(lines(c1), 0);
  assert.is(c0.cpu.read(ICC_IAR1_EL1), 7n);
  assert.is(c2.cpu.read(ICC_IAR1_EL1), 7n);
  // SGI0R generates group 0 SGIs: SGI 8 is group 1 everywhere, so nothing happens.
  c0.cpu.msr(ICC_SGI0R_EL1, (8n << 24n) | 0b10n);
  assert.is(load(c1, sgiBase(1) + GICR_ISPENDR0) & (1 << 8), 0);
});

test('v2: GICC_IAR / GICC_EOIR / GICC_RPR / GICC_HPPIR over MMIO; ITARGETSR routes SPIs; SGI source in IAR bits 12:10', () => {
  const { gic, cpus } = readyGic('v2', [0, 1]);
  const [c0, c1] = cpus;
  store(c0, DIST + GICD_CTLR, 1);
  for (const c of cpus) {
    store(c, GICC + GICC_PMR, 0xf0);
    store(c, GICC + GICC_CTLR, 1); // EnableGrp0
  }
  store(c0, DIST + GICD_ISENABLER, 1 << 27);
  c0.th.setPrivateLine(27, true);
  assert.is(lines(c0), 1, 'group 0 without FIQEn: IRQ');
  assert.is(load(c0, GICC + GICC_HPPIR), 27);
  assert.is(load(c0, GICC + GICC_IAR), 27);
  assert.is(load(c0, GICC + GICC_RPR), 0);
  store(c0, GICC + GICC_EOIR, 27);
  assert.is(load(c0, GICC + GICC_RPR), 0xff);
  c0.th.setPrivateLine(27, false);
  // SPI 34 to CPU interface 1.
  store(c0, DIST + GICD_ISENABLER + 4, 1 << 2);
  store(c0, DIST + GICD_ITARGETSR + 34, 0x2, 1);
  gic.irqLine('spi', undefined, 34, true);
  assert.is(lines(c1), 1);
  assert.is(lines(c0), 0);
  assert.is(load(c1, GICC + GICC_IAR), 34);
  store(c1, GICC + GICC_EOIR, 34);
  gic.irqLine('spi', undefined, 34, false);
  // SGI 3 from vCPU 1 to vCPU 0 (TargetList 0b01).
  store(c1, DIST + GICD_SGIR, (0b01 << 16) | 3);
  assert.is(load(c0, GICC + GICC_IAR), (1 << 10) | 3, 'source CPU 1');
  store(c0, GICC + GICC_EOIR, (1 << 10) | 3);
  assert.is(load(c0, GICC + GICC_IAR), 1023);
});

test('v2: group 1 needs AckCtl for GICC_IAR (else 1022), GICC_AIAR / AEOIR take it; FIQEn turns group 0 into FIQ; GICC_DIR with EOImodeNS', () => {
  const { cpus } = readyGic('v2', [0]);
  const c = cpus[0];
  store(c, DIST + GICD_CTLR, 1);
  store(c, GICC + GICC_PMR, 0xff);
  store(c, DIST + GICD_ISENABLER, (1 << 20) | (1 << 21));
  store(c, DIST + GICD_IGROUPR, 1 << 20); // INTID 20 group 1
  store(c, GICC + GICC_CTLR, 0b10); // EnableGrp1
  c.th.setPrivateLine(20, true);
  assert.is(lines(c), 1);
  assert.is(load(c, GICC + GICC_IAR), 1022, 'group 1 without AckCtl');
  assert.is(load(c, GICC + GICC_HPPIR), 1022);
  assert.is(load(c, GICC + GICC_AIAR), 20);
  store(c, GICC + GICC_AEOIR, 20);
  c.th.setPrivateLine(20, false);
  // Group 0 with FIQEn is a FIQ; EOImodeNS splits drop and deactivate.
  store(c, GICC + GICC_CTLR, 0b1 | (1 << 3) | (1 << 9));
  c.th.setPrivateLine(21, true);
  assert.is(lines(c), 2, 'FIQ');
  assert.is(load(c, GICC + GICC_IAR), 21);
  store(c, GICC + GICC_EOIR, 21);
  assert.is(load(c, GICC + GICC_RPR), 0xff);
  assert.is(lines(c), 0, 'still active');
  store(c, GICC + GICC_DIR, 21);
  assert.is(lines(c), 2, 'deactivated: the level makes it pending again');
});

test('v2 and v3: an edge SPI injected while active stays pending and comes back after the EOI', () => {
  const { gic, cpus } = v3([0]);
  const c = cpus[0];
  store(c, DIST + GICD_ICFGR + 8, 1 << 17); // SPI 40 edge
  store(c, DIST + GICD_ISENABLER + 4, 1 << 8);
  gic.irqLine('spi', undefined, 40, true);
  gic.irqLine('spi', undefined, 40, false);
  assert.is(c.cpu.read(ICC_IAR1_EL1), 40n);
  gic.irqLine('spi', undefined, 40, true);
  assert.is(lines(c), 0, 'active and pending: not signalled');
  c.cpu.msr(ICC_EOIR1_EL1, 40);
  assert.is(lines(c), 1);
  assert.is(c.cpu.read(ICC_IAR1_EL1), 40n);
});

test.run();
