// The Vgic device: creation, group dispatch per model, NR_IRQS, CTRL, LEVEL_INFO, KVM_IRQ_LINE and
// describe() (spec §1.1 rules 3-5, §8.2, §10.1, §10.6-§10.8).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  KVM_DEV_ARM_ITS_CTRL_RESET,
  KVM_DEV_ARM_ITS_RESTORE_TABLES,
  KVM_DEV_ARM_ITS_SAVE_TABLES,
  KVM_DEV_ARM_VGIC_CTRL_INIT,
  KVM_DEV_ARM_VGIC_GRP,
  KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES,
} from '../../../../vmcore/kvm-constants';
import { Vgic } from '../../../../devices/vgic/vgic';
import { GICD_ICFGR, GICD_ISPENDR, GICD_TYPER } from '../../../../devices/vgic/vgic-v3-dist';
import { GICR_ISPENDR0 } from '../../../../devices/vgic/vgic-v3-redist';
import { asU32, FakeHost, makeGic, regAttr, throwsErrno, u32, u64 } from './fake-vgic-host';
import { CTL_LINES, CTL_WAKE } from '../../../../vmcore/vcpu-thread-protocol';
import { VgicState } from '../../../../devices/vgic/vgic-state';
import { ICC_IAR1_EL1, ICC_IGRPEN1_EL1, ICC_PMR_EL1 } from '../../../../devices/vgic/vgic-v3-icc-hooks';
import { DIST, RD, readyGic, store } from './vgic-gic-env';

const G = KVM_DEV_ARM_VGIC_GRP;
const NR_IRQS = G.KVM_DEV_ARM_VGIC_GRP_NR_IRQS;
const CTRL = G.KVM_DEV_ARM_VGIC_GRP_CTRL;
const DIST_REGS = G.KVM_DEV_ARM_VGIC_GRP_DIST_REGS;
const REDIST_REGS = G.KVM_DEV_ARM_VGIC_GRP_REDIST_REGS;
const LEVEL_INFO = G.KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO;
const INIT = BigInt(KVM_DEV_ARM_VGIC_CTRL_INIT);
const SAVE_PENDING = BigInt(KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES);
const none = new Uint8Array(0);

const init = (gic: Vgic) => gic.setAttr(CTRL, INIT, none);
const nrIrqs = (gic: Vgic) => asU32(gic.getAttr(NR_IRQS, 0n));
/** LEVEL_INFO attr: MPIDR affinity 63:32, info type 31:10, first INTID 9:0. */
const levelAttr = (vcpu: number, intid: number, info = 0) => (BigInt(vcpu) << 32n) | (BigInt(info) << 10n) | BigInt(intid);

// -- creation (§1.1 rules 3-4, §8.1, §9.1) -------------------------------------------------------

test('creation: EBUSY once a vCPU has run, E2BIG past 8 vCPUs for v2; maxVcpus per model', () => {
  const ran = new FakeHost();
  ran.addVcpu(0);
  ran.ran = true;
  throwsErrno(() => new Vgic('v3', ran), 'EBUSY');
  throwsErrno(() => new Vgic('v2', ran), 'EBUSY');
  const nine = new FakeHost();
  for (let i = 0; i < 9; i++) nine.addVcpu(i);
  throwsErrno(() => new Vgic('v2', nine), 'E2BIG');
  const v3 = new Vgic('v3', nine);
  assert.is(v3.maxVcpus, 512);
  assert.is(new Vgic('v2', new FakeHost()).maxVcpus, 8);
  assert.is(v3.model, 'v3');
  assert.not.ok(v3.initialized);
  assert.not.ok(v3.ready);
});

// -- group dispatch (§10.1) -------------------------------------------------------------------------

