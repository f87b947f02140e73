/**
 * The host-dependent values of spec §15, chosen once. Real KVM takes these from the host; the
 * service reports them consistently through KVM_CHECK_EXTENSION (capabilities.ts), the ID
 * registers (cpu/sysregs.ts) and the errors of the calls that depend on them.
 */
export const HOST = {
  /** KVM_CAP_ARM_VM_IPA_SIZE; also ID_AA64MMFR0_EL1.PARange below. 40 bits = 1 TiB. */
  IPA_LIMIT: 40,
  /** ID_AA64MMFR0_EL1.PARange encoding of IPA_LIMIT (0b0010 = 40 bits). */
  PARANGE: 0b0010,
  /** Default IPA size for type 0 (the legacy default, §3.2). */
  IPA_DEFAULT: 40,
  /** GIC models offered by KVM_CREATE_DEVICE / KVM_CREATE_IRQCHIP. */
  GIC_V2: true,
  GIC_V3: true,
  /** KVM_CAP_MAX_VCPUS / KVM_CAP_MAX_VCPU_ID on the system fd (GICv3-capable host). */
  MAX_VCPUS: 512,
  /** PSCI version reported by default with KVM_ARM_VCPU_PSCI_0_2: 1.3. */
  PSCI_VERSION_DEFAULT: 0x10003,
  /** KVM_CAP_ARM_INJECT_SERROR_ESR: the RAS extension's VSESR is emulated. */
  RAS_SERROR_ESR: true,
  /** Optional vCPU features: none of them is emulated, so INIT rejects them with EINVAL. */
  PMU_V3: false,
  SVE: false,
  PTRAUTH: false,
  MTE: false,
  EL2: false,
  EL1_32BIT: false,
  /** GIC priority bits (ICC_CTLR_EL1.PRIbits + 1). */
  GIC_PRIORITY_BITS: 5,
  /** Hardware breakpoints / watchpoints (KVM_CAP_GUEST_DEBUG_HW_BPS/WPS, ID_AA64DFR0_EL1). */
  HW_BPS: 6,
  HW_WPS: 4,
  /** PV time (KVM_CAP_STEAL_TIME): offered; the stolen time the service reports is 0. */
  STEAL_TIME: true,
  /** MIDR_EL1: Arm Cortex-A57 r1p0, the model the differential tests run QEMU with. */
  MIDR: 0x411fd070n,
  /** CLIDR_EL1: separate level-1 instruction and data caches (Ctype1 = 0b011), LoC = LoUU = LoUIS = 1. */
  CLIDR: 0x0000000009200003n,
  /** CTR_EL0: the Cortex-A57 value: 64-byte lines (DminLine = IminLine = 4), IDC/DIC not claimed, PIPT L1 I-cache (L1Ip = 0b11). */
  CTR: 0x000000008444c004n,
  /** DCZID_EL0: DC ZVA allowed, 64-byte block (BS = 4). */
  DCZID: 0x4n,
  /** Generic timer frequency (CNTFRQ_EL0), 62.5 MHz like QEMU's virt machine before 9.0. */
  CNTFRQ: 62_500_000,
} as const;
