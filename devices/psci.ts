/**
 * PSCI and the SMCCC services KVM handles for the guest (spec §14; linux arch/arm64/kvm/psci.c,
 * hypercalls.c). HVC #0 / SMC #0 from the guest end the CPU's slice; the vCPU asks this module,
 * on the hypervisor side, what happens: a result in X0 (resume), a KVM_EXIT_SYSTEM_EVENT, or a
 * KVM_EXIT_HYPERCALL when the SMCCC filter forwards the call to userspace.
 */
import type { HypercallPort, HypercallResult, HypercallVcpu, HypercallVm } from '../vmcore/vm-ports';
import { KVM_MP_STATE, KVM_SYSTEM_EVENT } from '../vmcore/kvm-constants';

export const PSCI_RET = {
  SUCCESS: 0n,
  NOT_SUPPORTED: -1n,
  INVALID_PARAMS: -2n,
  DENIED: -3n,
  ALREADY_ON: -4n,
  ON_PENDING: -5n,
  INTERNAL_FAILURE: -6n,
  NOT_PRESENT: -7n,
  DISABLED: -8n,
  INVALID_ADDRESS: -9n,
} as const;
const SMCCC_RET_NOT_SUPPORTED = -1n;
const SMCCC_RET_NOT_REQUIRED = -2n;

/** Function ids (§14.2, §14.3, §14.6). */
export const PSCI_0_2_FN = {
  PSCI_VERSION: 0x84000000,
  CPU_SUSPEND: 0x84000001,
  CPU_OFF: 0x84000002,
  CPU_ON: 0x84000003,
  AFFINITY_INFO: 0x84000004,
  MIGRATE: 0x84000005,
  MIGRATE_INFO_TYPE: 0x84000006,
  MIGRATE_INFO_UP_CPU: 0x84000007,
  SYSTEM_OFF: 0x84000008,
  SYSTEM_RESET: 0x84000009,
  PSCI_FEATURES: 0x8400000a,
  SYSTEM_SUSPEND: 0x8400000e,
  SYSTEM_RESET2: 0x84000012,
  SYSTEM_OFF2: 0x84000015,
} as const;
/** The SMC64 variants add bit 30. */
export const PSCI_64BIT = 0x40000000;
export const KVM_PSCI_FN_BASE = 0x95c1ba5e;
export const ARM_SMCCC_VERSION_FUNC_ID = 0x80000000;
export const ARM_SMCCC_ARCH_FEATURES_FUNC_ID = 0x80000001;
export const ARM_SMCCC_ARCH_WORKAROUND_1 = 0x80008000;
export const ARM_SMCCC_ARCH_WORKAROUND_2 = 0x80007fff;
export const ARM_SMCCC_ARCH_WORKAROUND_3 = 0x80003fff;
export const ARM_SMCCC_HV_PV_TIME_FEATURES = 0xc5000020;
export const ARM_SMCCC_HV_PV_TIME_ST = 0xc5000021;
export const ARM_SMCCC_VENDOR_HYP_CALL_UID = 0x8600ff01;
export const ARM_SMCCC_VENDOR_HYP_KVM_FEATURES = 0x86000000;
/** The KVM vendor-hypervisor UUID 28b46fb6-2ec5-11e9-a9ca-4b564d003a74, as X0..X3. */
const KVM_UID = [0xb66fb428n, 0xe911c52en, 0x564bcaa9n, 0x743a004dn];

const MPIDR_HWID_BITMASK = 0xff00ffffffn;
const SMCCC_VERSION_1_1 = 0x10001n;
/** MIGRATE_INFO_TYPE: PSCI_0_2_TOS_MP (no trusted OS needing migration). */
const PSCI_0_2_TOS_MP = 2n;
const KVM_SMCCC_FILTER_DENY = 1;
const KVM_SMCCC_FILTER_FWD_TO_USER = 2;
const KVM_HYPERCALL_EXIT_SMC = 1n;

const U64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const is64 = (fn: number): boolean => (fn & PSCI_64BIT) !== 0;
// `>>> 0`: JS bitwise operators yield signed 32-bit results; function ids are u32.
const base = (fn: number): number => (fn & ~PSCI_64BIT) >>> 0;
const with64 = (fn: number): number => (fn | PSCI_64BIT) >>> 0;