test('groups that do not apply to the model are ENXIO for SET, GET and HAS', () => {
  const { gic: v2 } = makeGic('v2', [0]);
  for (const g of [G.KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, G.KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS, G.KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, G.KVM_DEV_ARM_VGIC_GRP_ITS_REGS, G.KVM_DEV_ARM_VGIC_GRP_MAINT_IRQ, 10, 0xffffffff]) {
    throwsErrno(() => v2.setAttr(g, 0n, u64(0n)), 'ENXIO', `v2 SET group ${g}`);
    throwsErrno(() => v2.getAttr(g, 0n, u64(0n)), 'ENXIO', `v2 GET group ${g}`);
    throwsErrno(() => v2.hasAttr(g, 0n), 'ENXIO', `v2 HAS group ${g}`);
  }
  const { gic: v3 } = makeGic('v3', [0]);
  for (const g of [G.KVM_DEV_ARM_VGIC_GRP_CPU_REGS, G.KVM_DEV_ARM_VGIC_GRP_ITS_REGS, G.KVM_DEV_ARM_VGIC_GRP_MAINT_IRQ, 10]) {
    throwsErrno(() => v3.setAttr(g, 0n, u64(0n)), 'ENXIO', `v3 SET group ${g}`);
    throwsErrno(() => v3.getAttr(g, 0n, u64(0n)), 'ENXIO', `v3 GET group ${g}`);
    throwsErrno(() => v3.hasAttr(g, 0n), 'ENXIO', `v3 HAS group ${g}`);
  }
});

test('MAINT_IRQ is ENXIO even after init: nested virtualisation is not offered', () => {
  const { gic } = makeGic('v3', [0]);
  init(gic);
  throwsErrno(() => gic.setAttr(G.KVM_DEV_ARM_VGIC_GRP_MAINT_IRQ, 0n, u32(25)), 'ENXIO');
  throwsErrno(() => gic.getAttr(G.KVM_DEV_ARM_VGIC_GRP_MAINT_IRQ, 0n), 'ENXIO');
});

// -- NR_IRQS (§10.6) --------------------------------------------------------------------------------

test('NR_IRQS GET: 32 before init, 256 after a default init; HAS exists for both models', () => {
  for (const model of ['v2', 'v3'] as const) {
    const { gic } = makeGic(model, [0]);
    gic.hasAttr(NR_IRQS, 0n);
    assert.is(nrIrqs(gic), 32);
    init(gic);
    assert.is(nrIrqs(gic), 256);
  }
});

test('NR_IRQS SET: below 64, above 1023 or not a multiple of 32 is EINVAL; 992 is the largest', () => {
  const { gic } = makeGic('v3', [0]);
  for (const bad of [0, 32, 63, 96 + 1, 100, 1023, 1024, 0xffffffff]) {
    throwsErrno(() => gic.setAttr(NR_IRQS, 0n, u32(bad)), 'EINVAL', `NR_IRQS ${bad}`);
  }
  assert.is(nrIrqs(gic), 32, 'rejected calls changed nothing');
  gic.setAttr(NR_IRQS, 0n, u32(992));
  assert.is(nrIrqs(gic), 992);
});

test('NR_IRQS SET: EBUSY once set or initialised; EINVAL is checked first; EFAULT for a short value', () => {
  const { gic } = makeGic('v2', [0]);
  throwsErrno(() => gic.setAttr(NR_IRQS, 0n, new Uint8Array(3)), 'EFAULT');
  gic.setAttr(NR_IRQS, 0n, u32(64));
  throwsErrno(() => gic.setAttr(NR_IRQS, 0n, u32(64)), 'EBUSY', 'a second set, even of the same value');
  throwsErrno(() => gic.setAttr(NR_IRQS, 0n, u32(63)), 'EINVAL', 'range before busy');
  const { gic: g2 } = makeGic('v3', [0]);
  init(g2);
  throwsErrno(() => g2.setAttr(NR_IRQS, 0n, u32(128)), 'EBUSY', 'init fixed the default');
});

test('NR_IRQS sizes the distributor: GICD_TYPER.ITLinesNumber and the SPIs KVM_IRQ_LINE accepts', () => {
  const { gic } = makeGic('v3', [0]);
  gic.setAttr(NR_IRQS, 0n, u32(128));
  init(gic);
  assert.is(nrIrqs(gic), 128);
  assert.is(asU32(gic.getAttr(DIST_REGS, BigInt(GICD_TYPER))), 3 | (9 << 19));
  gic.irqLine('spi', undefined, 127, true);
  throwsErrno(() => gic.irqLine('spi', undefined, 128, true), 'EINVAL');
  assert.is(gic.nrSpis, 96);
});

