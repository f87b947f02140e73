/**
 * Firmware pseudo-registers (spec §6.5; linux arch/arm64/kvm/hypercalls.c kvm_arm_get_fw_reg,
 * kvm_arm_set_fw_reg, kvm_arm_set_fw_reg_bmap; Documentation/virt/kvm/arm/fw-pseudo-registers.rst).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  FwRegs, FW_REG_IDS, KVM_REG_ARM_PSCI_VERSION, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3, KVM_REG_ARM_STD_BMAP, KVM_REG_ARM_STD_HYP_BMAP, KVM_REG_ARM_VENDOR_HYP_BMAP,
  KVM_ARM_PSCI_0_1, KVM_ARM_PSCI_0_2, KVM_ARM_PSCI_1_0, KVM_ARM_PSCI_1_1, KVM_ARM_PSCI_1_2, KVM_ARM_PSCI_1_3,
} from '../../../vmcore/fw-regs';
import { HOST } from '../../../vmcore/host-choices';
import { errnoOf, throwsErrno } from './fake-ports';

const PSCI_0_2 = 2;

/** A vCPU as FwRegs sees it; `vm.ran` is the VM's has-run flag. */
function vcpu(has02: boolean, vm = { ran: false, hasRun(): boolean { return this.ran; } }) {
  return { vm, hasFeature: (bit: number) => bit === PSCI_0_2 && has02 };
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;

test('ids (§6.5) and their order in the register list', () => {
  assert.is(KVM_REG_ARM_PSCI_VERSION, 0x6030000000140000n);
  assert.is(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, 0x6030000000140001n);
  assert.is(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, 0x6030000000140002n);
  assert.is(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3, 0x6030000000140003n);
  assert.is(KVM_REG_ARM_STD_BMAP, 0x6030000000160000n);
  assert.is(KVM_REG_ARM_STD_HYP_BMAP, 0x6030000000160001n);
  assert.is(KVM_REG_ARM_VENDOR_HYP_BMAP, 0x6030000000160002n);
  assert.equal([...FW_REG_IDS], [
    KVM_REG_ARM_PSCI_VERSION, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3,
    KVM_REG_ARM_STD_BMAP, KVM_REG_ARM_STD_HYP_BMAP, KVM_REG_ARM_VENDOR_HYP_BMAP,
  ]);
  assert.equal([KVM_ARM_PSCI_0_1, KVM_ARM_PSCI_0_2, KVM_ARM_PSCI_1_0, KVM_ARM_PSCI_1_1, KVM_ARM_PSCI_1_2, KVM_ARM_PSCI_1_3], [0x1n, 0x2n, 0x10000n, 0x10001n, 0x10002n, 0x10003n]);
});

// -- PSCI version (§6.5, §14.2) -----------------------------------------------------------------

test('PSCI version defaults: 1.3 with KVM_ARM_VCPU_PSCI_0_2, 0.1 without', () => {
  const fw = new FwRegs();
  assert.is(fw.get(KVM_REG_ARM_PSCI_VERSION, vcpu(true)), 0x10003n);
  assert.is(fw.get(KVM_REG_ARM_PSCI_VERSION, vcpu(false)), 0x1n);
  assert.is(BigInt(HOST.PSCI_VERSION_DEFAULT), 0x10003n);
  assert.is(fw.version(true), 0x10003n);
  assert.is(fw.version(false), 0x1n);
});

test('PSCI version with PSCI_0_2: 0.2, 1.0, 1.1, 1.2, 1.3 accepted; 0.1 and anything else EINVAL, nothing changed', () => {
  const fw = new FwRegs();
  const v = vcpu(true);
  for (const ok of [0x2n, 0x10000n, 0x10001n, 0x10002n, 0x10003n]) {
    fw.set(KVM_REG_ARM_PSCI_VERSION, ok, v);
    assert.is(fw.get(KVM_REG_ARM_PSCI_VERSION, v), ok, hex(ok));
  }
  fw.set(KVM_REG_ARM_PSCI_VERSION, 0x10001n, v);
  for (const bad of [0x1n, 0x0n, 0x3n, 0xffffn, 0x10004n, 0x1ffffn, 0x20000n, 0x100000002n, 0x8000000000010000n, 0xffffffffffffffffn]) {
    throwsErrno(() => fw.set(KVM_REG_ARM_PSCI_VERSION, bad, v), 'EINVAL', hex(bad));
  }
  assert.is(fw.get(KVM_REG_ARM_PSCI_VERSION, v), 0x10001n);
});

test('PSCI version without PSCI_0_2: only 0.1 is accepted', () => {
  const fw = new FwRegs();
  const v = vcpu(false);
  for (const bad of [0x2n, 0x10000n, 0x10001n, 0x10002n, 0x10003n, 0x0n, 0x100000001n]) {
    throwsErrno(() => fw.set(KVM_REG_ARM_PSCI_VERSION, bad, v), 'EINVAL', hex(bad));
  }
  fw.set(KVM_REG_ARM_PSCI_VERSION, 0x1n, v);
  assert.is(fw.get(KVM_REG_ARM_PSCI_VERSION, v), 0x1n);
});

test('PSCI version is VM-wide: written through one vCPU, read through another', () => {
  const fw = new FwRegs();
  const a = vcpu(true);
  const b = vcpu(true);
  fw.set(KVM_REG_ARM_PSCI_VERSION, 0x10000n, a);
  assert.is(fw.get(KVM_REG_ARM_PSCI_VERSION, b), 0x10000n);
  assert.is(fw.version(true), 0x10000n);
  // Another VM's registers are untouched.
  assert.is(new FwRegs().get(KVM_REG_ARM_PSCI_VERSION, b), 0x10003n);
});

test('PSCI version may still change after the VM ran (migration writes it; no EBUSY rule)', () => {
  const fw = new FwRegs();
  const v = vcpu(true);
  v.vm.ran = true;
  fw.set(KVM_REG_ARM_PSCI_VERSION, 0x2n, v);
  assert.is(fw.get(KVM_REG_ARM_PSCI_VERSION, v), 0x2n);
});

// -- workarounds (§6.5) -------------------------------------------------------------------------

test('workarounds read NOT_REQUIRED (WA1/WA3 = 2, WA2 = 3); writing that state is accepted, before and after the run', () => {
  const fw = new FwRegs();
  const v = vcpu(true);
  assert.is(fw.get(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, v), 2n);
  assert.is(fw.get(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, v), 3n);
  assert.is(fw.get(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3, v), 2n);
  assert.equal([fw.workaround(1), fw.workaround(2), fw.workaround(3)], [2n, 3n, 2n]);
  for (const ran of [false, true]) {
    v.vm.ran = ran;
    fw.set(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, 2n, v);
    fw.set(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, 3n, v);
    fw.set(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3, 2n, v);
  }
});

test('workarounds: a state beyond the host\'s, or bits outside the level field, is EINVAL', () => {
  // hypercalls.c: WA1/WA3 EINVAL if val & ~0xf or level(host) < val; WA2 EINVAL for bits outside
  // 0xf | ENABLED (0x10), ENABLED without AVAIL (2), or a level 4..15.
  const fw = new FwRegs();
  const v = vcpu(true);
  for (const id of [KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3]) {
    for (const bad of [3n, 4n, 0xfn, 0x10n, 0x12n, 1n << 63n]) throwsErrno(() => fw.set(id, bad, v), 'EINVAL', `${hex(id)} = ${bad}`);
  }
  for (const bad of [4n, 0xfn, 0x20n, 0x13n, 0x10n, 0x11n, 1n << 40n]) {
    throwsErrno(() => fw.set(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, bad, v), 'EINVAL', `WA2 = ${hex(bad)}`);
  }
  assert.equal([fw.workaround(1), fw.workaround(2), fw.workaround(3)], [2n, 3n, 2n], 'nothing changed');
});

test('workarounds: a worse state than the host\'s (migrating from a host that needed the mitigation) is accepted', () => {
  // hypercalls.c kvm_arm_set_fw_reg: "We can deal with NOT_AVAIL on NOT_REQUIRED, but not the other
  // way around" — only get_kernel_wa_level(id) < val is refused, and NOT_REQUIRED is the top level.
  // The register keeps reading the host's state.
  const fw = new FwRegs();
  const v = vcpu(true);
  for (const id of [KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3]) {
    for (const val of [0n, 1n]) assert.is(errnoOf(() => fw.set(id, val, v)), 'OK', `${hex(id)} = ${val}`);
  }
  for (const val of [0n, 1n, 2n, 0x12n]) {
    assert.is(errnoOf(() => fw.set(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, val, v)), 'OK', `WA2 = ${hex(val)}`);
  }
  assert.equal([fw.workaround(1), fw.workaround(2), fw.workaround(3)], [2n, 3n, 2n]);
});

// -- bitmaps (§6.5) -----------------------------------------------------------------------------

test('bitmaps default to the supported bits: STD 0 (no TRNG), STD_HYP 1 (PV_TIME), VENDOR_HYP 1 (FUNC_FEAT, no PTP)', () => {
  const fw = new FwRegs();
  const v = vcpu(true);
  assert.is(fw.get(KVM_REG_ARM_STD_BMAP, v), 0n);
  assert.is(fw.get(KVM_REG_ARM_STD_HYP_BMAP, v), HOST.STEAL_TIME ? 1n : 0n);
  assert.is(fw.get(KVM_REG_ARM_VENDOR_HYP_BMAP, v), 1n);
  assert.is(fw.bitmap(KVM_REG_ARM_VENDOR_HYP_BMAP), 1n);
  assert.is(fw.bitmap(0x6030000000160003n), 0n, 'no such bitmap');
});

test('bitmaps: clearing and setting supported bits is fine; an unsupported bit is EINVAL and changes nothing', () => {
  const fw = new FwRegs();
  const v = vcpu(true);
  fw.set(KVM_REG_ARM_VENDOR_HYP_BMAP, 0n, v);
  assert.is(fw.bitmap(KVM_REG_ARM_VENDOR_HYP_BMAP), 0n);
  fw.set(KVM_REG_ARM_VENDOR_HYP_BMAP, 1n, v);
  assert.is(fw.bitmap(KVM_REG_ARM_VENDOR_HYP_BMAP), 1n, 'a supported bit may be set again');
  fw.set(KVM_REG_ARM_STD_HYP_BMAP, 0n, v);
  assert.is(fw.bitmap(KVM_REG_ARM_STD_HYP_BMAP), 0n);
  fw.set(KVM_REG_ARM_STD_BMAP, 0n, v);
  const cases: Array<[bigint, bigint]> = [
    [KVM_REG_ARM_STD_BMAP, 1n], // TRNG is not emulated
    [KVM_REG_ARM_STD_HYP_BMAP, 2n],
    [KVM_REG_ARM_VENDOR_HYP_BMAP, 2n], // PTP is not offered
    [KVM_REG_ARM_VENDOR_HYP_BMAP, 3n],
    [KVM_REG_ARM_VENDOR_HYP_BMAP, 1n << 63n],
  ];
  for (const [id, val] of cases) throwsErrno(() => fw.set(id, val, v), 'EINVAL', `${hex(id)} = ${hex(val)}`);
  assert.equal([fw.bitmap(KVM_REG_ARM_STD_BMAP), fw.bitmap(KVM_REG_ARM_STD_HYP_BMAP), fw.bitmap(KVM_REG_ARM_VENDOR_HYP_BMAP)], [0n, 0n, 1n]);
});

test('bitmaps after the VM ran: a change is EBUSY, the same value is accepted, an unsupported bit is still EINVAL first', () => {
  const fw = new FwRegs();
  const v = vcpu(true);
  fw.set(KVM_REG_ARM_VENDOR_HYP_BMAP, 0n, v);
  v.vm.ran = true;
  throwsErrno(() => fw.set(KVM_REG_ARM_VENDOR_HYP_BMAP, 1n, v), 'EBUSY');
  throwsErrno(() => fw.set(KVM_REG_ARM_STD_HYP_BMAP, 0n, v), 'EBUSY');
  throwsErrno(() => fw.set(KVM_REG_ARM_VENDOR_HYP_BMAP, 2n, v), 'EINVAL', 'unsupported bits are checked before EBUSY');
  fw.set(KVM_REG_ARM_VENDOR_HYP_BMAP, 0n, v);
  fw.set(KVM_REG_ARM_STD_HYP_BMAP, 1n, v);
  fw.set(KVM_REG_ARM_STD_BMAP, 0n, v);
  assert.equal([fw.bitmap(KVM_REG_ARM_STD_HYP_BMAP), fw.bitmap(KVM_REG_ARM_VENDOR_HYP_BMAP)], [1n, 0n]);
});

test('bitmaps are per VM (kvm->arch.smccc_feat)', () => {
  const a = new FwRegs();
  const b = new FwRegs();
  a.set(KVM_REG_ARM_STD_HYP_BMAP, 0n, vcpu(true));
  assert.is(b.bitmap(KVM_REG_ARM_STD_HYP_BMAP), 1n);
});

// -- unknown ids --------------------------------------------------------------------------------

test('ENOENT for unknown FW / FW_FEAT_BMAP indices and for a known index with another size', () => {
  const fw = new FwRegs();
  const v = vcpu(true);
  const bad = [
    0x6030000000140004n, 0x603000000014ffffn, 0x6030000000160003n, 0x6030000000160100n,
    0x6020000000140000n, 0x6020000000140001n, 0x6040000000160000n, 0x6010000000160002n,
    0x6030000010140000n, // bits 31:28: the kernel switches on the whole id
  ];
  for (const id of bad) {
    throwsErrno(() => fw.get(id, v), 'ENOENT', `get ${hex(id)}`);
    throwsErrno(() => fw.set(id, 0n, v), 'ENOENT', `set ${hex(id)}`);
  }
});

test.run();
