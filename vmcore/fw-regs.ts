/**
 * Firmware pseudo-registers (spec §6.5; linux Documentation/virt/kvm/arm/fw-pseudo-registers.rst,
 * arch/arm64/kvm/hypercalls.c): the PSCI version and SMCCC workaround states, and the
 * hypercall-service bitmaps. VM-wide state, read and written through any vCPU.
 */
import { check, fail } from './errno';
import { KVM_ARM_VCPU_FEATURE } from './kvm-constants';
import { HOST } from './host-choices';

export const KVM_REG_ARM_PSCI_VERSION = 0x6030000000140000n;
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1 = 0x6030000000140001n;
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2 = 0x6030000000140002n;
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3 = 0x6030000000140003n;
export const KVM_REG_ARM_STD_BMAP = 0x6030000000160000n;
export const KVM_REG_ARM_STD_HYP_BMAP = 0x6030000000160001n;
export const KVM_REG_ARM_VENDOR_HYP_BMAP = 0x6030000000160002n;

export const KVM_ARM_PSCI_0_1 = 0x1n;
export const KVM_ARM_PSCI_0_2 = 0x2n;
export const KVM_ARM_PSCI_1_0 = 0x10000n;
export const KVM_ARM_PSCI_1_1 = 0x10001n;
export const KVM_ARM_PSCI_1_2 = 0x10002n;
export const KVM_ARM_PSCI_1_3 = 0x10003n;
const PSCI_0_2_PLUS = new Set([KVM_ARM_PSCI_0_2, KVM_ARM_PSCI_1_0, KVM_ARM_PSCI_1_1, KVM_ARM_PSCI_1_2, KVM_ARM_PSCI_1_3]);

/** Service choice (§6.5): no speculation is emulated, so every workaround is NOT_REQUIRED. */
const WORKAROUND: ReadonlyMap<bigint, bigint> = new Map([
  [KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, 2n],
  [KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, 3n],
  [KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3, 2n],
]);

/** Supported bits of each bitmap: STD TRNG is not emulated (0); PV_TIME per HOST.STEAL_TIME;
 *  vendor FUNC_FEAT (bit 0) only — PTP needs host time correlation we do not offer. */
const BMAP_SUPPORTED: ReadonlyMap<bigint, bigint> = new Map([
  [KVM_REG_ARM_STD_BMAP, 0n],
  [KVM_REG_ARM_STD_HYP_BMAP, HOST.STEAL_TIME ? 1n : 0n],
  [KVM_REG_ARM_VENDOR_HYP_BMAP, 1n],
]);

export const FW_REG_IDS: readonly bigint[] = [
  KVM_REG_ARM_PSCI_VERSION,
  ...WORKAROUND.keys(),
  ...BMAP_SUPPORTED.keys(),
];

export interface FwVcpu {
  hasFeature(bit: number): boolean;
  readonly vm: { hasRun(): boolean };
}

export class FwRegs {
  /** The VM-wide PSCI version; undefined = the default for the vCPU's PSCI feature. */
  private psciVersion: bigint | undefined;
  private readonly bmaps = new Map(BMAP_SUPPORTED);

  /** The PSCI version a vCPU with (or without) KVM_ARM_VCPU_PSCI_0_2 sees (§14.2). */
  version(has02: boolean): bigint {
    if (this.psciVersion !== undefined) return this.psciVersion;
    return has02 ? BigInt(HOST.PSCI_VERSION_DEFAULT) : KVM_ARM_PSCI_0_1;
  }

  /** The state of SMCCC_ARCH_WORKAROUND_n as its firmware register reports it. */
  workaround(n: 1 | 2 | 3): bigint {
    return WORKAROUND.get([KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3][n - 1])!;
  }

  bitmap(id: bigint): bigint {
    return this.bmaps.get(id) ?? 0n;
  }

  get(id: bigint, v: FwVcpu): bigint {
    if (id === KVM_REG_ARM_PSCI_VERSION) return this.version(v.hasFeature(KVM_ARM_VCPU_FEATURE.KVM_ARM_VCPU_PSCI_0_2));
    const w = WORKAROUND.get(id);
    if (w !== undefined) return w;
    const b = this.bmaps.get(id);
    if (b !== undefined) return b;
    // kvm_arm_get_fw_reg switches on the whole id: a wrong size or unknown index is ENOENT.
    fail('ENOENT', `no firmware register with id 0x${id.toString(16)}`);
  }

  set(id: bigint, val: bigint, v: FwVcpu): void {
    if (id === KVM_REG_ARM_PSCI_VERSION) {
      const wants02 = v.hasFeature(KVM_ARM_VCPU_FEATURE.KVM_ARM_VCPU_PSCI_0_2);
      const ok = wants02 ? PSCI_0_2_PLUS.has(val) : val === KVM_ARM_PSCI_0_1;
      check(ok, 'EINVAL', `PSCI version 0x${val.toString(16)} is not valid for this vCPU`);
      this.psciVersion = val;
      return;
    }
    const host = WORKAROUND.get(id);
    if (host !== undefined) {
      // kvm_arm_set_fw_reg: a state no better than the host's is accepted (and not stored: the
      // guest always sees the host's), a better one is refused. Levels (§6.5): WA1/WA3 0..2;
      // WA2 0 NOT_AVAIL, 1 UNKNOWN, 2 AVAIL, 3 NOT_REQUIRED, bit 4 ENABLED only with AVAIL.
      if (id === KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2) {
        check((val & ~0x1fn) === 0n, 'EINVAL', `WORKAROUND_2 value 0x${val.toString(16)} has unknown bits`);
        check((val & 0x10n) === 0n || (val & 0xfn) === 2n, 'EINVAL', 'WORKAROUND_2 ENABLED needs level AVAIL');
        const level = val & 0xfn;
        check(level <= 3n, 'EINVAL', `WORKAROUND_2 level ${level} is unknown`);
        // NOT_AVAIL/UNKNOWN map to NOT_AVAIL, AVAIL/NOT_REQUIRED to NOT_REQUIRED.
        const mapped = level <= 1n ? 0n : 3n;
        check(mapped <= host, 'EINVAL', `WORKAROUND_2 level ${level} is better than the implementation's`);
      } else {
        check((val & ~0xfn) === 0n, 'EINVAL', `workaround value 0x${val.toString(16)} has unknown bits`);
        check(val <= host, 'EINVAL', `workaround level ${val} is better than the implementation's ${host}`);
      }
      return;
    }
    const cur = this.bmaps.get(id);
    if (cur === undefined) fail('ENOENT', `no firmware register with id 0x${id.toString(16)}`);
    const supported = BMAP_SUPPORTED.get(id)!;
    check((val & ~supported) === 0n, 'EINVAL', `bitmap 0x${val.toString(16)} sets unsupported bits`);
    if (val === cur) return;
    check(!v.vm.hasRun(), 'EBUSY', 'firmware bitmaps are frozen once the VM has run');
    this.bmaps.set(id, val);
  }
}