// -- CTRL (§10.7) -----------------------------------------------------------------------------------

test('CTRL INIT: initialises, is idempotent, and blocks vCPU creation and NR_IRQS', () => {
  const { host, gic } = makeGic('v3', [0]);
  init(gic);
  assert.ok(gic.initialized);
  init(gic);
  throwsErrno(() => host.addVcpu(1), 'EBUSY');
  throwsErrno(() => gic.setAttr(NR_IRQS, 0n, u32(64)), 'EBUSY');
});

test('CTRL HAS: INIT for both, SAVE_PENDING_TABLES for v3 only, ITS attributes are ENXIO', () => {
  const { gic: v3 } = makeGic('v3');
  v3.hasAttr(CTRL, INIT);
  v3.hasAttr(CTRL, SAVE_PENDING);
  const { gic: v2 } = makeGic('v2');
  v2.hasAttr(CTRL, INIT);
  throwsErrno(() => v2.hasAttr(CTRL, SAVE_PENDING), 'ENXIO');
  for (const a of [KVM_DEV_ARM_ITS_SAVE_TABLES, KVM_DEV_ARM_ITS_RESTORE_TABLES, KVM_DEV_ARM_ITS_CTRL_RESET, 99]) {
    throwsErrno(() => v3.hasAttr(CTRL, BigInt(a)), 'ENXIO');
    throwsErrno(() => v3.setAttr(CTRL, BigInt(a), none), 'ENXIO');
  }
  throwsErrno(() => v3.getAttr(CTRL, INIT), 'ENXIO', 'CTRL has no GET');
});

test('CTRL SAVE_PENDING_TABLES: ENXIO on v2 and before init, EBUSY while a vCPU runs, then OK', () => {
  const { gic: v2 } = makeGic('v2', [0]);
  init(v2);
  throwsErrno(() => v2.setAttr(CTRL, SAVE_PENDING, none), 'ENXIO');
  const { host, gic } = makeGic('v3', [0]);
  throwsErrno(() => gic.setAttr(CTRL, SAVE_PENDING, none), 'ENXIO', 'not initialised');
  host.running = true;
  throwsErrno(() => gic.setAttr(CTRL, SAVE_PENDING, none), 'EBUSY', 'the vCPU lock comes first');
  host.running = false;
  init(gic);
  gic.setAttr(CTRL, SAVE_PENDING, none);
});

// -- LEVEL_INFO (§10.8) -----------------------------------------------------------------------------

test('LEVEL_INFO HAS: only the line-level info type exists', () => {
  const { gic } = makeGic('v3');
  gic.hasAttr(LEVEL_INFO, levelAttr(0, 32));
  throwsErrno(() => gic.hasAttr(LEVEL_INFO, levelAttr(0, 32, 1)), 'ENXIO');
});

test('LEVEL_INFO errors: EINVAL vCPU, EFAULT, EBUSY running / not initialised, EINVAL type and INTID', () => {
  const { host, gic } = makeGic('v3', [0]);
  throwsErrno(() => gic.getAttr(LEVEL_INFO, levelAttr(5, 32)), 'EINVAL', 'no vCPU with that MPIDR');
  throwsErrno(() => gic.setAttr(LEVEL_INFO, levelAttr(0, 32), u32(0).subarray(0, 2)), 'EFAULT');
  throwsErrno(() => gic.getAttr(LEVEL_INFO, levelAttr(0, 32)), 'EBUSY', 'not initialised');
  init(gic);
  host.running = true;
  throwsErrno(() => gic.getAttr(LEVEL_INFO, levelAttr(0, 32)), 'EBUSY', 'a vCPU is running');
  host.running = false;
  throwsErrno(() => gic.getAttr(LEVEL_INFO, levelAttr(0, 32, 1)), 'EINVAL', 'unknown info type');
  throwsErrno(() => gic.getAttr(LEVEL_INFO, levelAttr(0, 33)), 'EINVAL', 'INTID not a multiple of 32');
  throwsErrno(() => gic.setAttr(LEVEL_INFO, levelAttr(0, 16), u32(0)), 'EINVAL');
});

