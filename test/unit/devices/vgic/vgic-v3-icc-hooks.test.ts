// The guest's ICC_*_EL1 registers (vgic-v3-icc-hooks.ts) at register level: EL0 UNDEFINED, read-only
// and write-only registers, the implemented priority bits, binary point minimums, the writable
// fields of ICC_CTLR_EL1, ICC_SRE_EL1 fixed, APnR accessibility, and that guest writes land in the
// state the CPU_SYSREGS attribute group reads (§10.5).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KVM_DEV_ARM_VGIC_GRP } from '../../../../vmcore/kvm-constants';
import {
  ICC_AP0R0_EL1, ICC_AP1R0_EL1, ICC_ASGI1R_EL1, ICC_BPR0_EL1, ICC_BPR1_EL1, ICC_CTLR_EL1, ICC_DIR_EL1, ICC_EOIR0_EL1,
  ICC_EOIR1_EL1, ICC_HPPIR0_EL1, ICC_HPPIR1_EL1, ICC_IAR0_EL1, ICC_IAR1_EL1, ICC_IGRPEN0_EL1, ICC_IGRPEN1_EL1,
  ICC_PMR_EL1, ICC_RPR_EL1, ICC_SGI0R_EL1, ICC_SGI1R_EL1, ICC_SRE_EL1,
} from '../../../../devices/vgic/vgic-v3-icc-hooks';
import { readyGic } from './vgic-gic-env';
import { asU64 } from './fake-vgic-host';

const SYSREGS = KVM_DEV_ARM_VGIC_GRP.KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS;
const ALL = [
  ICC_PMR_EL1, ICC_IAR0_EL1, ICC_EOIR0_EL1, ICC_HPPIR0_EL1, ICC_BPR0_EL1, ICC_AP0R0_EL1, ICC_AP1R0_EL1, ICC_DIR_EL1,
  ICC_RPR_EL1, ICC_SGI1R_EL1, ICC_ASGI1R_EL1, ICC_SGI0R_EL1, ICC_IAR1_EL1, ICC_EOIR1_EL1, ICC_HPPIR1_EL1, ICC_BPR1_EL1,
  ICC_CTLR_EL1, ICC_SRE_EL1, ICC_IGRPEN0_EL1, ICC_IGRPEN1_EL1,
];

test('every ICC register is hooked on a GICv3 vCPU thread, none on a GICv2 one; all are UNDEFINED at EL0', () => {
  const { cpus } = readyGic('v3', [0]);
  const cpu = cpus[0].cpu;
  for (const enc of ALL) {
    assert.ok(cpu.hooks.has(enc), `0x${enc.toString(16)}`);
    assert.is(cpu.mrs(enc, 0), 'UNDEF');
    assert.is(cpu.msr(enc, 0, 0), 'UNDEF');
  }
  for (let n = 1; n < 4; n++) assert.ok(cpu.hooks.has(ICC_AP0R0_EL1 + n) && cpu.hooks.has(ICC_AP1R0_EL1 + n));
  assert.is(readyGic('v2', [0]).cpus[0].cpu.hooks.size, 0);
});

test('write-only registers are UNDEFINED to MRS, read-only ones to MSR', () => {
  const { cpus } = readyGic('v3', [0]);
  const cpu = cpus[0].cpu;
  for (const enc of [ICC_EOIR0_EL1, ICC_EOIR1_EL1, ICC_DIR_EL1, ICC_SGI1R_EL1, ICC_ASGI1R_EL1, ICC_SGI0R_EL1]) assert.is(cpu.mrs(enc), 'UNDEF');
  for (const enc of [ICC_IAR0_EL1, ICC_IAR1_EL1, ICC_HPPIR0_EL1, ICC_HPPIR1_EL1, ICC_RPR_EL1]) assert.is(cpu.msr(enc, 0), 'UNDEF');
});

test('ICC_PMR_EL1 keeps the 5 implemented priority bits; the attribute group sees the guest value', () => {
  const { gic, cpus } = readyGic('v3', [0]);
  const cpu = cpus[0].cpu;
  assert.is(cpu.read(ICC_PMR_EL1), 0n, 'reset: everything masked');
  cpu.msr(ICC_PMR_EL1, 0xffff);
  assert.is(cpu.read(ICC_PMR_EL1), 0xf8n);
  assert.is(asU64(gic.getAttr(SYSREGS, 0xc230n)), 0xf8n, 'CPU_SYSREGS ICC_PMR_EL1 of MPIDR 0');
});

