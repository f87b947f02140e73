// GICv3 CPU_SYSREGS (spec §10.5): the ICC table, HAS for all listed registers, APnR accessibility
// by priority bits (5, HOST.GIC_PRIORITY_BITS), SRE stays 1, ICC_CTLR_EL1 validation, u64 values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KVM_DEV_ARM_VGIC_CTRL_INIT, KVM_DEV_ARM_VGIC_GRP } from '../../../../vmcore/kvm-constants';
import { HOST } from '../../../../vmcore/host-choices';
import type { Vgic } from '../../../../devices/vgic/vgic';
import { ICC_SYSREGS } from '../../../../devices/vgic/vgic-v3-sysregs';
import { asU64, makeGic, regAttr, throwsErrno, u32, u64 } from './fake-vgic-host';

const SYSREGS = KVM_DEV_ARM_VGIC_GRP.KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS;
const CTRL = KVM_DEV_ARM_VGIC_GRP.KVM_DEV_ARM_VGIC_GRP_CTRL;
const init = (gic: Vgic) => gic.setAttr(CTRL, BigInt(KVM_DEV_ARM_VGIC_CTRL_INIT), new Uint8Array(0));
const get = (gic: Vgic, enc: number, vcpu = 0) => asU64(gic.getAttr(SYSREGS, regAttr(vcpu, enc)));
const set = (gic: Vgic, enc: number, v: bigint, vcpu = 0) => gic.setAttr(SYSREGS, regAttr(vcpu, enc), u64(v));

// attr[15:0] encodings of §10.5.
const ICC_PMR_EL1 = 0xc230;
const ICC_BPR0_EL1 = 0xc643;
const ICC_AP0R = [0xc644, 0xc645, 0xc646, 0xc647];
const ICC_AP1R = [0xc648, 0xc649, 0xc64a, 0xc64b];
const ICC_BPR1_EL1 = 0xc663;
const ICC_CTLR_EL1 = 0xc664;
const ICC_SRE_EL1 = 0xc665;
const ICC_IGRPEN0_EL1 = 0xc666;
const ICC_IGRPEN1_EL1 = 0xc667;
const LISTED = [ICC_PMR_EL1, ICC_BPR0_EL1, ...ICC_AP0R, ...ICC_AP1R, ICC_BPR1_EL1, ICC_CTLR_EL1, ICC_SRE_EL1, ICC_IGRPEN0_EL1, ICC_IGRPEN1_EL1];

test('the table encodes exactly the registers of §10.5', () => {
  assert.equal(ICC_SYSREGS.map((r) => r.encoding).sort(), [...LISTED].sort());
  assert.is(HOST.GIC_PRIORITY_BITS, 5);
});

test('HAS: 0 for every listed register (APnR 1..3 too), ENXIO otherwise, EINVAL for an unknown MPIDR', () => {
  const { gic } = makeGic('v3', [0]);
  for (const enc of LISTED) gic.hasAttr(SYSREGS, regAttr(0, enc));
  for (const enc of [0xc65d /* ICC_SGI1R_EL1 */, 0xc660 /* ICC_IAR1_EL1 */, 0, 0xffff]) throwsErrno(() => gic.hasAttr(SYSREGS, regAttr(0, enc)), 'ENXIO', `encoding ${enc}`);
  throwsErrno(() => gic.hasAttr(SYSREGS, regAttr(1, ICC_PMR_EL1)), 'EINVAL');
});

test('error order: EINVAL (MPIDR), EBUSY (running), EBUSY (init), EFAULT, ENXIO', () => {
  const { host, gic } = makeGic('v3', [0]);
  throwsErrno(() => get(gic, ICC_PMR_EL1, 3), 'EINVAL');
  host.running = true;
  throwsErrno(() => get(gic, ICC_PMR_EL1), 'EBUSY');
  host.running = false;
  throwsErrno(() => set(gic, ICC_PMR_EL1, 0n), 'EBUSY', 'not initialised');
  init(gic);
  throwsErrno(() => gic.setAttr(SYSREGS, regAttr(0, ICC_PMR_EL1), u32(0xff)), 'EFAULT', 'the value is a u64');
  throwsErrno(() => gic.setAttr(SYSREGS, regAttr(0, 0xc65d), u32(0)), 'EFAULT', 'the value is read before the register lookup');
  throwsErrno(() => set(gic, 0xc65d, 0n), 'ENXIO');
  throwsErrno(() => get(gic, 0xc65d), 'ENXIO');
});

test('values are u64; attr bits 31:16 are ignored', () => {
  const { gic } = makeGic('v3', [0]);
  init(gic);
  set(gic, ICC_PMR_EL1, 0xffff_ffff_0000_01f0n);
  assert.is(get(gic, ICC_PMR_EL1), 0xf0n);
  assert.is(asU64(gic.getAttr(SYSREGS, regAttr(0, (0xabcd0000 | ICC_PMR_EL1) >>> 0))), 0xf0n);
  assert.is(gic.getAttr(SYSREGS, regAttr(0, ICC_PMR_EL1)).length, 8);
});