test('LEVEL_INFO: SPIs are shared, private INTIDs per vCPU, SGIs and edge interrupts read 0', () => {
  const { gic } = makeGic('v3', [0, 1]);
  init(gic);
  // SPI 33 edge-triggered: ICFGR2 covers INTIDs 32-47, bit 2*1+1.
  gic.setAttr(DIST_REGS, BigInt(GICD_ICFGR + 8), u32(1 << 3));
  gic.setAttr(LEVEL_INFO, levelAttr(1, 32), u32(0xffffffff));
  assert.is(asU32(gic.getAttr(LEVEL_INFO, levelAttr(0, 32))), 0xfffffffd, 'the MPIDR does not matter for SPIs');
  gic.setAttr(LEVEL_INFO, levelAttr(0, 0), u32(0xffffffff));
  assert.is(asU32(gic.getAttr(LEVEL_INFO, levelAttr(0, 0))), 0xffff0000, 'PPIs only: SGIs have no line');
  assert.is(asU32(gic.getAttr(LEVEL_INFO, levelAttr(1, 0))), 0, 'vCPU 1 has its own PPIs');
  gic.setAttr(LEVEL_INFO, levelAttr(0, 256), u32(0xffffffff));
  assert.is(asU32(gic.getAttr(LEVEL_INFO, levelAttr(0, 256))), 0, 'INTIDs beyond nr_irqs do not exist');
  // The restored line is a level-sensitive SPI's pending state for the guest, not a latch.
  assert.is(asU32(gic.getAttr(DIST_REGS, BigInt(GICD_ISPENDR + 4))), 0, 'userspace ISPENDR is the latch only');
});

// -- KVM_IRQ_LINE (§8.2) ----------------------------------------------------------------------------

test('irqLine EINVAL: SPI below 32, PPI outside 16..31, PPI without a vCPU', () => {
  const { host, gic } = makeGic('v2', [0]);
  throwsErrno(() => gic.irqLine('spi', undefined, 31, true), 'EINVAL');
  throwsErrno(() => gic.irqLine('ppi', host.vcpu(0), 15, true), 'EINVAL');
  throwsErrno(() => gic.irqLine('ppi', host.vcpu(0), 32, true), 'EINVAL');
  throwsErrno(() => gic.irqLine('ppi', undefined, 20, true), 'EINVAL');
  assert.not.ok(gic.initialized, 'range errors come before the lazy init');
});

test('irqLine into an uninitialised GICv3 is EBUSY; a GICv2 initialises lazily', () => {
  const { host, gic } = makeGic('v3', [0]);
  throwsErrno(() => gic.irqLine('spi', undefined, 40, true), 'EBUSY');
  throwsErrno(() => gic.irqLine('spi', undefined, 5000, true), 'EBUSY', 'EBUSY before the SPI range check');
  throwsErrno(() => gic.irqLine('ppi', host.vcpu(0), 27, true), 'EBUSY');
  assert.not.ok(gic.initialized);
  const { host: h2, gic: v2 } = makeGic('v2', [0]);
  v2.irqLine('spi', undefined, 40, true);
  assert.ok(v2.initialized, 'vgic_lazy_init');
  throwsErrno(() => h2.addVcpu(1), 'EBUSY', 'the lazy init also freezes the vCPU set');
});

test('irqLine: an SPI beyond nr_irqs is EINVAL after the lazy init', () => {
  const { gic } = makeGic('v2', [0]);
  gic.irqLine('spi', undefined, 255, true);
  throwsErrno(() => gic.irqLine('spi', undefined, 256, true), 'EINVAL');
  throwsErrno(() => gic.irqLine('spi', undefined, 1020, true), 'EINVAL');
});