test('binary points: writes below the minimum set the minimum (BPR0 2, BPR1 3 with 5 bits); CBPR makes BPR1 read BPR0 + 1 and ignore writes', () => {
  const { cpus } = readyGic('v3', [0]);
  const cpu = cpus[0].cpu;
  assert.is(cpu.read(ICC_BPR0_EL1), 2n, 'reset reads as the minimum');
  assert.is(cpu.read(ICC_BPR1_EL1), 3n);
  cpu.msr(ICC_BPR0_EL1, 0);
  cpu.msr(ICC_BPR1_EL1, 1);
  assert.is(cpu.read(ICC_BPR0_EL1), 2n);
  assert.is(cpu.read(ICC_BPR1_EL1), 3n);
  cpu.msr(ICC_BPR0_EL1, 5);
  cpu.msr(ICC_BPR1_EL1, 6);
  assert.is(cpu.read(ICC_BPR0_EL1), 5n);
  assert.is(cpu.read(ICC_BPR1_EL1), 6n);
  cpu.msr(ICC_CTLR_EL1, 1); // CBPR
  assert.is(cpu.read(ICC_BPR1_EL1), 6n, 'BPR0 + 1');
  cpu.msr(ICC_BPR1_EL1, 3);
  assert.is(cpu.read(ICC_BPR1_EL1), 6n, 'ignored');
  cpu.msr(ICC_CTLR_EL1, 0);
  assert.is(cpu.read(ICC_BPR1_EL1), 6n, 'its own value again');
});

test('ICC_CTLR_EL1: the guest may change only CBPR and EOImode; PRIbits reads 4 (5 bits), IDbits 0', () => {
  const { cpus } = readyGic('v3', [0]);
  const cpu = cpus[0].cpu;
  const reset = cpu.read(ICC_CTLR_EL1);
  assert.is((reset >> 8n) & 7n, 4n, 'PRIbits');
  assert.is((reset >> 11n) & 7n, 0n, 'IDbits');
  cpu.msr(ICC_CTLR_EL1, 0xffffffff);
  assert.is(cpu.read(ICC_CTLR_EL1), reset | 3n);
  cpu.msr(ICC_CTLR_EL1, 0);
  assert.is(cpu.read(ICC_CTLR_EL1), reset);
});

test('ICC_SRE_EL1 reads SRE|DFB|DIB and ignores writes; IGRPENn keep bit 0', () => {
  const { cpus } = readyGic('v3', [0]);
  const cpu = cpus[0].cpu;
  assert.is(cpu.read(ICC_SRE_EL1), 7n);
  assert.is(cpu.msr(ICC_SRE_EL1, 0), 'OK');
  assert.is(cpu.read(ICC_SRE_EL1), 7n);
  cpu.msr(ICC_IGRPEN0_EL1, 0xff);
  cpu.msr(ICC_IGRPEN1_EL1, 3);
  assert.is(cpu.read(ICC_IGRPEN0_EL1), 1n);
  assert.is(cpu.read(ICC_IGRPEN1_EL1), 1n);
});

test('ICC_APnR_EL1: only n = 0 exists with 5 priority bits (UNDEFINED above); values are kept', () => {
  const { cpus } = readyGic('v3', [0]);
  const cpu = cpus[0].cpu;
  cpu.msr(ICC_AP1R0_EL1, 0x80000001);
  assert.is(cpu.read(ICC_AP1R0_EL1), 0x80000001n);
  assert.is(cpu.read(ICC_RPR_EL1), 0n, 'the running priority follows the APRs');
  cpu.msr(ICC_AP1R0_EL1, 0);
  for (let n = 1; n < 4; n++) {
    assert.is(cpu.mrs(ICC_AP0R0_EL1 + n), 'UNDEF');
    assert.is(cpu.msr(ICC_AP1R0_EL1 + n, 1), 'UNDEF');
  }
});

test.run();