/** Functions always handled by KVM whatever the firmware bitmaps (kvm_smccc_default_allowed). */
function defaultAllowed(fn: number): boolean {
  return fn === ARM_SMCCC_VERSION_FUNC_ID || fn === ARM_SMCCC_ARCH_FEATURES_FUNC_ID ||
    (fn >= 0x84000000 && fn <= 0x8400001f) || (fn >= 0xc4000000 && fn <= 0xc400001f) ||
    (fn >= KVM_PSCI_FN_BASE && fn <= KVM_PSCI_FN_BASE + 3);
}

/** Ranges reserved for the Arm architecture: never filtered (§14.6). */
function archReserved(fn: number): boolean {
  return (fn >= 0x80000000 && fn <= 0x8000ffff) || (fn >= 0xc0000000 && fn <= 0xc000ffff);
}

export interface PsciFirmware {
  /** KVM_REG_ARM_STD_HYP_BMAP bit 0 (PV_TIME) and KVM_REG_ARM_VENDOR_HYP_BMAP. */
  stdHypBitmap(): bigint;
  vendorHypBitmap(): bigint;
  /** SMCCC workaround states from the firmware registers (§6.5). */
  workaround(n: 1 | 2 | 3): bigint;
}

export class Psci implements HypercallPort {
  constructor(private readonly vm: HypercallVm, private readonly fw: PsciFirmware) {}

  call(vcpu: HypercallVcpu, conduit: 'hvc' | 'smc', imm: number): HypercallResult {
    const ret = (v: bigint): HypercallResult => {
      vcpu.setX(0, U64(v));
      return { kind: 'resume' };
    };
    // An SMC with a non-zero immediate returns ~0 without dispatch (§14.1).
    if (conduit === 'smc' && imm !== 0) return ret(-1n);
    const fn = Number(vcpu.getX(0) & 0xffffffffn);
    if (!archReserved(fn)) {
      const action = this.vm.smcccAction(fn);
      if (action === KVM_SMCCC_FILTER_DENY) return ret(SMCCC_RET_NOT_SUPPORTED);
      if (action === KVM_SMCCC_FILTER_FWD_TO_USER) {
        return { kind: 'hypercall-exit', nr: BigInt(fn), flags: conduit === 'smc' ? KVM_HYPERCALL_EXIT_SMC : 0n };
      }
    }
    // SMC32 calls see only the low 32 bits of each argument (§14.1); KVM's own v0.1 ids are not
    // SMCCC-encoded and get the full registers.
    const v01 = fn >= KVM_PSCI_FN_BASE && fn <= KVM_PSCI_FN_BASE + 3;
    const arg = (n: number): bigint => (is64(fn) || v01 ? vcpu.getX(n) : vcpu.getX(n) & 0xffffffffn);

    switch (fn) {
      case ARM_SMCCC_VERSION_FUNC_ID:
        return ret(SMCCC_VERSION_1_1);
      case ARM_SMCCC_ARCH_FEATURES_FUNC_ID:
        return ret(this.archFeatures(vcpu, Number(arg(1) & 0xffffffffn)));
      case ARM_SMCCC_VENDOR_HYP_CALL_UID:
        if (!(this.fw.vendorHypBitmap() & 1n)) return ret(SMCCC_RET_NOT_SUPPORTED);
        KVM_UID.forEach((w, i) => vcpu.setX(i, w));
        return { kind: 'resume' };
      case ARM_SMCCC_VENDOR_HYP_KVM_FEATURES:
        if (!(this.fw.vendorHypBitmap() & 1n)) return ret(SMCCC_RET_NOT_SUPPORTED);
        return ret(this.fw.vendorHypBitmap());
      case ARM_SMCCC_HV_PV_TIME_FEATURES: {
        if (!(this.fw.stdHypBitmap() & 1n)) return ret(SMCCC_RET_NOT_SUPPORTED);
        const q = Number(arg(1) & 0xffffffffn);
        const ok = (q === ARM_SMCCC_HV_PV_TIME_FEATURES || q === ARM_SMCCC_HV_PV_TIME_ST) && this.vm.pvtimeIpa(vcpu) !== undefined;
        return ret(ok ? 0n : SMCCC_RET_NOT_SUPPORTED);
      }
      case ARM_SMCCC_HV_PV_TIME_ST: {
        if (!(this.fw.stdHypBitmap() & 1n)) return ret(SMCCC_RET_NOT_SUPPORTED);
        return ret(this.vm.pvtimeIpa(vcpu) ?? SMCCC_RET_NOT_SUPPORTED);
      }
    }
    if (!defaultAllowed(fn)) return ret(SMCCC_RET_NOT_SUPPORTED);
    return this.psci(vcpu, fn, arg, ret);
  }

