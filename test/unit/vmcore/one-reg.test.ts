/**
 * KVM_GET_ONE_REG / KVM_SET_ONE_REG / KVM_GET_REG_LIST on the register file (spec §6; linux
 * arch/arm64/kvm/guest.c kvm_arm_get_reg, validate_core_offset, set_core_reg; sys_regs.c
 * index_to_params, demux_c15_get, set_id_reg, set_imp_id_reg). These call vmcore/one-reg.ts
 * directly on a fake vCPU, so every id of a grid can be tried; the gRPC round trips are in
 * test/integration/vcpu-regs.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CORE_REG_IDS, KVM_REG_ARM_DEMUX_ID_CCSIDR, KVM_REG_ARM_PTIMER_CNT, KVM_REG_ARM_PTIMER_CTL, KVM_REG_ARM_PTIMER_CVAL,
  KVM_REG_ARM_TIMER_CNT, KVM_REG_ARM_TIMER_CTL, KVM_REG_ARM_TIMER_CVAL, coreRegId, getOneReg, regList, regSize,
  resetSysregs, setOneReg, sysregId, KVM_REG_SIZE_U32, KVM_REG_SIZE_U64, KVM_REG_SIZE_U128,
} from '../../../vmcore/one-reg';
import { RegFile, R_PSTATE } from '../../../vmcore/cpu/reg-file';
import { SYSREG_BY_NAME, SYSREGS, sysregEncoding, sysregWord } from '../../../vmcore/cpu/sysregs';
import { FwRegs, FW_REG_IDS, KVM_REG_ARM_PSCI_VERSION } from '../../../vmcore/fw-regs';
import { VmCounter } from '../../../vmcore/vm-counter';
import { HOST } from '../../../vmcore/host-choices';
import { errnoOf, fromLe, le32, le64, throwsErrno } from './fake-ports';

const PSCI_0_2 = 2;
const SVE = 4;
const TICKS_PER_MS = BigInt(HOST.CNTFRQ / 1000);

function mk(features = 1 << PSCI_0_2) {
  const regs = new RegFile();
  resetSysregs(regs);
  regs.set64(R_PSTATE, 0x3c5n);
  const vm = {
    ran: false,
    writableImpIdRegs: false,
    fw: new FwRegs(),
    counter: new VmCounter(),
    hasRun(): boolean {
      return this.ran;
    },
  };
  const v = {
    regs,
    vm,
    features,
    hasFeature(bit: number): boolean {
      return (this.features & (1 << bit)) !== 0;
    },
  };
  const get = (id: bigint): bigint => fromLe(getOneReg(v, id));
  const set = (id: bigint, val: bigint): void => setOneReg(v, id, sized(id, val));
  return { v, vm, regs, get, set };
}

/** val as little-endian bytes of the id's size. */
function sized(id: bigint, val: bigint): Uint8Array {
  const n = regSize(id);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Number((val >> BigInt(8 * i)) & 0xffn);
  return b;
}

const SIZE = (log2: number): bigint => BigInt(log2) << 52n;
const CORE = (index: number, size: bigint): bigint => 0x6000000000100000n | size | BigInt(index);
const hex = (v: bigint): string => `0x${v.toString(16)}`;

// -- id parsing ---------------------------------------------------------------------------------

test('anything but KVM_REG_ARM64 in the upper 32 bits (size aside) is EINVAL, in every group', () => {
  const { v } = mk();
  const ids = [CORE(0, KVM_REG_SIZE_U64), sysregId(0xc080), KVM_REG_ARM_PSCI_VERSION, KVM_REG_ARM_DEMUX_ID_CCSIDR, KVM_REG_ARM_TIMER_CTL, 0x6080000000150000n];
  const spoil = [0x1000000000000000n, 0x0100000000000000n, 0x0001000000000000n, 0x0000000100000000n, 0x0000008000000000n];
  for (const id of ids) {
    for (const s of spoil) {
      const bad = id ^ s;
      throwsErrno(() => getOneReg(v, bad), 'EINVAL', hex(bad));
      throwsErrno(() => setOneReg(v, bad, new Uint8Array(regSize(bad))), 'EINVAL', hex(bad));
    }
    const noArch = id & ~0xff00000000000000n;
    throwsErrno(() => getOneReg(v, noArch), 'EINVAL', hex(noArch));
  }
});

test('regSize: 1 << the size field', () => {
  for (let s = 0; s <= 8; s++) assert.is(regSize(0x6000000000100000n | SIZE(s)), 1 << s);
  assert.is(regSize(KVM_REG_SIZE_U32), 4);
  assert.is(regSize(KVM_REG_SIZE_U64), 8);
  assert.is(regSize(KVM_REG_SIZE_U128), 16);
});

// -- core registers (§6.2) ----------------------------------------------------------------------

