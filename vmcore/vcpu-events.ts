/**
 * KVM_GET_VCPU_EVENTS / KVM_SET_VCPU_EVENTS on arm64 (spec §13; linux: arch/arm64/kvm/guest.c
 * __kvm_arm_vcpu_{get,set}_events, arm.c kvm_arm_vcpu_{get,set}_events): SError and external
 * data abort injection. The events are left in the register file's pending words (R_VSE,
 * R_VSESR, R_EXT_DABT) and the CPU takes them when it next runs (§13.4, §13.5).
 *
 * ENOEXEC for a vCPU that was never initialised is the caller's check (§13.2, §13.3 step 1).
 */
import { check } from './errno';
import { HOST } from './host-choices';
import { ESR_ELx_ISS_MASK, KVM_VCPU_EVENTS_SIZE } from './kvm-constants';
import { R_EXT_DABT, R_VSE, R_VSESR, RegFile } from './cpu/reg-file';

/** The syndrome KVM gives an SError injected without one: ISS = IDS (bit 24), so ESR_EL1 reads
 *  0xBF000000 on delivery (kvm_inject_serror uses ESR_ELx_ISV). */
export const SERROR_DEFAULT_ISS = 0x01000000;

/** struct kvm_vcpu_events on arm64 (§13.1), field names as in the uapi header. */
export interface KvmVcpuEvents {
  /** exception.serror_pending @0 */
  serror_pending: number;
  /** exception.serror_has_esr @1 */
  serror_has_esr: number;
  /** exception.ext_dabt_pending @2 */
  ext_dabt_pending: number;
  /** exception.pad[5] @3 */
  pad: number[];
  /** exception.serror_esr @8 */
  serror_esr: bigint;
  /** reserved[12] @16 */
  reserved: number[];
}

const OFF_SERROR_PENDING = 0;
const OFF_SERROR_HAS_ESR = 1;
const OFF_EXT_DABT_PENDING = 2;
const OFF_PAD = 3;
const PAD_LEN = 5;
const OFF_SERROR_ESR = 8;
const OFF_RESERVED = 16;
const RESERVED_LEN = 12;

/** The 64 bytes of a struct kvm_vcpu_events. u8 fields keep their low 8 bits; missing pad and
 *  reserved entries are 0 (the server rejects out-of-range proto values before this). */
export function encodeVcpuEvents(ev: Partial<KvmVcpuEvents>): Uint8Array {
  const buf = new Uint8Array(KVM_VCPU_EVENTS_SIZE);
  const v = new DataView(buf.buffer);
  v.setUint8(OFF_SERROR_PENDING, ev.serror_pending ?? 0);
  v.setUint8(OFF_SERROR_HAS_ESR, ev.serror_has_esr ?? 0);
  v.setUint8(OFF_EXT_DABT_PENDING, ev.ext_dabt_pending ?? 0);
  (ev.pad ?? []).slice(0, PAD_LEN).forEach((b, i) => v.setUint8(OFF_PAD + i, b));
  v.setBigUint64(OFF_SERROR_ESR, BigInt.asUintN(64, ev.serror_esr ?? 0n), true);
  (ev.reserved ?? []).slice(0, RESERVED_LEN).forEach((w, i) => v.setUint32(OFF_RESERVED + 4 * i, w, true));
  return buf;
}

/** Parses the 64 bytes; EFAULT for any other length (the kernel copies exactly 64). */
export function decodeVcpuEvents(buf: Uint8Array): KvmVcpuEvents {
  check(
    buf.length === KVM_VCPU_EVENTS_SIZE,
    'EFAULT',
    `struct kvm_vcpu_events is ${KVM_VCPU_EVENTS_SIZE} bytes, got ${buf.length} (§13.1)`,
  );
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return {
    serror_pending: v.getUint8(OFF_SERROR_PENDING),
    serror_has_esr: v.getUint8(OFF_SERROR_HAS_ESR),
    ext_dabt_pending: v.getUint8(OFF_EXT_DABT_PENDING),
    pad: Array.from(buf.subarray(OFF_PAD, OFF_PAD + PAD_LEN)),
    serror_esr: v.getBigUint64(OFF_SERROR_ESR, true),
    reserved: Array.from({ length: RESERVED_LEN }, (_, i) => v.getUint32(OFF_RESERVED + 4 * i, true)),
  };
}

/**
 * KVM_GET_VCPU_EVENTS (§13.2): zeroed, then serror_pending from the pending SError,
 * serror_has_esr whenever the RAS syndrome is emulated (even with nothing pending), serror_esr
 * only when pending with has_esr. ext_dabt_pending always 0: an injected abort cannot be read back.
 */
export function getVcpuEvents(regs: RegFile, hasRasEsr: boolean = HOST.RAS_SERROR_ESR): Uint8Array {
  const pending = regs.u32[R_VSE] !== 0;
  return encodeVcpuEvents({
    serror_pending: pending ? 1 : 0,
    serror_has_esr: hasRasEsr ? 1 : 0,
    serror_esr: pending && hasRasEsr ? regs.get64(R_VSESR) : 0n,
  });
}

/**
 * KVM_SET_VCPU_EVENTS (§13.3). Validation, in the kernel's errno order: EFAULT (not 64 bytes);
 * EINVAL for non-zero reserved[] then pad[]; then, only if serror_pending, EINVAL for has_esr
 * without RAS and for an ESR outside ISS bits 24:0. Only then the effects: ext_dabt_pending makes
 * an external data abort pending (R_EXT_DABT); serror_pending makes an SError pending with
 * serror_esr (has_esr) or the IDS default. serror_pending = 0 leaves a pending SError alone (it
 * cannot be cancelled), and a later SError replaces the syndrome of a pending one.
 *
 * The kernel injects the data abort before the SError checks, so it can fail with EINVAL after
 * injecting; here a rejected call changes nothing. The errno is the same either way.
 */
export function setVcpuEvents(regs: RegFile, buf: Uint8Array, hasRasEsr: boolean = HOST.RAS_SERROR_ESR): void {
  const ev = decodeVcpuEvents(buf);
  check(ev.reserved.every((w) => w === 0), 'EINVAL', 'kvm_vcpu_events.reserved must be zero (§13.3)');
  check(ev.pad.every((b) => b === 0), 'EINVAL', 'kvm_vcpu_events.exception.pad must be zero (§13.3)');
  const serror = ev.serror_pending !== 0;
  const hasEsr = ev.serror_has_esr !== 0;
  if (serror && hasEsr) {
    check(hasRasEsr, 'EINVAL', 'serror_has_esr without the RAS extension (KVM_CAP_ARM_INJECT_SERROR_ESR = 0) (§13.3)');
    check(
      (ev.serror_esr & ~BigInt(ESR_ELx_ISS_MASK)) === 0n,
      'EINVAL',
      `serror_esr 0x${ev.serror_esr.toString(16)} has bits outside the ISS (24:0) (§13.3)`,
    );
  }
  if (ev.ext_dabt_pending !== 0) regs.u32[R_EXT_DABT] = 1;
  if (serror) {
    regs.set64(R_VSESR, hasEsr ? ev.serror_esr : BigInt(SERROR_DEFAULT_ISS));
    regs.u32[R_VSE] = 1;
  }
}
