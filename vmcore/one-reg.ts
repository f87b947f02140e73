/**
 * KVM_GET_ONE_REG / KVM_SET_ONE_REG / KVM_GET_REG_LIST (spec §6): register ids as the kernel
 * encodes them, values as little-endian bytes of the id's size, reaching the real register file
 * the CPU executes on.
 *
 * Dispatch follows arch/arm64/kvm/guest.c (kvm_arm_get_reg): the upper 32 bits (less the size)
 * must be KVM_REG_ARM64, then by coprocessor group: CORE, FW/FW_FEAT_BMAP, SVE, then the timer
 * pseudo-registers by exact id, then DEMUX and SYSREG through the system-register table.
 */
import { check, fail } from './errno';
import { KVM_ARM_VCPU_FEATURE } from './kvm-constants';
import { RegFile, R_X, R_SP_EL0, R_PC, R_PSTATE, R_SP_EL1, R_ELR_EL1, R_SPSR, R_V, R_FPSR, R_FPCR } from './cpu/reg-file';
import { SYSREGS, SYSREG_BY_ENCODING, SysReg, sysregWord } from './cpu/sysregs';
import { FwRegs, FW_REG_IDS } from './fw-regs';
import { VmCounter } from './vm-counter';

export const KVM_REG_ARM64 = 0x6000000000000000n;
export const KVM_REG_SIZE_SHIFT = 52n;
export const KVM_REG_SIZE_MASK = 0x00f0000000000000n;
export const KVM_REG_SIZE_U32 = 0x0020000000000000n;
export const KVM_REG_SIZE_U64 = 0x0030000000000000n;
export const KVM_REG_SIZE_U128 = 0x0040000000000000n;
export const KVM_REG_ARM_COPROC_MASK = 0x0fff0000n;
export const KVM_REG_ARM_CORE = 0x0010n << 16n;
export const KVM_REG_ARM_DEMUX = 0x0011n << 16n;
export const KVM_REG_ARM64_SYSREG = 0x0013n << 16n;
export const KVM_REG_ARM_FW = 0x0014n << 16n;
export const KVM_REG_ARM64_SVE = 0x0015n << 16n;
export const KVM_REG_ARM_FW_FEAT_BMAP = 0x0016n << 16n;

/** Timer pseudo-registers (§6.4): note CNT and CVAL use each other's architectural encodings. */
export const KVM_REG_ARM_TIMER_CTL = 0x603000000013df19n;
export const KVM_REG_ARM_TIMER_CNT = 0x603000000013df1an;
export const KVM_REG_ARM_TIMER_CVAL = 0x603000000013df02n;
export const KVM_REG_ARM_PTIMER_CTL = 0x603000000013df11n;
export const KVM_REG_ARM_PTIMER_CVAL = 0x603000000013df12n;
export const KVM_REG_ARM_PTIMER_CNT = 0x603000000013df01n;

/** DEMUX CCSIDR (§6.6). */
export const KVM_REG_ARM_DEMUX_ID_CCSIDR = 0x6020000000110000n;

/** sizeof(struct kvm_regs) / 4. */
const KVM_REGS_WORDS = 216;