test('the 75 core ids: 41 U64, 32 U128, 2 U32, at the §6.2 indices', () => {
  assert.is(CORE_REG_IDS.length, 75);
  const bySize = (s: bigint) => CORE_REG_IDS.filter((id) => (id & 0x00f0000000000000n) === s).length;
  assert.is(bySize(KVM_REG_SIZE_U64), 41);
  assert.is(bySize(KVM_REG_SIZE_U128), 32);
  assert.is(bySize(KVM_REG_SIZE_U32), 2);
  const expected: bigint[] = [];
  for (let n = 0; n < 31; n++) expected.push(0x6030000000100000n + 2n * BigInt(n)); // X0..X30
  expected.push(0x603000000010003en, 0x6030000000100040n, 0x6030000000100042n, 0x6030000000100044n, 0x6030000000100046n);
  for (let k = 0; k < 5; k++) expected.push(0x6030000000100048n + 2n * BigInt(k)); // SPSR[0..4]
  for (let n = 0; n < 32; n++) expected.push(0x6040000000100054n + 4n * BigInt(n)); // V0..V31
  expected.push(0x60200000001000d4n, 0x60200000001000d5n);
  assert.equal([...CORE_REG_IDS], expected);
  assert.is(coreRegId(0x3c, KVM_REG_SIZE_U64), 0x603000000010003cn, 'X30');
  assert.is(coreRegId(0xd0, KVM_REG_SIZE_U128), 0x60400000001000d0n, 'V31');
});

test('core offsets, every index 0..0xff × every size: ENOENT outside kvm_regs, EINVAL off a register start or wrong size', () => {
  // guest.c: off >= nr_regs || off + size/4 >= nr_regs -> ENOENT (nr_regs = 864/4 = 216); then
  // core_reg_size_from_offset / the size compare -> EINVAL.
  const NR = 216;
  const starts = new Map(CORE_REG_IDS.map((id) => [Number(id & 0xffffn), regSize(id)]));
  const { v } = mk();
  for (let off = 0; off < 0x100; off++) {
    for (let s = 0; s <= 8; s++) {
      const id = CORE(off, SIZE(s));
      const size = 1 << s;
      const expect = off >= NR || off + Math.floor(size / 4) >= NR ? 'ENOENT' : starts.get(off) === size ? 'OK' : 'EINVAL';
      assert.is(errnoOf(() => getOneReg(v, id)), expect, `get ${hex(id)}`);
      if (expect !== 'OK') assert.is(errnoOf(() => setOneReg(v, id, new Uint8Array(size))), expect, `set ${hex(id)}`);
    }
  }
});

test('core: bits 31:28 of the index stay in the offset (ENOENT), and the padding words 0x52/0x53 and 0xd6/0xd7 are not registers', () => {
  const { v } = mk();
  throwsErrno(() => getOneReg(v, 0x6030000010100000n), 'ENOENT');
  throwsErrno(() => getOneReg(v, 0x6030000080100040n), 'ENOENT');
  throwsErrno(() => getOneReg(v, CORE(0x52, KVM_REG_SIZE_U64)), 'EINVAL', 'the padding after SPSR[4]');
  throwsErrno(() => getOneReg(v, CORE(0x53, KVM_REG_SIZE_U32)), 'EINVAL');
  throwsErrno(() => getOneReg(v, CORE(0xd6, KVM_REG_SIZE_U32)), 'EINVAL', 'fp_regs.__reserved');
  throwsErrno(() => getOneReg(v, CORE(0xd6, KVM_REG_SIZE_U64)), 'ENOENT', '0xd6 + 2 reaches the end');
  throwsErrno(() => getOneReg(v, CORE(0xd7, KVM_REG_SIZE_U32)), 'ENOENT');
});

test('core: each register round-trips its own bytes; SPSR[0..4] are five separate registers', () => {
  const { v } = mk();
  CORE_REG_IDS.forEach((id, i) => {
    if (id === 0x6030000000100042n) return; // PSTATE is validated below
    const bytes = Uint8Array.from({ length: regSize(id) }, (_, k) => (i * 7 + k * 13 + 1) & 0xff);
    setOneReg(v, id, bytes);
    assert.equal(getOneReg(v, id), bytes, hex(id));
  });
  // Nothing overlapped: read them all again.
  CORE_REG_IDS.forEach((id, i) => {
    if (id === 0x6030000000100042n) return;
    const bytes = Uint8Array.from({ length: regSize(id) }, (_, k) => (i * 7 + k * 13 + 1) & 0xff);
    assert.equal(getOneReg(v, id), bytes, `${hex(id)} after all writes`);
  });
  const { v: w, get, set } = mk();
  for (let k = 0; k < 5; k++) set(CORE(0x48 + 2 * k, KVM_REG_SIZE_U64), 0x100n + BigInt(k));
  for (let k = 0; k < 5; k++) assert.is(get(CORE(0x48 + 2 * k, KVM_REG_SIZE_U64)), 0x100n + BigInt(k), `SPSR[${k}]`);
  assert.is(getOneReg(w, CORE(0x48, KVM_REG_SIZE_U64)).length, 8);
});