test('irqLine: a level-sensitive SPI follows the line, an edge one latches on assertion', () => {
  const { gic } = makeGic('v3', [0]);
  init(gic);
  gic.irqLine('spi', undefined, 40, true);
  assert.is(asU32(gic.getAttr(LEVEL_INFO, levelAttr(0, 32))), 1 << 8);
  gic.irqLine('spi', undefined, 40, false);
  assert.is(asU32(gic.getAttr(LEVEL_INFO, levelAttr(0, 32))), 0);
  gic.setAttr(DIST_REGS, BigInt(GICD_ICFGR + 8), u32(2 << 16)); // INTID 40 edge
  gic.irqLine('spi', undefined, 40, false);
  assert.is(asU32(gic.getAttr(DIST_REGS, BigInt(GICD_ISPENDR + 4))), 0, 'a low edge line does nothing');
  gic.irqLine('spi', undefined, 40, true);
  gic.irqLine('spi', undefined, 40, false);
  assert.is(asU32(gic.getAttr(DIST_REGS, BigInt(GICD_ISPENDR + 4))), 1 << 8, 'latched pending');
});

test('irqLine: a PPI goes to the chosen vCPU only', () => {
  const { host, gic } = makeGic('v3', [0, 1]);
  init(gic);
  gic.irqLine('ppi', host.vcpu(1), 27, true);
  assert.is(asU32(gic.getAttr(LEVEL_INFO, levelAttr(1, 0))), 1 << 27);
  assert.is(asU32(gic.getAttr(LEVEL_INFO, levelAttr(0, 0))), 0);
  assert.is(asU32(gic.getAttr(REDIST_REGS, regAttr(1, GICR_ISPENDR0))), 0, 'userspace sees the latch, not the line');
});

// -- describe ---------------------------------------------------------------------------------------

test('describe: model, bases, regions, nr_irqs, initialized, ready', () => {
  const { gic } = makeGic('v3', [0]);
  let d = gic.describe();
  assert.is(d.model, 'GICv3');
  assert.is(d.dist_base, 'unset');
  assert.is(d.redist_regions, 'none');
  assert.is(d.nr_irqs, '32');
  assert.is(d.initialized, 'false');
  gic.setAttr(G.KVM_DEV_ARM_VGIC_GRP_ADDR, 2n, u64(0x8000000n));
  gic.setAttr(G.KVM_DEV_ARM_VGIC_GRP_ADDR, 3n, u64(0x80a0000n));
  init(gic);
  gic.mapResources();
  d = gic.describe();
  assert.is(d.dist_base, '0x8000000');
  assert.is(d.redist_regions, '#0 0x80a0000 legacy used=1');
  assert.is(d.redistributors, 'vcpu0=0x80a0000');
  assert.is(d.nr_irqs, '256');
  assert.is(d.ready, 'true');
  const { gic: v2 } = makeGic('v2');
  assert.is(v2.describe().model, 'GICv2');
  assert.is(v2.describe().cpu_base, 'unset');
});

// -- delivery from the main thread (KVM_IRQ_LINE, attribute writes) and the timer's claim ----------

test('irqLine drives the target vCPU IRQ input and wakes its WFI; nothing reaches a vCPU the SPI is not routed to', () => {
  const { host, gic, cpus } = readyGic('v3', [0, 1]);
  store(cpus[0], DIST + 0x0, 0x12);
  store(cpus[0], DIST + 0x104, 1 << 8); // SPI 40, routed to vCPU 0 by default (IROUTER 0)
  for (const c of cpus) {
    c.cpu.msr(ICC_PMR_EL1, 0xff);
    c.cpu.msr(ICC_IGRPEN1_EL1, 1);
  }
  const v0 = host.vcpu(0);
  const v1 = host.vcpu(1);
  const wake0 = Atomics.load(v0.ctl, CTL_WAKE);
  gic.irqLine('spi', undefined, 40, true);
  assert.is(Atomics.load(v0.ctl, CTL_LINES), 1);
  assert.ok(Atomics.load(v0.ctl, CTL_WAKE) > wake0, 'CTL_WAKE bumped for a sleeping WFI');
  assert.is(Atomics.load(v1.ctl, CTL_LINES), 0);
  gic.irqLine('spi', undefined, 40, false);
  assert.is(Atomics.load(v0.ctl, CTL_LINES), 0, 'a level SPI lowered is no longer pending');
  // A PPI of vCPU 1, enabled in its redistributor.
  store(cpus[1], RD + 0x20000 + 0x10100, 1 << 20);
  gic.irqLine('ppi', v1, 20, true);
  assert.is(Atomics.load(v1.ctl, CTL_LINES), 1);
  assert.is(Atomics.load(v0.ctl, CTL_LINES), 0);
});