/** Byte size encoded in a register id. */
export const regSize = (id: bigint): number => 1 << Number((id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);

/** Id of a core register from its kvm_regs word index and size. */
export const coreRegId = (index: number, size: bigint): bigint => KVM_REG_ARM64 | size | KVM_REG_ARM_CORE | BigInt(index);
export const sysregId = (encoding: number): bigint => KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG | BigInt(encoding);

/**
 * struct kvm_regs as (index, size, register-file word) rows (§6.2): the 75 core registers.
 * Index = byte offset / 4. The register file keeps the same order, so word = the field's slot.
 */
interface CoreReg { index: number; size: number; word: number; name: string }
const CORE_REGS: CoreReg[] = (() => {
  const rows: CoreReg[] = [];
  for (let n = 0; n < 31; n++) rows.push({ index: 2 * n, size: 8, word: R_X + 2 * n, name: `X${n}` });
  rows.push({ index: 0x3e, size: 8, word: R_SP_EL0, name: 'SP_EL0' });
  rows.push({ index: 0x40, size: 8, word: R_PC, name: 'PC' });
  rows.push({ index: 0x42, size: 8, word: R_PSTATE, name: 'PSTATE' });
  rows.push({ index: 0x44, size: 8, word: R_SP_EL1, name: 'SP_EL1' });
  rows.push({ index: 0x46, size: 8, word: R_ELR_EL1, name: 'ELR_EL1' });
  for (let k = 0; k < 5; k++) rows.push({ index: 0x48 + 2 * k, size: 8, word: R_SPSR + 2 * k, name: `SPSR[${k}]` });
  for (let n = 0; n < 32; n++) rows.push({ index: 0x54 + 4 * n, size: 16, word: R_V + 4 * n, name: `V${n}` });
  rows.push({ index: 0xd4, size: 4, word: R_FPSR, name: 'FPSR' });
  rows.push({ index: 0xd5, size: 4, word: R_FPCR, name: 'FPCR' });
  return rows;
})();
const CORE_BY_INDEX = new Map(CORE_REGS.map((r) => [r.index, r]));
const SIZE_BITS: Record<number, bigint> = { 4: KVM_REG_SIZE_U32, 8: KVM_REG_SIZE_U64, 16: KVM_REG_SIZE_U128 };
export const CORE_REG_IDS: readonly bigint[] = CORE_REGS.map((r) => coreRegId(r.index, SIZE_BITS[r.size]));

const TIMER_REG_IDS = [
  KVM_REG_ARM_TIMER_CTL, KVM_REG_ARM_TIMER_CNT, KVM_REG_ARM_TIMER_CVAL,
  KVM_REG_ARM_PTIMER_CTL, KVM_REG_ARM_PTIMER_CNT, KVM_REG_ARM_PTIMER_CVAL,
];

/** CSSELR values with a cache and their CCSIDR. CLIDR_EL1 (host-choices.ts) declares separate
 *  level-1 data (CSSELR 0) and instruction (CSSELR 1) caches: 64-byte lines (LineSize 2),
 *  4 ways, 256 sets = 64 KiB each. */
const L1_CCSIDR = (255n << 13n) | (3n << 3n) | 2n;
const CCSIDR: ReadonlyMap<number, bigint> = new Map([[0, L1_CCSIDR], [1, L1_CCSIDR]]);

/** PSTATE.M values valid for an AArch64 EL1 vCPU without EL2 (§6.2): EL0t, EL1t, EL1h. */
const VALID_MODES = new Set([0x0, 0x4, 0x5]);
const PSR_MODE32_BIT = 0x10n;

/** What ONE_REG needs from the vCPU and its VM. */
export interface OneRegVcpu {
  readonly regs: RegFile;
  hasFeature(bit: number): boolean;
  readonly vm: {
    hasRun(): boolean;
    readonly writableImpIdRegs: boolean;
    readonly fw: FwRegs;
    readonly counter: VmCounter;
  };
}

const le = (v: bigint, bytes: number): Uint8Array => {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
};
const fromLe = (b: Uint8Array): bigint => {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
};

function checkArch(id: bigint): void {
  // "We currently use nothing arch-specific in upper 32 bits" (guest.c): anything but
  // KVM_REG_ARM64 there (size aside) is EINVAL.
  check(((id & ~KVM_REG_SIZE_MASK) >> 32n) === KVM_REG_ARM64 >> 32n, 'EINVAL', `register id 0x${id.toString(16)} is not an arm64 id`);
}

function coreReg(v: OneRegVcpu, id: bigint): CoreReg {
  // core_reg_offset_from_id: the id less arch, size and the CORE group bits (bits 31:28 stay in).
  const off = Number(id & 0xffffffffn & ~KVM_REG_ARM_CORE);
  const size = regSize(id);
  // validate_core_offset / core_reg_offset_from_id (guest.c).
  check(off < KVM_REGS_WORDS && off + size / 4 < KVM_REGS_WORDS, 'ENOENT', `core offset 0x${off.toString(16)} is outside struct kvm_regs`);
  const r = CORE_BY_INDEX.get(off);
  check(r !== undefined, 'EINVAL', `core offset 0x${off.toString(16)} is padding or not a register start`);
  check(r.size === size, 'EINVAL', `${r.name} is ${r.size} bytes, the id says ${size}`);
  if (r.size === 16) check(!v.hasFeature(KVM_ARM_VCPU_FEATURE.KVM_ARM_VCPU_SVE), 'EINVAL', 'V registers are reached through SVE Z registers');
  return r;
}

function sysreg(id: bigint): SysReg {
  // index_to_params: a SYSREG id must be U64 with no bits outside op0..op2.
  check((id & KVM_REG_SIZE_MASK) === KVM_REG_SIZE_U64 && (id & KVM_REG_ARM_COPROC_MASK) === KVM_REG_ARM64_SYSREG && (id & 0xffff0000n & ~KVM_REG_ARM_COPROC_MASK & 0xffffffffn) === 0n,
    'ENOENT', `no system register with id 0x${id.toString(16)}`);
  const r = SYSREG_BY_ENCODING.get(Number(id & 0xffffn));
  check(r !== undefined && r.oneReg, 'ENOENT', `no system register with id 0x${id.toString(16)}`);
  return r;
}

const W_CNTV_CTL = sysregWord('CNTV_CTL_EL0');
const W_CNTV_CVAL = sysregWord('CNTV_CVAL_EL0');
const W_CNTP_CTL = sysregWord('CNTP_CTL_EL0');
const W_CNTP_CVAL = sysregWord('CNTP_CVAL_EL0');
const TIMER_WORD: ReadonlyMap<bigint, number> = new Map([
  [KVM_REG_ARM_TIMER_CTL, W_CNTV_CTL], [KVM_REG_ARM_TIMER_CVAL, W_CNTV_CVAL],
  [KVM_REG_ARM_PTIMER_CTL, W_CNTP_CTL], [KVM_REG_ARM_PTIMER_CVAL, W_CNTP_CVAL],
]);

/** KVM_GET_ONE_REG. The caller has checked the vCPU is initialised (ENOEXEC). */
export function getOneReg(v: OneRegVcpu, id: bigint): Uint8Array {
  checkArch(id);
  const group = id & KVM_REG_ARM_COPROC_MASK;
  if (group === KVM_REG_ARM_CORE) {
    const r = coreReg(v, id);
    return v.regs.readBytes(r.word, r.size);
  }
  if (group === KVM_REG_ARM_FW || group === KVM_REG_ARM_FW_FEAT_BMAP) return le(v.vm.fw.get(id, v), 8);
  if (group === KVM_REG_ARM64_SVE) fail('ENOENT', 'SVE is not offered (KVM_CAP_ARM_SVE = 0)');
  if (TIMER_REG_IDS.includes(id)) {
    if (id === KVM_REG_ARM_TIMER_CNT) return le(v.vm.counter.virtualCount(), 8);
    if (id === KVM_REG_ARM_PTIMER_CNT) return le(v.vm.counter.physicalCount(), 8);
    return le(v.regs.get64(TIMER_WORD.get(id)!), 8);
  }
  if (group === KVM_REG_ARM_DEMUX) {
    const ccsidr = demux(id);
    return le(ccsidr, 4);
  }
  const r = sysreg(id);
  return le(v.regs.get64(r.word), 8);
}

function demux(id: bigint): bigint {
  check((id & KVM_REG_SIZE_MASK) === KVM_REG_SIZE_U32 && (id & 0xf000ff00n) === 0n, 'ENOENT', `no DEMUX register with id 0x${id.toString(16)}`);
  const c = CCSIDR.get(Number(id & 0xffn));
  check(c !== undefined, 'ENOENT', `CSSELR 0x${(id & 0xffn).toString(16)} selects no cache`);
  return c;
}

/** ID-register fields whose encoding is signed (0xF = not implemented): a write may not raise
 *  them either (ARM ARM D19.1.3; KVM's arm64_ftr_bits FTR_SIGNED). [register, shift] pairs. */
const SIGNED_FIELDS: ReadonlyMap<string, readonly number[]> = new Map([
  ['ID_AA64PFR0_EL1', [16, 20]],
  ['ID_AA64MMFR0_EL1', [24, 28]],
]);

function idFieldsSafe(r: SysReg, limit: bigint, val: bigint): boolean {
  const signed = SIGNED_FIELDS.get(r.name) ?? [];
  for (let s = 0; s < 64; s += 4) {
    let c = Number((limit >> BigInt(s)) & 0xfn);
    let n = Number((val >> BigInt(s)) & 0xfn);
    if (signed.includes(s)) {
      c = c >= 8 ? c - 16 : c;
      n = n >= 8 ? n - 16 : n;
    }
    if (n > c) return false;
  }
  return true;
}

/** KVM_SET_ONE_REG. Validates fully before writing anything. */
export function setOneReg(v: OneRegVcpu, id: bigint, value: Uint8Array): void {
  checkArch(id);
  const size = regSize(id);
  const group = id & KVM_REG_ARM_COPROC_MASK;
  const need = (n: number): void => check(value.length === n, 'EFAULT', `value is ${value.length} bytes, the register is ${n}`);
  if (group === KVM_REG_ARM_CORE) {
    const r = coreReg(v, id);
    need(r.size);
    if (r.word === R_PSTATE) {
      const p = fromLe(value);
      check((p & PSR_MODE32_BIT) === 0n, 'EINVAL', 'AArch32 modes are not offered (KVM_CAP_ARM_EL1_32BIT = 0)');
      check(VALID_MODES.has(Number(p & 0xfn)), 'EINVAL', `PSTATE mode 0x${(p & 0xfn).toString(16)} is not valid for an EL1 vCPU`);
    }
    v.regs.writeBytes(r.word, value);
    return;
  }
  if (group === KVM_REG_ARM_FW || group === KVM_REG_ARM_FW_FEAT_BMAP) {
    need(size);
    v.vm.fw.set(id, fromLe(value), v);
    return;
  }
  if (group === KVM_REG_ARM64_SVE) fail('ENOENT', 'SVE is not offered (KVM_CAP_ARM_SVE = 0)');
  if (TIMER_REG_IDS.includes(id)) {
    need(8);
    const val = fromLe(value);
    if (id === KVM_REG_ARM_TIMER_CNT) v.vm.counter.setVirtualCount(val);
    else if (id === KVM_REG_ARM_PTIMER_CNT) v.vm.counter.setPhysicalCount(val);
    else v.regs.set64(TIMER_WORD.get(id)!, val);
    return;
  }
  if (group === KVM_REG_ARM_DEMUX) {
    const cur = demux(id);
    need(4);
    // CCSIDR values are fixed by the emulated cache geometry.
    check(fromLe(value) === cur, 'EINVAL', 'CCSIDR does not match the emulated cache geometry');
    return;
  }
  const r = sysreg(id);
  need(8);
  const val = fromLe(value);
  const cur = v.regs.get64(r.word);
  if (val === cur) return; // writing the current value always succeeds (§6.1 EBUSY note)
  switch (r.kind) {
    case 'id':
      check(!v.vm.hasRun(), 'EBUSY', `${r.name} is frozen once the VM has run`);
      // arm64_check_features compares with what the host offers (the reset value), not with the
      // current value: a lowered field may be raised back up to it.
      check(idFieldsSafe(r, r.reset, val), 'EINVAL', `${r.name} = 0x${val.toString(16)} claims more than is implemented`);
      break;
    case 'imp':
      check(v.vm.writableImpIdRegs, 'EINVAL', `${r.name} is writable only with KVM_CAP_ARM_WRITABLE_IMP_ID_REGS`);
      check(!v.vm.hasRun(), 'EBUSY', `${r.name} is frozen once the VM has run`);
      break;
    case 'ro':
      fail('EINVAL', `${r.name} cannot be changed`);
  }
  v.regs.set64(r.word, val);
}

/** KVM_GET_REG_LIST order (§6.7): core, firmware, timer, DEMUX, then system registers by encoding. */
export function regList(): bigint[] {
  return [
    ...CORE_REG_IDS,
    ...FW_REG_IDS,
    ...TIMER_REG_IDS,
    ...[...CCSIDR.keys()].map((c) => KVM_REG_ARM_DEMUX_ID_CCSIDR | BigInt(c)),
    ...SYSREGS.filter((r) => r.oneReg).sort((a, b) => a.encoding - b.encoding).map((r) => sysregId(r.encoding)),
  ];
}

/** Resets the system registers to their table values (part of KVM_ARM_VCPU_INIT). */
export function resetSysregs(regs: RegFile): void {
  for (const r of SYSREGS) regs.set64(r.word, r.reset);
}