test('core: a value of the wrong length is EFAULT and changes nothing', () => {
  const { v, get, set } = mk();
  set(CORE(2, KVM_REG_SIZE_U64), 0x1111n);
  throwsErrno(() => setOneReg(v, CORE(2, KVM_REG_SIZE_U64), new Uint8Array(4)), 'EFAULT');
  throwsErrno(() => setOneReg(v, CORE(0x54, KVM_REG_SIZE_U128), new Uint8Array(8)), 'EFAULT');
  throwsErrno(() => setOneReg(v, CORE(0xd4, KVM_REG_SIZE_U32), new Uint8Array(8)), 'EFAULT');
  assert.is(get(CORE(2, KVM_REG_SIZE_U64)), 0x1111n);
});

test('core: with SVE the V registers are not reachable through CORE (EINVAL); the rest are', () => {
  const { v } = mk((1 << PSCI_0_2) | (1 << SVE));
  for (let n = 0; n < 32; n++) {
    throwsErrno(() => getOneReg(v, CORE(0x54 + 4 * n, KVM_REG_SIZE_U128)), 'EINVAL', `V${n}`);
    throwsErrno(() => setOneReg(v, CORE(0x54 + 4 * n, KVM_REG_SIZE_U128), new Uint8Array(16)), 'EINVAL', `V${n}`);
  }
  assert.is(getOneReg(v, CORE(0xd4, KVM_REG_SIZE_U32)).length, 4, 'FPSR stays');
  assert.is(getOneReg(v, CORE(0, KVM_REG_SIZE_U64)).length, 8);
});

test('PSTATE: M[4:0] 0 (EL0t), 4 (EL1t), 5 (EL1h) are valid; EL2t/EL2h (no EL2), AArch32 modes and reserved modes are EINVAL', () => {
  const PSTATE = CORE(0x42, KVM_REG_SIZE_U64);
  const { v, get, set } = mk();
  for (let m = 0; m < 0x20; m++) {
    const val = 0x3c0n | BigInt(m);
    const ok = m === 0 || m === 4 || m === 5;
    assert.is(errnoOf(() => set(PSTATE, val)), ok ? 'OK' : 'EINVAL', `mode 0x${m.toString(16)}`);
    if (ok) assert.is(get(PSTATE), val);
  }
  set(PSTATE, 0x3c5n);
  for (const bad of [0x8n, 0x9n, 0x10n, 0x13n, 0x1fn]) {
    throwsErrno(() => set(PSTATE, 0x3c0n | bad), 'EINVAL');
    assert.is(get(PSTATE), 0x3c5n, 'a rejected PSTATE changes nothing');
  }
  // Only the mode is checked: flags, DAIF and the upper word pass.
  set(PSTATE, 0xf00003c4n);
  assert.is(get(PSTATE), 0xf00003c4n);
  set(PSTATE, 0x0n);
  assert.is(fromLe(getOneReg(v, PSTATE)), 0n);
});

// -- system registers (§6.3) --------------------------------------------------------------------

const EXAMPLES: Array<[string, number, number, number, number, number, bigint]> = [
  ['MIDR_EL1', 3, 0, 0, 0, 0, 0x603000000013c000n],
  ['MPIDR_EL1', 3, 0, 0, 0, 5, 0x603000000013c005n],
  ['ID_AA64PFR0_EL1', 3, 0, 0, 4, 0, 0x603000000013c020n],
  ['ID_AA64MMFR0_EL1', 3, 0, 0, 7, 0, 0x603000000013c038n],
  ['SCTLR_EL1', 3, 0, 1, 0, 0, 0x603000000013c080n],
  ['CPACR_EL1', 3, 0, 1, 0, 2, 0x603000000013c082n],
  ['TTBR0_EL1', 3, 0, 2, 0, 0, 0x603000000013c100n],
  ['TTBR1_EL1', 3, 0, 2, 0, 1, 0x603000000013c101n],
  ['TCR_EL1', 3, 0, 2, 0, 2, 0x603000000013c102n],
  ['AFSR0_EL1', 3, 0, 5, 1, 0, 0x603000000013c288n],
  ['ESR_EL1', 3, 0, 5, 2, 0, 0x603000000013c290n],
  ['FAR_EL1', 3, 0, 6, 0, 0, 0x603000000013c300n],
  ['PAR_EL1', 3, 0, 7, 4, 0, 0x603000000013c3a0n],
  ['MAIR_EL1', 3, 0, 10, 2, 0, 0x603000000013c510n],
  ['AMAIR_EL1', 3, 0, 10, 3, 0, 0x603000000013c518n],
  ['VBAR_EL1', 3, 0, 12, 0, 0, 0x603000000013c600n],
  ['CONTEXTIDR_EL1', 3, 0, 13, 0, 1, 0x603000000013c681n],
  ['TPIDR_EL1', 3, 0, 13, 0, 4, 0x603000000013c684n],
  ['CNTKCTL_EL1', 3, 0, 14, 1, 0, 0x603000000013c708n],
  ['TPIDR_EL0', 3, 3, 13, 0, 2, 0x603000000013de82n],
  ['TPIDRRO_EL0', 3, 3, 13, 0, 3, 0x603000000013de83n],
];