test('claimTimerPpis: KVM_IRQ_LINE into a PPI the timer of the vCPU owns is dropped (vgic_validate_injection); threads read the PPIs', () => {
  const { host, gic, cpus } = readyGic('v3', [0, 1]);
  const v0 = host.vcpu(0);
  assert.is(cpus[0].th.vtimerPpi, 27, 'defaults before the first run');
  assert.is(cpus[0].th.ptimerPpi, 30);
  gic.claimTimerPpis(v0, 25, 29);
  assert.is(cpus[0].th.vtimerPpi, 25);
  assert.is(cpus[1].th.ptimerPpi, 29, 'VM-wide');
  gic.irqLine('ppi', v0, 25, true);
  gic.irqLine('ppi', v0, 29, true);
  gic.irqLine('ppi', v0, 26, true);
  const lvl = asU32(gic.getAttr(LEVEL_INFO, levelAttr(0, 0)));
  assert.is(lvl, 1 << 26, 'only the unowned PPI took the line');
  gic.irqLine('ppi', host.vcpu(1), 25, true);
  assert.is(asU32(gic.getAttr(LEVEL_INFO, levelAttr(1, 0))), 1 << 25, "vCPU 1's timer has not claimed it");
  cpus[0].th.setPrivateLine(25, true);
  assert.is(asU32(gic.getAttr(LEVEL_INFO, levelAttr(0, 0))), (1 << 25) | (1 << 26), "the timer's own line does reach it");
});

test('IROUTER: resolved when written, and again at map_resources against the MPIDRs then set', () => {
  const { host, gic } = makeGic('v3', [0, 1]);
  gic.setAttr(G.KVM_DEV_ARM_VGIC_GRP_ADDR, 2n, u64(0x8000000n));
  gic.setAttr(G.KVM_DEV_ARM_VGIC_GRP_ADDR, 3n, u64(0x80a0000n));
  init(gic);
  // Restored before the MPIDRs: affinity 0.0.1.0 belongs to nobody yet.
  gic.setAttr(DIST_REGS, regAttr(0, 0x6000 + 40 * 8), u32(0x100));
  host.vcpu(1).mpidrValue = 0x80000100n;
  gic.mapResources();
  const s = VgicState.attach(gic.shared()!);
  assert.is(s.spis!.route[40], 1, 'vCPU 1 now has affinity 0.0.1.0');
  assert.is(s.spis!.route[41], 0, 'an SPI never routed goes to vCPU 0, as in kvm_vgic_dist_init');
});

test('an attribute write that makes an interrupt deliverable raises the line (restore of pending state)', () => {
  const { host, gic, cpus } = readyGic('v3', [0]);
  store(cpus[0], DIST + 0x0, 0x12);
  cpus[0].cpu.msr(ICC_PMR_EL1, 0xff);
  cpus[0].cpu.msr(ICC_IGRPEN1_EL1, 1);
  gic.setAttr(REDIST_REGS, regAttr(0, GICR_ISPENDR0), u32(1 << 3));
  assert.is(Atomics.load(host.vcpu(0).ctl, CTL_LINES), 1, 'SGI 3 pending and enabled (SGIs are enabled at reset)');
  assert.is(cpus[0].cpu.read(ICC_IAR1_EL1), 3n);
});

test.run();