  private archFeatures(vcpu: HypercallVcpu, q: number): bigint {
    const state = (n: 1 | 2 | 3): bigint => {
      const s = this.fw.workaround(n);
      // WORKAROUND_1/3: 0 NOT_AVAIL, 1 AVAIL, 2 NOT_REQUIRED. WORKAROUND_2: 0 NOT_AVAIL,
      // 1 UNKNOWN, 2 AVAIL, 3 NOT_REQUIRED.
      const avail = n === 2 ? 2n : 1n;
      const notReq = n === 2 ? 3n : 2n;
      return s === avail ? 0n : s === notReq ? SMCCC_RET_NOT_REQUIRED : SMCCC_RET_NOT_SUPPORTED;
    };
    switch (q) {
      case ARM_SMCCC_ARCH_WORKAROUND_1: return state(1);
      case ARM_SMCCC_ARCH_WORKAROUND_2: return state(2);
      case ARM_SMCCC_ARCH_WORKAROUND_3: return state(3);
      case ARM_SMCCC_HV_PV_TIME_FEATURES:
        // hypercalls.c: only the STD_HYP bitmap's PV_TIME bit matters here.
        return this.fw.stdHypBitmap() & 1n ? 0n : SMCCC_RET_NOT_SUPPORTED;
      default: return SMCCC_RET_NOT_SUPPORTED;
    }
  }

  private psci(vcpu: HypercallVcpu, fn: number, arg: (n: number) => bigint, ret: (v: bigint) => HypercallResult): HypercallResult {
    const version = this.vm.psciVersion(vcpu);
    if (version === 0x1) {
      // PSCI v0.1: KVM's own ids; only CPU_OFF and CPU_ON (§14.2).
      if (fn === KVM_PSCI_FN_BASE + 1) return this.cpuOff(vcpu);
      if (fn === KVM_PSCI_FN_BASE + 2) return ret(this.cpuOn(vcpu, arg(1), arg(2), arg(3), false));
      return ret(PSCI_RET.NOT_SUPPORTED);
    }
    const minor = version >= 0x10000 ? version & 0xffff : -1; // -1: v0.2
    const major1 = version >= 0x10000;
    const F = PSCI_0_2_FN;
    // Functions newer than the configured version are not supported (§14.3).
    const since: Record<number, number> = {
      [F.PSCI_FEATURES]: 0, [F.SYSTEM_SUSPEND]: 0, [F.SYSTEM_RESET2]: 1, [F.SYSTEM_OFF2]: 3,
    };
    const need = since[base(fn)];
    if (need !== undefined && (!major1 || minor < need)) return ret(PSCI_RET.NOT_SUPPORTED);

    switch (base(fn)) {
      case F.PSCI_VERSION:
        return is64(fn) ? ret(PSCI_RET.NOT_SUPPORTED) : ret(BigInt(version));
      case F.CPU_SUSPEND:
        // power_state is ignored; returning at once is a permitted early wake-up of CPU_SUSPEND.
        return ret(PSCI_RET.SUCCESS);
      case F.CPU_OFF:
        return is64(fn) ? ret(PSCI_RET.NOT_SUPPORTED) : this.cpuOff(vcpu);
      case F.CPU_ON:
        return ret(this.cpuOn(vcpu, arg(1), arg(2), arg(3), true));
      case F.AFFINITY_INFO:
        return ret(this.affinityInfo(arg(1), arg(2)));
      case F.MIGRATE:
      case F.MIGRATE_INFO_UP_CPU:
        return ret(PSCI_RET.NOT_SUPPORTED);
      case F.MIGRATE_INFO_TYPE:
        return is64(fn) ? ret(PSCI_RET.NOT_SUPPORTED) : ret(PSCI_0_2_TOS_MP);
      case F.SYSTEM_OFF:
        return is64(fn) ? ret(PSCI_RET.NOT_SUPPORTED) : this.systemEvent(vcpu, KVM_SYSTEM_EVENT.KVM_SYSTEM_EVENT_SHUTDOWN, 0n);
      case F.SYSTEM_RESET:
        return is64(fn) ? ret(PSCI_RET.NOT_SUPPORTED) : this.systemEvent(vcpu, KVM_SYSTEM_EVENT.KVM_SYSTEM_EVENT_RESET, 0n);
      case F.PSCI_FEATURES:
        return is64(fn) ? ret(PSCI_RET.NOT_SUPPORTED) : ret(this.features(Number(arg(1) & 0xffffffffn), minor));
      case F.SYSTEM_SUSPEND:
        if (!this.vm.systemSuspendEnabled()) return ret(PSCI_RET.NOT_SUPPORTED);
        // Registers untouched: userspace reads X0..X2 (§7.6).
        return { kind: 'system-event', type: KVM_SYSTEM_EVENT.KVM_SYSTEM_EVENT_SUSPEND, data: [] };
      case F.SYSTEM_RESET2: {
        const type = arg(1) & 0xffffffffn;
        if (type !== 0n && type < 0x80000000n) return ret(PSCI_RET.INVALID_PARAMS);
        return this.systemEvent(vcpu, KVM_SYSTEM_EVENT.KVM_SYSTEM_EVENT_RESET, 1n);
      }
      case F.SYSTEM_OFF2: {
        const type = arg(1) & 0xffffffffn;
        if ((type !== 0n && type !== 1n) || arg(2) !== 0n) return ret(PSCI_RET.INVALID_PARAMS);
        return this.systemEvent(vcpu, KVM_SYSTEM_EVENT.KVM_SYSTEM_EVENT_SHUTDOWN, 1n);
      }
      default:
        return ret(PSCI_RET.NOT_SUPPORTED);
    }
  }