test('sysreg ids: the §6.3 formula gives every example id; each is listed and reaches its register', () => {
  const list = new Set(regList());
  const { v, regs } = mk();
  for (const [name, op0, op1, crn, crm, op2, id] of EXAMPLES) {
    assert.is(sysregId(sysregEncoding(op0, op1, crn, crm, op2)), id, name);
    const r = SYSREG_BY_NAME.get(name)!;
    assert.ok(r, name);
    assert.is(sysregId(r.encoding), id, `${name} in the table`);
    assert.ok(list.has(id), `${name} is listed`);
    regs.set64(r.word, 0x0123456789abcdefn);
    assert.is(fromLe(getOneReg(v, id)), 0x0123456789abcdefn, name);
  }
});

test('sysreg: a size other than U64 is ENOENT, as are unlisted encodings, stray index bits and unlisted table rows', () => {
  const { v } = mk();
  const sctlr = 0x603000000013c080n & 0xffffn;
  for (let s = 0; s <= 8; s++) {
    if (s === 3) continue;
    const id = 0x6000000000130000n | SIZE(s) | sctlr;
    throwsErrno(() => getOneReg(v, id), 'ENOENT', hex(id));
    throwsErrno(() => setOneReg(v, id, new Uint8Array(1 << s)), 'ENOENT', hex(id));
  }
  const unknown = [
    sysregId(sysregEncoding(3, 0, 0, 0, 1)), sysregId(sysregEncoding(3, 7, 15, 15, 7)), sysregId(sysregEncoding(0, 0, 0, 0, 0)),
    0x603000001013c080n, 0x603000008013c080n,
    // Rows the table keeps for MRS/MSR but ONE_REG does not reach (§6.4, §6.6): CNTFRQ_EL0 and
    // CNTVCT's own encodings are the timer pseudo-ids' business, CCSIDR is DEMUX.
    sysregId(sysregEncoding(3, 3, 14, 0, 0)), sysregId(sysregEncoding(3, 1, 0, 0, 0)),
  ];
  for (const id of unknown) {
    throwsErrno(() => getOneReg(v, id), 'ENOENT', hex(id));
    throwsErrno(() => setOneReg(v, id, new Uint8Array(8)), 'ENOENT', hex(id));
  }
  // ENOENT comes before the value-length check.
  throwsErrno(() => setOneReg(v, unknown[0], new Uint8Array(3)), 'ENOENT');
  throwsErrno(() => setOneReg(v, 0x603000000013c080n, new Uint8Array(4)), 'EFAULT');
});

test('SVE group (0x15): ENOENT, SVE is not offered', () => {
  const { v } = mk();
  for (const id of [0x6080000000150000n, 0x6050000000150400n, 0x606000000015ffffn]) {
    throwsErrno(() => getOneReg(v, id), 'ENOENT', hex(id));
    throwsErrno(() => setOneReg(v, id, new Uint8Array(regSize(id))), 'ENOENT', hex(id));
  }
});

// -- timer pseudo-registers (§6.4) --------------------------------------------------------------

test('timer ids are the swapped encodings: TIMER_CNT = CNTV_CVAL\'s, TIMER_CVAL = CNTVCT\'s', () => {
  assert.is(KVM_REG_ARM_TIMER_CTL, sysregId(sysregEncoding(3, 3, 14, 3, 1)));
  assert.is(KVM_REG_ARM_TIMER_CNT, sysregId(sysregEncoding(3, 3, 14, 3, 2)));
  assert.is(KVM_REG_ARM_TIMER_CVAL, sysregId(sysregEncoding(3, 3, 14, 0, 2)));
  assert.is(KVM_REG_ARM_PTIMER_CTL, sysregId(sysregEncoding(3, 3, 14, 2, 1)));
  assert.is(KVM_REG_ARM_PTIMER_CVAL, sysregId(sysregEncoding(3, 3, 14, 2, 2)));
  assert.is(KVM_REG_ARM_PTIMER_CNT, sysregId(sysregEncoding(3, 3, 14, 0, 1)));
  assert.equal(
    [KVM_REG_ARM_TIMER_CTL, KVM_REG_ARM_TIMER_CNT, KVM_REG_ARM_TIMER_CVAL, KVM_REG_ARM_PTIMER_CTL, KVM_REG_ARM_PTIMER_CVAL, KVM_REG_ARM_PTIMER_CNT],
    [0x603000000013df19n, 0x603000000013df1an, 0x603000000013df02n, 0x603000000013df11n, 0x603000000013df12n, 0x603000000013df01n],
  );
});