test('ICC_SRE_EL1 reads SRE|DFB|DIB; a write clearing SRE is EINVAL', () => {
  const { gic } = makeGic('v3', [0]);
  init(gic);
  assert.is(get(gic, ICC_SRE_EL1), 7n);
  throwsErrno(() => set(gic, ICC_SRE_EL1, 0n), 'EINVAL');
  throwsErrno(() => set(gic, ICC_SRE_EL1, 6n), 'EINVAL');
  set(gic, ICC_SRE_EL1, 1n);
  assert.is(get(gic, ICC_SRE_EL1), 7n, 'RAO/WI otherwise');
});

test('ICC_CTLR_EL1: PRIbits 4, IDbits 0; more bits, SEIS or A3V is EINVAL and changes nothing', () => {
  const { gic } = makeGic('v3', [0]);
  init(gic);
  assert.is(get(gic, ICC_CTLR_EL1), 4n << 8n);
  throwsErrno(() => set(gic, ICC_CTLR_EL1, 5n << 8n), 'EINVAL', '6 priority bits');
  throwsErrno(() => set(gic, ICC_CTLR_EL1, (4n << 8n) | (1n << 11n)), 'EINVAL', '24-bit INTIDs');
  throwsErrno(() => set(gic, ICC_CTLR_EL1, (4n << 8n) | (1n << 14n)), 'EINVAL', 'SEIS');
  throwsErrno(() => set(gic, ICC_CTLR_EL1, (4n << 8n) | (1n << 15n)), 'EINVAL', 'A3V');
  throwsErrno(() => set(gic, ICC_CTLR_EL1, (3n << 8n) | (1n << 15n) | 3n), 'EINVAL', 'valid PRIbits but bad A3V');
  assert.is(get(gic, ICC_CTLR_EL1), 4n << 8n, 'the rejected write left PRIbits, CBPR and EOImode alone');
  set(gic, ICC_CTLR_EL1, (4n << 8n) | 3n);
  assert.is(get(gic, ICC_CTLR_EL1), (4n << 8n) | 3n, 'CBPR and EOImode');
  set(gic, ICC_CTLR_EL1, 3n << 8n);
  assert.is(get(gic, ICC_CTLR_EL1), 3n << 8n, 'fewer priority bits may be restored');
  throwsErrno(() => set(gic, ICC_CTLR_EL1, 4n << 8n), 'EINVAL', 'and then no more than that');
});

test('ICC_AP0Rn / ICC_AP1Rn: with 5 priority bits only n = 0 is accessible (GET and SET EINVAL otherwise)', () => {
  const { gic } = makeGic('v3', [0]);
  init(gic);
  set(gic, ICC_AP0R[0], 0x1_8000_0001n);
  set(gic, ICC_AP1R[0], 0x2n);
  assert.is(get(gic, ICC_AP0R[0]), 0x8000_0001n, 'a 32-bit register');
  assert.is(get(gic, ICC_AP1R[0]), 0x2n);
  for (const enc of [...ICC_AP0R.slice(1), ...ICC_AP1R.slice(1)]) {
    throwsErrno(() => get(gic, enc), 'EINVAL', `GET ${enc.toString(16)}`);
    throwsErrno(() => set(gic, enc, 0n), 'EINVAL', `SET ${enc.toString(16)}`);
  }
});

test('ICC_BPR0/BPR1 (BPR1 follows BPR0 + 1 with CBPR), IGRPEN0/1, PMR, per vCPU', () => {
  const { gic } = makeGic('v3', [0, 1]);
  init(gic);
  set(gic, ICC_BPR0_EL1, 0xfn);
  assert.is(get(gic, ICC_BPR0_EL1), 7n);
  set(gic, ICC_BPR0_EL1, 2n);
  set(gic, ICC_BPR1_EL1, 5n);
  assert.is(get(gic, ICC_BPR1_EL1), 5n);
  set(gic, ICC_CTLR_EL1, (4n << 8n) | 1n); // CBPR
  assert.is(get(gic, ICC_BPR1_EL1), 3n, 'BPR0 + 1');
  set(gic, ICC_BPR1_EL1, 6n);
  set(gic, ICC_CTLR_EL1, 4n << 8n);
  assert.is(get(gic, ICC_BPR1_EL1), 5n, 'the write under CBPR was ignored');
  set(gic, ICC_IGRPEN1_EL1, 0xffn);
  set(gic, ICC_IGRPEN0_EL1, 2n);
  assert.is(get(gic, ICC_IGRPEN1_EL1), 1n);
  assert.is(get(gic, ICC_IGRPEN0_EL1), 0n);
  assert.is(get(gic, ICC_IGRPEN1_EL1, 1), 0n, 'vCPU 1 has its own CPU interface');
});

test.run();