  /** PSCI_FEATURES (§14.5). */
  private features(q: number, minor: number): bigint {
    const F = PSCI_0_2_FN;
    const always = new Set<number>([
      F.PSCI_VERSION, F.CPU_SUSPEND, with64(F.CPU_SUSPEND), F.CPU_OFF, F.CPU_ON, with64(F.CPU_ON),
      F.AFFINITY_INFO, with64(F.AFFINITY_INFO), F.MIGRATE_INFO_TYPE, F.SYSTEM_OFF, F.SYSTEM_RESET,
      F.PSCI_FEATURES, ARM_SMCCC_VERSION_FUNC_ID,
    ]);
    if (always.has(q)) return 0n;
    if (base(q) === F.SYSTEM_SUSPEND) return this.vm.systemSuspendEnabled() ? 0n : PSCI_RET.NOT_SUPPORTED;
    if (base(q) === F.SYSTEM_RESET2) return minor >= 1 ? 0n : PSCI_RET.NOT_SUPPORTED;
    if (base(q) === F.SYSTEM_OFF2) return minor >= 3 ? 1n : PSCI_RET.NOT_SUPPORTED;
    return PSCI_RET.NOT_SUPPORTED;
  }

  private cpuOff(vcpu: HypercallVcpu): HypercallResult {
    this.vm.powerOff(vcpu);
    return { kind: 'resume' };
  }

  /** CPU_ON (§14.5). */
  private cpuOn(caller: HypercallVcpu, target: bigint, entry: bigint, ctx: bigint, v02: boolean): bigint {
    if (v02 && (target & ~MPIDR_HWID_BITMASK) !== 0n) return PSCI_RET.INVALID_PARAMS;
    const t = this.vm.vcpus().find((v) => (v.mpidr() & MPIDR_HWID_BITMASK) === (target & MPIDR_HWID_BITMASK));
    if (!t) return PSCI_RET.INVALID_PARAMS;
    if (this.vm.mpState(t) !== KVM_MP_STATE.KVM_MP_STATE_STOPPED) return v02 ? PSCI_RET.ALREADY_ON : PSCI_RET.INVALID_PARAMS;
    this.vm.powerOn(t, entry, ctx, caller);
    return PSCI_RET.SUCCESS;
  }

  /** AFFINITY_INFO (§14.5). */
  private affinityInfo(target: bigint, level: bigint): bigint {
    if ((target & ~MPIDR_HWID_BITMASK) !== 0n || level > 3n) return PSCI_RET.INVALID_PARAMS;
    const shift = BigInt(((1 << Number(level)) >> 1) << 3);
    const mask = MPIDR_HWID_BITMASK & ~((1n << shift) - 1n);
    const matching = this.vm.vcpus().filter((v) => (v.mpidr() & mask) === (target & mask));
    if (matching.length === 0) return PSCI_RET.INVALID_PARAMS;
    return matching.some((v) => this.vm.mpState(v) !== KVM_MP_STATE.KVM_MP_STATE_STOPPED) ? 0n : 1n;
  }

  /** SYSTEM_OFF/RESET family (§7.6): all vCPUs STOPPED, caller's X0 = INTERNAL_FAILURE. */
  private systemEvent(vcpu: HypercallVcpu, type: number, flag: bigint): HypercallResult {
    this.vm.stopAll();
    vcpu.setX(0, U64(PSCI_RET.INTERNAL_FAILURE));
    return { kind: 'system-event', type, data: [flag] };
  }
}