test('timer: CVAL/CTL reach CNTV_CVAL/CNTV_CTL and CNTP_*; the CNT ids reach the counters, not the compare values', () => {
  const { vm, regs, get, set } = mk();
  set(KVM_REG_ARM_TIMER_CVAL, 0x1234n);
  assert.is(regs.get64(sysregWord('CNTV_CVAL_EL0')), 0x1234n, 'TIMER_CVAL (0xDF02) is the virtual compare value');
  set(KVM_REG_ARM_TIMER_CTL, 1n);
  assert.is(regs.get64(sysregWord('CNTV_CTL_EL0')), 1n);
  set(KVM_REG_ARM_PTIMER_CVAL, 0x5678n);
  assert.is(regs.get64(sysregWord('CNTP_CVAL_EL0')), 0x5678n);
  set(KVM_REG_ARM_PTIMER_CTL, 3n);
  assert.is(regs.get64(sysregWord('CNTP_CTL_EL0')), 3n);
  for (const [id, val] of [[KVM_REG_ARM_TIMER_CVAL, 0x1234n], [KVM_REG_ARM_TIMER_CTL, 1n], [KVM_REG_ARM_PTIMER_CVAL, 0x5678n], [KVM_REG_ARM_PTIMER_CTL, 3n]] as const) {
    assert.is(get(id), val, hex(id));
  }

  const target = 0x0000_1234_0000_0000n;
  set(KVM_REG_ARM_TIMER_CNT, target);
  assert.is(regs.get64(sysregWord('CNTV_CVAL_EL0')), 0x1234n, 'TIMER_CNT (0xDF1A) did not touch CNTV_CVAL');
  const vcnt = get(KVM_REG_ARM_TIMER_CNT);
  assert.ok(vcnt >= target && vcnt - target < 100n * TICKS_PER_MS, `virtual count ${hex(vcnt)}`);
  assert.ok(vm.counter.virtualCount() - target < 100n * TICKS_PER_MS);
  const pcnt = get(KVM_REG_ARM_PTIMER_CNT);
  const host = vm.counter.physicalCount();
  assert.ok(host >= pcnt && host - pcnt < 100n * TICKS_PER_MS, 'PTIMER_CNT reads the physical counter');
  set(KVM_REG_ARM_PTIMER_CNT, 5n);
  const p = get(KVM_REG_ARM_PTIMER_CNT);
  assert.ok(p >= 5n && p < 5n + 100n * TICKS_PER_MS, `physical count ${p}`);
});

test('timer ids with another size are ENOENT; a value of the wrong length is EFAULT', () => {
  const { v } = mk();
  for (const id of [KVM_REG_ARM_TIMER_CTL, KVM_REG_ARM_TIMER_CNT, KVM_REG_ARM_TIMER_CVAL, KVM_REG_ARM_PTIMER_CNT]) {
    const u32 = (id & ~0x00f0000000000000n) | KVM_REG_SIZE_U32;
    throwsErrno(() => getOneReg(v, u32), 'ENOENT', hex(u32));
    throwsErrno(() => setOneReg(v, u32, new Uint8Array(4)), 'ENOENT', hex(u32));
    throwsErrno(() => setOneReg(v, id, new Uint8Array(4)), 'EFAULT', hex(id));
  }
});

// -- DEMUX (§6.6) -------------------------------------------------------------------------------

/** linux sys_regs.c is_valid_cache(): which CSSELR values CLIDR_EL1 describes (CSSELR_MAX = 14). */
function clidrDescribes(clidr: bigint, csselr: number): boolean {
  if (csselr >= 14) return false;
  const ctype = Number((clidr >> BigInt((csselr >> 1) * 3)) & 7n);
  const inD = (csselr & 1) === 1;
  switch (ctype) {
    case 1: return inD; // instruction cache only
    case 2: // data cache only
    case 4: return !inD; // unified
    case 3: return true; // separate instruction and data caches
    default: return false;
  }
}

test('DEMUX CCSIDR: answers exactly the CSSELR values CLIDR_EL1 describes (ENOENT for the others), as a U32', () => {
  const { v } = mk();
  const clidr = SYSREG_BY_NAME.get('CLIDR_EL1')!.reset;
  const described: number[] = [];
  for (let csselr = 0; csselr <= 0xff; csselr++) {
    const id = KVM_REG_ARM_DEMUX_ID_CCSIDR | BigInt(csselr);
    if (clidrDescribes(clidr, csselr)) {
      described.push(csselr);
      assert.is(errnoOf(() => getOneReg(v, id)), 'OK', `CSSELR ${csselr}: CLIDR 0x${clidr.toString(16)} describes this cache`);
    } else {
      throwsErrno(() => getOneReg(v, id), 'ENOENT', `CSSELR ${csselr}`);
      throwsErrno(() => setOneReg(v, id, le32(0)), 'ENOENT', `CSSELR ${csselr}`);
    }
  }
  assert.ok(described.includes(0), 'a level-1 data or unified cache');
});

