/**
 * KVM_CHECK_EXTENSION (spec §3.3) with the host choices of §15, and their consistency with the ID
 * registers (vmcore/cpu/sysregs.ts), KVM_CREATE_VM's IPA range, KVM_ENABLE_CAP and VCPU_EVENTS.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkExtension, VM_ENABLE_CAPS } from '../../../vmcore/capabilities';
import { KVM_CAP, KVM_COALESCED_MMIO_PAGE_OFFSET, KVM_USER_MEM_SLOTS } from '../../../vmcore/kvm-constants';
import { HOST } from '../../../vmcore/host-choices';
import { SYSREG_BY_NAME } from '../../../vmcore/cpu/sysregs';
import { RegFile } from '../../../vmcore/cpu/reg-file';
import { decodeVcpuEvents, getVcpuEvents } from '../../../vmcore/vcpu-events';
import { errnoOf, newSystem, newVm, throwsErrno } from './fake-ports';

const C = KVM_CAP;
const field = (v: bigint, shift: number): number => Number((v >> BigInt(shift)) & 0xfn);
const idReg = (name: string): bigint => SYSREG_BY_NAME.get(name)!.reset;

test('§15 choices on the system fd: IPA 40, ring page 1, 32767 slots, 512 vCPUs, SError ESR, HW BPs/WPs, PV time', () => {
  assert.is(checkExtension(C.KVM_CAP_ARM_VM_IPA_SIZE), 40);
  assert.is(checkExtension(C.KVM_CAP_COALESCED_MMIO), 1);
  assert.is(checkExtension(C.KVM_CAP_COALESCED_MMIO), KVM_COALESCED_MMIO_PAGE_OFFSET);
  assert.is(checkExtension(C.KVM_CAP_NR_MEMSLOTS), 32767);
  assert.is(checkExtension(C.KVM_CAP_NR_MEMSLOTS), KVM_USER_MEM_SLOTS);
  assert.is(checkExtension(C.KVM_CAP_MAX_VCPUS), 512);
  assert.is(checkExtension(C.KVM_CAP_MAX_VCPU_ID), 512);
  assert.is(checkExtension(C.KVM_CAP_ARM_INJECT_SERROR_ESR), 1);
  assert.is(checkExtension(C.KVM_CAP_GUEST_DEBUG_HW_BPS), 6);
  assert.is(checkExtension(C.KVM_CAP_GUEST_DEBUG_HW_WPS), 4);
  assert.is(checkExtension(C.KVM_CAP_STEAL_TIME), 1);
});

test('features the emulator does not offer answer 0: PMU, SVE, PTRAUTH, MTE, EL2, EL2_E2H0, EL1_32BIT', () => {
  for (const cap of [
    C.KVM_CAP_ARM_PMU_V3, C.KVM_CAP_ARM_SVE, C.KVM_CAP_ARM_PTRAUTH_ADDRESS, C.KVM_CAP_ARM_PTRAUTH_GENERIC,
    C.KVM_CAP_ARM_MTE, C.KVM_CAP_ARM_EL2, C.KVM_CAP_ARM_EL2_E2H0, C.KVM_CAP_ARM_EL1_32BIT,
  ]) {
    assert.is(checkExtension(cap), 0, `cap ${cap}`);
  }
});

test('capabilities every arm64 host has answer 1', () => {
  for (const cap of [
    C.KVM_CAP_IRQCHIP, C.KVM_CAP_USER_MEMORY, C.KVM_CAP_MP_STATE, C.KVM_CAP_SYNC_MMU, C.KVM_CAP_DESTROY_MEMORY_REGION_WORKS,
    C.KVM_CAP_ONE_REG, C.KVM_CAP_READONLY_MEM, C.KVM_CAP_ARM_PSCI, C.KVM_CAP_ARM_PSCI_0_2, C.KVM_CAP_ARM_SET_DEVICE_ADDR,
    C.KVM_CAP_DEVICE_CTRL, C.KVM_CAP_ENABLE_CAP_VM, C.KVM_CAP_VM_ATTRIBUTES, C.KVM_CAP_CHECK_EXTENSION_VM,
    C.KVM_CAP_MULTI_ADDRESS_SPACE, C.KVM_CAP_VCPU_ATTRIBUTES, C.KVM_CAP_IMMEDIATE_EXIT, C.KVM_CAP_ARM_USER_IRQ,
    C.KVM_CAP_VCPU_EVENTS, C.KVM_CAP_ARM_IRQ_LINE_LAYOUT_2, C.KVM_CAP_ARM_NISV_TO_USER, C.KVM_CAP_ARM_INJECT_EXT_DABT,
    C.KVM_CAP_SYSTEM_EVENT_DATA, C.KVM_CAP_ARM_SYSTEM_SUSPEND, C.KVM_CAP_ARM_WRITABLE_IMP_ID_REGS, C.KVM_CAP_COALESCED_PIO,
  ]) {
    assert.is(checkExtension(cap), 1, `cap ${cap}`);
  }
});

test('unknown capability numbers answer 0, not an error', () => {
  for (const cap of [9999, 246, 0x7fffffff, -1, 1, 2, 4]) assert.is(checkExtension(cap), 0, `cap ${cap}`);
  const { vm } = newVm();
  assert.is(vm.checkExtension(9999), 0);
});

test('KVM_CAP_MSI_DEVID: EINVAL on the system fd; 0 on a VM fd (no ITS is offered)', () => {
  throwsErrno(() => checkExtension(C.KVM_CAP_MSI_DEVID), 'EINVAL');
  const { sys } = newSystem();
  throwsErrno(() => sys.checkExtension(C.KVM_CAP_MSI_DEVID), 'EINVAL');
  const vm = sys.createVm(0n);
  assert.is(vm.checkExtension(C.KVM_CAP_MSI_DEVID), 0);
  vm.createDevice(7, 0);
  assert.is(vm.checkExtension(C.KVM_CAP_MSI_DEVID), 0, 'a GICv3 alone has no ITS');
  // KVM_DEV_TYPE_ARM_VGIC_ITS cannot be created, so MSI_DEVID stays 0.
  assert.is(errnoOf(() => vm.createDevice(8, 0)), 'ENODEV');
});

test('MAX_VCPUS / MAX_VCPU_ID on a VM fd: 512, 8 after a GICv2, 512 after a GICv3; system fd stays 512', () => {
  const { sys } = newSystem();
  const fresh = sys.createVm(0n);
  assert.is(fresh.checkExtension(C.KVM_CAP_MAX_VCPUS), 512);
  assert.is(fresh.checkExtension(C.KVM_CAP_MAX_VCPU_ID), 512);
  const v2 = sys.createVm(0n);
  v2.createIrqchip();
  assert.is(v2.checkExtension(C.KVM_CAP_MAX_VCPUS), 8);
  assert.is(v2.checkExtension(C.KVM_CAP_MAX_VCPU_ID), 8);
  const v2dev = sys.createVm(0n);
  v2dev.createDevice(5, 0);
  assert.is(v2dev.checkExtension(C.KVM_CAP_MAX_VCPUS), 8);
  const v3 = sys.createVm(0n);
  v3.createDevice(7, 0);
  assert.is(v3.checkExtension(C.KVM_CAP_MAX_VCPUS), 512);
  assert.is(sys.checkExtension(C.KVM_CAP_MAX_VCPUS), 512);
  assert.is(checkExtension(C.KVM_CAP_MAX_VCPUS, { maxVcpus: () => 8 }), 8);
});

test('KVM_CAP_NR_VCPUS is advisory: 1 <= it <= MAX_VCPUS in both views', () => {
  const sysNr = checkExtension(C.KVM_CAP_NR_VCPUS);
  assert.ok(sysNr >= 1 && sysNr <= checkExtension(C.KVM_CAP_MAX_VCPUS), `NR_VCPUS ${sysNr}`);
  const { vm } = newVm();
  vm.createIrqchip();
  const vmNr = vm.checkExtension(C.KVM_CAP_NR_VCPUS);
  assert.ok(vmNr >= 1 && vmNr <= 8, `NR_VCPUS with a GICv2: ${vmNr}`);
});

test('a VM fd answers the same as the system fd for VM-independent capabilities', () => {
  const { vm } = newVm();
  for (const cap of Object.values(C)) {
    if (cap === C.KVM_CAP_MSI_DEVID) continue;
    assert.is(vm.checkExtension(cap), checkExtension(cap), `cap ${cap}`);
  }
});

test('consistency: ARM_VM_IPA_SIZE = HOST.IPA_LIMIT = ID_AA64MMFR0_EL1.PARange bits', () => {
  const limit = checkExtension(C.KVM_CAP_ARM_VM_IPA_SIZE);
  assert.is(limit, HOST.IPA_LIMIT);
  // ARM ARM D19.2.64: PARange 0 32 bits, 1 36, 2 40, 3 42, 4 44, 5 48, 6 52.
  const PA_BITS = [32, 36, 40, 42, 44, 48, 52];
  const parange = field(idReg('ID_AA64MMFR0_EL1'), 0);
  assert.is(parange, HOST.PARANGE);
  assert.is(PA_BITS[parange], limit);
});

test('consistency: KvmSystem.createVm accepts exactly 0 and 32..ARM_VM_IPA_SIZE', () => {
  const limit = checkExtension(C.KVM_CAP_ARM_VM_IPA_SIZE);
  const { sys } = newSystem({ maxVms: 1000 });
  for (let n = 0; n <= 64; n++) {
    const ok = n === 0 || (n >= 32 && n <= limit);
    assert.is(errnoOf(() => sys.createVm(BigInt(n))), ok ? 'OK' : 'EINVAL', `IPA ${n}`);
  }
  // Type 0 is the legacy 40 bits, which must be within the limit (§3.2).
  assert.ok(HOST.IPA_DEFAULT <= limit);
  assert.is(sys.createVm(0n).ipaBits, 40);
});

test('consistency: HW_BPS / HW_WPS match ID_AA64DFR0_EL1.BRPs + 1 / WRPs + 1, and the debug registers', () => {
  const dfr0 = idReg('ID_AA64DFR0_EL1');
  assert.is(field(dfr0, 12) + 1, checkExtension(C.KVM_CAP_GUEST_DEBUG_HW_BPS), 'BRPs [15:12]');
  assert.is(field(dfr0, 20) + 1, checkExtension(C.KVM_CAP_GUEST_DEBUG_HW_WPS), 'WRPs [23:20]');
  assert.is(field(dfr0, 8), 0, 'PMUVer [11:8] = 0: no PMU, as KVM_CAP_ARM_PMU_V3 = 0 says');
  const bps = checkExtension(C.KVM_CAP_GUEST_DEBUG_HW_BPS);
  const wps = checkExtension(C.KVM_CAP_GUEST_DEBUG_HW_WPS);
  for (let n = 0; n < 16; n++) {
    assert.is(SYSREG_BY_NAME.has(`DBGBVR${n}_EL1`), n < bps, `DBGBVR${n}_EL1`);
    assert.is(SYSREG_BY_NAME.has(`DBGBCR${n}_EL1`), n < bps, `DBGBCR${n}_EL1`);
    assert.is(SYSREG_BY_NAME.has(`DBGWVR${n}_EL1`), n < wps, `DBGWVR${n}_EL1`);
    assert.is(SYSREG_BY_NAME.has(`DBGWCR${n}_EL1`), n < wps, `DBGWCR${n}_EL1`);
  }
});

test('consistency: the ID registers advertise none of the features whose capability is 0', () => {
  const pfr0 = idReg('ID_AA64PFR0_EL1');
  assert.is(field(pfr0, 4), 1, 'EL1 [7:4] = 1: AArch64 only, as KVM_CAP_ARM_EL1_32BIT = 0 says');
  assert.is(field(pfr0, 8), 0, 'EL2 [11:8] not implemented, as KVM_CAP_ARM_EL2 = 0 says');
  assert.is(field(pfr0, 32), 0, 'SVE [35:32], as KVM_CAP_ARM_SVE = 0 says');
  assert.is(field(idReg('ID_AA64PFR1_EL1'), 8), 0, 'MTE [11:8], as KVM_CAP_ARM_MTE = 0 says');
  const isar1 = idReg('ID_AA64ISAR1_EL1');
  for (const [shift, name] of [[4, 'APA'], [8, 'API'], [24, 'GPA'], [28, 'GPI']] as const) {
    assert.is(field(isar1, shift), 0, `${name}: no pointer authentication, as KVM_CAP_ARM_PTRAUTH_* = 0 say`);
  }
  assert.is(idReg('ID_AA64ZFR0_EL1'), 0n);
});

test('consistency: INJECT_SERROR_ESR matches GET_VCPU_EVENTS serror_has_esr (§13.2)', () => {
  const ev = decodeVcpuEvents(getVcpuEvents(new RegFile()));
  assert.is(ev.serror_has_esr, checkExtension(C.KVM_CAP_ARM_INJECT_SERROR_ESR));
});

test('consistency: every capability KVM_ENABLE_CAP accepts is advertised', () => {
  for (const cap of VM_ENABLE_CAPS) assert.ok(checkExtension(cap) > 0, `cap ${cap} can be enabled, so CHECK_EXTENSION must say so`);
  // And the capabilities the emulator does not advertise cannot be enabled.
  for (const cap of [C.KVM_CAP_ARM_MTE, C.KVM_CAP_ARM_EL2, C.KVM_CAP_USER_MEMORY2]) {
    assert.is(checkExtension(cap), 0);
    const { vm } = newVm();
    throwsErrno(() => vm.enableCap(cap, 0, []), 'EINVAL', `cap ${cap}`);
  }
});

test('consistency: MANUAL_DIRTY_LOG_PROTECT2 answers the flag mask ENABLE_CAP accepts', () => {
  const mask = checkExtension(C.KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2);
  assert.is(mask, 1, 'ENABLE only (INITIALLY_SET is not offered)');
  for (const flag of [1n, 2n, 4n]) {
    const { vm } = newVm();
    const ok = (BigInt(mask) & flag) !== 0n;
    assert.is(errnoOf(() => vm.enableCap(C.KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, 0, [flag])), ok ? 'OK' : 'EINVAL', `flag ${flag}`);
  }
});

test('consistency: a dead VM fails CHECK_EXTENSION with EIO; the system fd still answers', () => {
  const { sys } = newSystem();
  const vm = sys.createVm(0n);
  vm.markDead('test');
  throwsErrno(() => vm.checkExtension(C.KVM_CAP_ONE_REG), 'EIO');
  assert.is(sys.checkExtension(C.KVM_CAP_ONE_REG), 1);
});

test.run();