test('DEMUX CCSIDR of CSSELR 0: 4 bytes, the same line size as CTR_EL0.DminLine', () => {
  const { v } = mk();
  const b = getOneReg(v, KVM_REG_ARM_DEMUX_ID_CCSIDR);
  assert.is(b.length, 4);
  const ccsidr = fromLe(b);
  const ctr = SYSREG_BY_NAME.get('CTR_EL0')!.reset;
  // CCSIDR.LineSize = log2(bytes) - 4; CTR_EL0.DminLine = log2(words).
  assert.is(Number(ccsidr & 7n) + 4, Number((ctr >> 16n) & 0xfn) + 2);
});

test('DEMUX: a size other than U32, a demux id other than CCSIDR, or stray index bits are ENOENT', () => {
  const { v } = mk();
  const bad = [
    0x6030000000110000n, 0x6010000000110000n, // sizes
    0x6020000000110100n, 0x6020000000118000n, // KVM_REG_ARM_DEMUX_ID_MASK 0xff00: only CCSIDR (0) exists
    0x6020000010110000n, 0x6020000080110000n, // bits 31:28 (demux_c15_get: "Fail if we have unknown bits set")
  ];
  for (const id of bad) {
    throwsErrno(() => getOneReg(v, id), 'ENOENT', hex(id));
    throwsErrno(() => setOneReg(v, id, new Uint8Array(regSize(id))), 'ENOENT', hex(id));
  }
});

test('DEMUX: writing the value it reads is accepted; another geometry is EINVAL; a wrong length EFAULT', () => {
  const { v } = mk();
  const cur = getOneReg(v, KVM_REG_ARM_DEMUX_ID_CCSIDR);
  setOneReg(v, KVM_REG_ARM_DEMUX_ID_CCSIDR, cur);
  throwsErrno(() => setOneReg(v, KVM_REG_ARM_DEMUX_ID_CCSIDR, le32(Number(fromLe(cur)) ^ 1)), 'EINVAL');
  throwsErrno(() => setOneReg(v, KVM_REG_ARM_DEMUX_ID_CCSIDR, new Uint8Array(8)), 'EFAULT');
  assert.equal(getOneReg(v, KVM_REG_ARM_DEMUX_ID_CCSIDR), cur);
});

// -- ID registers (§6.3) ------------------------------------------------------------------------

const ID = (name: string): bigint => sysregId(SYSREG_BY_NAME.get(name)!.encoding);
const RESET = (name: string): bigint => SYSREG_BY_NAME.get(name)!.reset;
const withField = (v: bigint, shift: number, f: number): bigint => (v & ~(0xfn << BigInt(shift))) | (BigInt(f) << BigInt(shift));

test('ID registers: lowering a field is accepted, raising one past what is implemented is EINVAL and changes nothing', () => {
  const { get, set } = mk();
  const mmfr0 = RESET('ID_AA64MMFR0_EL1');
  assert.is(get(ID('ID_AA64MMFR0_EL1')), mmfr0);
  throwsErrno(() => set(ID('ID_AA64MMFR0_EL1'), withField(mmfr0, 0, 5)), 'EINVAL', 'PARange 48 bits');
  throwsErrno(() => set(ID('ID_AA64MMFR0_EL1'), withField(mmfr0, 4, 3)), 'EINVAL', 'ASIDBits');
  assert.is(get(ID('ID_AA64MMFR0_EL1')), mmfr0);
  set(ID('ID_AA64MMFR0_EL1'), withField(mmfr0, 0, 0));
  assert.is(get(ID('ID_AA64MMFR0_EL1')), withField(mmfr0, 0, 0));
  set(ID('ID_AA64MMFR0_EL1'), mmfr0); // back up to what is implemented

  const isar0 = RESET('ID_AA64ISAR0_EL1');
  set(ID('ID_AA64ISAR0_EL1'), withField(isar0, 20, 0)); // no LSE atomics
  throwsErrno(() => set(ID('ID_AA64ISAR0_EL1'), withField(isar0, 20, 3)), 'EINVAL', 'Atomic 3');
  throwsErrno(() => set(ID('ID_AA64ISAR0_EL1'), isar0 | (1n << 4n)), 'EINVAL', 'AES');
  // All-zero ID registers (AArch32, ISAR1...) accept only zero.
  for (const name of ['ID_PFR0_EL1', 'ID_AA64ISAR1_EL1', 'MVFR0_EL1', 'ID_AA64ZFR0_EL1']) {
    set(ID(name), 0n);
    for (const shift of [0, 28, 60]) throwsErrno(() => set(ID(name), 1n << BigInt(shift)), 'EINVAL', `${name} bit ${shift}`);
  }
});

test('ID registers: signed fields compare signed — FP/AdvSIMD 0xF cannot become 0, TGran4 0 may become 0xF, TGran64 0xF cannot become 0', () => {
  const { get, set } = mk();
  const pfr0 = RESET('ID_AA64PFR0_EL1');
  assert.is((pfr0 >> 16n) & 0xffn, 0xffn, 'FP and AdvSIMD read 0xF (not implemented)');
  for (const shift of [16, 20]) {
    for (const f of [0, 1, 7]) throwsErrno(() => set(ID('ID_AA64PFR0_EL1'), withField(pfr0, shift, f)), 'EINVAL', `PFR0[${shift + 3}:${shift}] = ${f}`);
  }
  assert.is(get(ID('ID_AA64PFR0_EL1')), pfr0);

  const mmfr0 = RESET('ID_AA64MMFR0_EL1');
  assert.is(Number((mmfr0 >> 28n) & 0xfn), 0, 'TGran4 = 0: supported');
  assert.is(Number((mmfr0 >> 24n) & 0xfn), 0xf, 'TGran64 = 0xF: not supported');
  assert.is(Number((mmfr0 >> 20n) & 0xfn), 0, 'TGran16 = 0: not supported (unsigned field)');
  set(ID('ID_AA64MMFR0_EL1'), withField(mmfr0, 28, 0xf)); // -1 < 0: lower
  assert.is(get(ID('ID_AA64MMFR0_EL1')), withField(mmfr0, 28, 0xf));
  set(ID('ID_AA64MMFR0_EL1'), mmfr0);
  for (const f of [0, 1, 2]) throwsErrno(() => set(ID('ID_AA64MMFR0_EL1'), withField(mmfr0, 24, f)), 'EINVAL', `TGran64 = ${f}`);
  for (const f of [1, 2, 0xf]) throwsErrno(() => set(ID('ID_AA64MMFR0_EL1'), withField(mmfr0, 20, f)), 'EINVAL', `TGran16 = ${f} (unsigned)`);
});

test('ID registers after the VM ran: a changed value is EBUSY (before any EINVAL), the same value is accepted', () => {
  const { vm, get, set } = mk();
  const mmfr0 = RESET('ID_AA64MMFR0_EL1');
  const lowered = withField(mmfr0, 0, 1);
  set(ID('ID_AA64MMFR0_EL1'), lowered);
  vm.ran = true;
  throwsErrno(() => set(ID('ID_AA64MMFR0_EL1'), mmfr0), 'EBUSY');
  throwsErrno(() => set(ID('ID_AA64MMFR0_EL1'), withField(mmfr0, 0, 5)), 'EBUSY', 'EBUSY beats the EINVAL of a raise');
  set(ID('ID_AA64MMFR0_EL1'), lowered);
  assert.is(get(ID('ID_AA64MMFR0_EL1')), lowered);
  for (const r of SYSREGS.filter((x) => x.kind === 'id' && x.oneReg)) {
    set(sysregId(r.encoding), get(sysregId(r.encoding)));
    throwsErrno(() => set(sysregId(r.encoding), get(sysregId(r.encoding)) ^ 1n), 'EBUSY', r.name);
  }
});

test('MIDR/REVIDR/AIDR: EINVAL without KVM_CAP_ARM_WRITABLE_IMP_ID_REGS, writable with it, EBUSY once the VM ran; the current value always passes', () => {
  for (const name of ['MIDR_EL1', 'REVIDR_EL1', 'AIDR_EL1']) {
    const { vm, get, set } = mk();
    const id = ID(name);
    const cur = get(id);
    assert.is(cur, RESET(name), name);
    set(id, cur);
    throwsErrno(() => set(id, cur ^ 0x10n), 'EINVAL', `${name} without the cap`);
    vm.ran = true;
    throwsErrno(() => set(id, cur ^ 0x10n), 'EINVAL', `${name}: the cap check comes before EBUSY`);
    vm.ran = false;
    vm.writableImpIdRegs = true;
    set(id, 0x410fd083n);
    assert.is(get(id), 0x410fd083n, name);
    vm.ran = true;
    throwsErrno(() => set(id, cur), 'EBUSY', `${name} after the run`);
    set(id, 0x410fd083n);
    assert.is(get(id), 0x410fd083n);
  }
  assert.is(RESET('MIDR_EL1'), HOST.MIDR);
});

test('"ro" registers (CLIDR_EL1, CTR_EL0): the current value passes, any other is EINVAL', () => {
  const { vm, get, set } = mk();
  for (const r of SYSREGS.filter((x) => x.kind === 'ro' && x.oneReg)) {
    const id = sysregId(r.encoding);
    set(id, get(id));
    throwsErrno(() => set(id, get(id) ^ 1n), 'EINVAL', r.name);
    assert.is(get(id), r.reset);
  }
  assert.ok(SYSREGS.some((x) => x.name === 'CLIDR_EL1' && x.kind === 'ro'));
  vm.ran = true;
  set(ID('CTR_EL0'), RESET('CTR_EL0'));
});

test('ordinary system registers take any 64-bit value, before and after the VM ran', () => {
  const { vm, get, set } = mk();
  for (const name of ['MPIDR_EL1', 'SCTLR_EL1', 'TPIDR_EL0', 'VBAR_EL1', 'MDSCR_EL1', 'DBGBVR5_EL1', 'DBGWCR3_EL1']) {
    for (const val of [0n, 0xffffffffffffffffn, 0x8000000000000001n]) {
      set(ID(name), val);
      assert.is(get(ID(name)), val, name);
    }
    vm.ran = true;
    set(ID(name), 0x42n);
    assert.is(get(ID(name)), 0x42n);
    vm.ran = false;
  }
});

// -- firmware registers through ONE_REG ---------------------------------------------------------

test('FW group through ONE_REG: 8 little-endian bytes; a wrong value length EFAULT; a U32 id ENOENT', () => {
  const { v, get, set } = mk();
  assert.equal(getOneReg(v, KVM_REG_ARM_PSCI_VERSION), le64(0x10003n));
  set(KVM_REG_ARM_PSCI_VERSION, 0x10001n);
  assert.is(get(KVM_REG_ARM_PSCI_VERSION), 0x10001n);
  throwsErrno(() => setOneReg(v, KVM_REG_ARM_PSCI_VERSION, new Uint8Array(4)), 'EFAULT');
  const u32 = 0x6020000000140000n;
  throwsErrno(() => getOneReg(v, u32), 'ENOENT');
  throwsErrno(() => setOneReg(v, u32, new Uint8Array(4)), 'ENOENT');
  assert.is(get(KVM_REG_ARM_PSCI_VERSION), 0x10001n);
});

// -- KVM_GET_REG_LIST (§6.7) --------------------------------------------------------------------

test('regList order: 75 core (ascending), firmware, 6 timers, DEMUX, then system registers ascending; no duplicates', () => {
  const list = regList();
  assert.is(new Set(list).size, list.length, 'no duplicates');
  const group = (id: bigint): bigint => (id >> 16n) & 0xfffn;
  let i = 0;
  assert.equal(list.slice(0, 75), [...CORE_REG_IDS]);
  for (let k = 1; k < 75; k++) assert.ok((list[k] & 0xffffn) > (list[k - 1] & 0xffffn), 'core ascending');
  i = 75;
  assert.equal(list.slice(i, i + FW_REG_IDS.length), [...FW_REG_IDS]);
  assert.equal([...FW_REG_IDS], [
    0x6030000000140000n, 0x6030000000140001n, 0x6030000000140002n, 0x6030000000140003n,
    0x6030000000160000n, 0x6030000000160001n, 0x6030000000160002n,
  ]);
  i += FW_REG_IDS.length;
  assert.equal(list.slice(i, i + 6), [
    KVM_REG_ARM_TIMER_CTL, KVM_REG_ARM_TIMER_CNT, KVM_REG_ARM_TIMER_CVAL, KVM_REG_ARM_PTIMER_CTL, KVM_REG_ARM_PTIMER_CNT, KVM_REG_ARM_PTIMER_CVAL,
  ]);
  i += 6;
  const demux = list.filter((id) => group(id) === 0x11n);
  assert.equal(list.slice(i, i + demux.length), demux);
  assert.ok(demux.length >= 1);
  i += demux.length;
  const sys = list.slice(i);
  assert.ok(sys.length > 50);
  for (const id of sys) assert.is(group(id), 0x13n, hex(id));
  for (let k = 1; k < sys.length; k++) assert.ok(sys[k] > sys[k - 1], `sysregs ascending at ${hex(sys[k])}`);
  // The timer ids are not listed a second time under the registers they alias.
  assert.is(list.filter((id) => id === KVM_REG_ARM_TIMER_CTL).length, 1);
  assert.equal(regList(), list, 'stable');
});

test('every listed id: get returns its size, and setting its own value back succeeds and changes nothing (before and after the run)', () => {
  const { v, vm } = mk();
  for (const ran of [false, true]) {
    vm.ran = ran;
    for (const id of regList()) {
      const before = getOneReg(v, id);
      assert.is(before.length, regSize(id), hex(id));
      assert.is(id >> 56n, 0x60n);
      setOneReg(v, id, before);
      if (id === KVM_REG_ARM_TIMER_CNT || id === KVM_REG_ARM_PTIMER_CNT) {
        const after = fromLe(getOneReg(v, id));
        assert.ok(after - fromLe(before) < 100n * TICKS_PER_MS, `${hex(id)}: the counter goes on from the written value`);
      } else {
        assert.equal(getOneReg(v, id), before, `${hex(id)} (ran: ${ran})`);
      }
    }
  }
});

test('resetSysregs puts every table row at its reset value', () => {
  const regs = new RegFile();
  for (const r of SYSREGS) regs.set64(r.word, 0xdeadn);
  resetSysregs(regs);
  for (const r of SYSREGS) assert.is(regs.get64(r.word), r.reset, r.name);
});

test.run();
