/**
 * PSCI and the SMCCC services KVM handles for the guest (spec §14; linux arch/arm64/kvm/psci.c,
 * hypercalls.c, pvtime.c), on a fake HypercallVm: every function id of §14.3 for each PSCI
 * version, PSCI_FEATURES (§14.5), CPU_ON / AFFINITY_INFO details, the system events, SMCCC
 * version / arch features / PV time / vendor services, and the SMCCC filter (§14.6).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Psci, PSCI_0_2_FN, PSCI_64BIT, PSCI_RET, KVM_PSCI_FN_BASE, ARM_SMCCC_VERSION_FUNC_ID, ARM_SMCCC_ARCH_FEATURES_FUNC_ID,
  ARM_SMCCC_ARCH_WORKAROUND_1, ARM_SMCCC_ARCH_WORKAROUND_2, ARM_SMCCC_ARCH_WORKAROUND_3, ARM_SMCCC_HV_PV_TIME_FEATURES,
  ARM_SMCCC_HV_PV_TIME_ST, ARM_SMCCC_VENDOR_HYP_CALL_UID, ARM_SMCCC_VENDOR_HYP_KVM_FEATURES, type PsciFirmware,
} from '../../../devices/psci';
import { FwRegs } from '../../../vmcore/fw-regs';
import type { HypercallResult, HypercallVcpu, HypercallVm } from '../../../vmcore/vm-ports';

const PSCI_0_2_FEATURE = 2;
const RUNNABLE = 0;
const STOPPED = 5;
const U64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const NS = U64(-1n);
const INVALID = U64(-2n);
const ALREADY_ON = U64(-4n);
const INTERNAL_FAILURE = U64(-6n);
const NOT_REQUIRED = U64(-2n);
const mpidrFor = (id: number): bigint => 0x80000000n | BigInt(id & 0xf) | (BigInt((id >> 4) & 0xff) << 8n) | (BigInt((id >> 12) & 0xff) << 16n);

class FakeVcpu implements HypercallVcpu {
  readonly x: bigint[] = new Array(31).fill(0n);
  readonly initialized = true;
  constructor(readonly id: number, readonly index: number, public mpidrValue: bigint, public psci02 = true) {}
  mpidr(): bigint {
    return this.mpidrValue;
  }
  hasFeature(bit: number): boolean {
    return bit === PSCI_0_2_FEATURE && this.psci02;
  }
  getX(n: number): bigint {
    return this.x[n];
  }
  setX(n: number, v: bigint): void {
    this.x[n] = U64(v);
  }
}

class FakeVm implements HypercallVm {
  readonly fw = new FwRegs();
  readonly list: FakeVcpu[] = [];
  readonly state = new Map<FakeVcpu, number>();
  version = 0x10003;
  suspend = false;
  /** SMCCC filter action per function id (HANDLE when absent); every query is recorded. */
  readonly actions = new Map<number, number>();
  defaultAction = 0;
  readonly asked: number[] = [];
  readonly pvtime = new Map<FakeVcpu, bigint>();
  readonly powerOns: Array<{ target: number; entry: bigint; contextId: bigint; caller: number }> = [];
  readonly powerOffs: number[] = [];
  stopAlls = 0;

  add(id: number, mpidr = mpidrFor(id), state = RUNNABLE, psci02 = true): FakeVcpu {
    const v = new FakeVcpu(id, this.list.length, mpidr, psci02);
    this.list.push(v);
    this.state.set(v, state);
    return v;
  }
  vcpus(): readonly HypercallVcpu[] {
    return this.list;
  }
  mpState(v: HypercallVcpu): number {
    return this.state.get(v as FakeVcpu) ?? RUNNABLE;
  }
  powerOn(v: HypercallVcpu, entry: bigint, contextId: bigint, caller: HypercallVcpu): void {
    this.powerOns.push({ target: v.id, entry, contextId, caller: caller.id });
    this.state.set(v as FakeVcpu, RUNNABLE);
  }
  powerOff(v: HypercallVcpu): void {
    this.powerOffs.push(v.id);
    this.state.set(v as FakeVcpu, STOPPED);
  }
  stopAll(): void {
    this.stopAlls++;
    for (const v of this.list) this.state.set(v, STOPPED);
  }
  psciVersion(v: HypercallVcpu): number {
    return v.hasFeature(PSCI_0_2_FEATURE) ? this.version : 0x1;
  }
  systemSuspendEnabled(): boolean {
    return this.suspend;
  }
  smcccAction(fn: number): number {
    this.asked.push(fn);
    return this.actions.get(fn) ?? this.defaultAction;
  }
  pvtimeIpa(v: HypercallVcpu): bigint | undefined {
    return this.pvtime.get(v as FakeVcpu);
  }
}

/** The firmware view Psci reads: defaults as the service's firmware registers (§6.5). */
function firmware(over: Partial<{ std: bigint; vendor: bigint; wa: [bigint, bigint, bigint] }> = {}): PsciFirmware & { std: bigint; vendor: bigint; wa: [bigint, bigint, bigint] } {
  const f = { std: 1n, vendor: 1n, wa: [2n, 3n, 2n] as [bigint, bigint, bigint], ...over };
  return Object.assign(f, {
    stdHypBitmap: () => f.std,
    vendorHypBitmap: () => f.vendor,
    workaround: (n: 1 | 2 | 3) => f.wa[n - 1],
  });
}

interface Setup {
  vm: FakeVm;
  fw: ReturnType<typeof firmware>;
  psci: Psci;
  caller: FakeVcpu;
}

/** A VM with vCPU 0 (the caller, RUNNABLE) at PSCI `version` (0x1 = v0.1: no PSCI_0_2 feature). */
function setup(version = 0x10003, fwOver: Parameters<typeof firmware>[0] = {}): Setup {
  const vm = new FakeVm();
  vm.version = version;
  const caller = vm.add(0, mpidrFor(0), RUNNABLE, version !== 0x1);
  const fw = firmware(fwOver);
  return { vm, fw, psci: new Psci(vm, fw), caller };
}

/** One call: W0 = fn (X0 may carry junk above), X1..X3 = args. Returns the result and X0..X3. */
function call(s: Setup, fn: number | bigint, args: bigint[] = [], opts: { conduit?: 'hvc' | 'smc'; imm?: number; vcpu?: FakeVcpu } = {}) {
  const v = opts.vcpu ?? s.caller;
  v.setX(0, BigInt(fn));
  for (let i = 0; i < 3; i++) v.setX(i + 1, args[i] ?? 0n);
  const res: HypercallResult = s.psci.call(v, opts.conduit ?? 'hvc', opts.imm ?? 0);
  return { res, x0: v.getX(0), x: [...v.x] };
}

const F = PSCI_0_2_FN;
const W64 = (fn: number): number => (fn | PSCI_64BIT) >>> 0;
const hex = (v: number | bigint): string => `0x${v.toString(16)}`;

// -- PSCI_VERSION and version gating (§14.2, §14.3) ---------------------------------------------

test('PSCI_VERSION returns the configured version: 0.2, 1.0, 1.1, 1.2, 1.3', () => {
  for (const ver of [0x2, 0x10000, 0x10001, 0x10002, 0x10003]) {
    const s = setup(ver);
    const r = call(s, F.PSCI_VERSION);
    assert.equal(r.res, { kind: 'resume' });
    assert.is(r.x0, BigInt(ver), hex(ver));
  }
});

test('only W0 names the function: bits 63:32 of X0 are ignored', () => {
  const s = setup();
  assert.is(call(s, 0xdead_0000_8400_0000n).x0, 0x10003n);
  assert.is(call(s, 0xffff_ffff_8000_0000n).x0, 0x10001n, 'SMCCC_VERSION');
});

type Expect = bigint | 'event' | 'off';
/** What each §14.3 function returns with the caller RUNNABLE, one vCPU, args 0 (CPU_ON/AFFINITY_INFO target = the caller). */
function expected(fn: number, ver: number, suspend: boolean): Expect {
  const v1 = ver >= 0x10000;
  const minor = v1 ? ver & 0xffff : -1;
  switch (fn) {
    case F.PSCI_VERSION: return BigInt(ver);
    case F.CPU_SUSPEND: case W64(F.CPU_SUSPEND): return 0n;
    case F.CPU_OFF: return 'off';
    case F.CPU_ON: case W64(F.CPU_ON): return ALREADY_ON;
    case F.AFFINITY_INFO: case W64(F.AFFINITY_INFO): return 0n; // ON
    case F.MIGRATE_INFO_TYPE: return 2n;
    case F.SYSTEM_OFF: case F.SYSTEM_RESET: return 'event';
    case F.PSCI_FEATURES: return v1 ? 0n : NS; // queried for PSCI_VERSION
    case F.SYSTEM_SUSPEND: case W64(F.SYSTEM_SUSPEND): return v1 && suspend ? 'event' : NS;
    case F.SYSTEM_RESET2: case W64(F.SYSTEM_RESET2): return minor >= 1 ? 'event' : NS;
    case F.SYSTEM_OFF2: case W64(F.SYSTEM_OFF2): return minor >= 3 ? 'event' : NS;
    default: return NS; // MIGRATE, MIGRATE_INFO_UP_CPU, CPU_FREEZE, ..., MEM_PROTECT*, SMC64 forms of SMC32-only calls
  }
}

test('every PSCI 0.2+ function id (SMC32 and SMC64) for versions 0.2, 1.0, 1.1, 1.2, 1.3, with and without SYSTEM_SUSPEND', () => {
  for (const ver of [0x2, 0x10000, 0x10001, 0x10002, 0x10003]) {
    for (const suspend of [false, true]) {
      for (let n = 0; n <= 0x1f; n++) {
        for (const fn of [0x84000000 + n, 0xc4000000 + n]) {
          const s = setup(ver);
          s.vm.suspend = suspend;
          const args = fn === F.PSCI_FEATURES ? [BigInt(F.PSCI_VERSION)] : fn === F.SYSTEM_OFF2 || fn === W64(F.SYSTEM_OFF2) ? [1n] : [0n, 0n, 0n];
          const r = call(s, fn, args);
          const want = expected(fn, ver, suspend);
          const what = `${hex(fn)} at ${hex(ver)}${suspend ? ' (suspend on)' : ''}`;
          if (want === 'event') {
            assert.is(r.res.kind, 'system-event', what);
          } else if (want === 'off') {
            assert.equal(r.res, { kind: 'resume' }, what);
            assert.equal(s.vm.powerOffs, [0], `${what}: CPU_OFF stops the caller`);
          } else {
            assert.equal(r.res, { kind: 'resume' }, what);
            assert.is(r.x0, want, what);
            assert.is(s.vm.stopAlls, 0, what);
            assert.equal(s.vm.powerOffs, [], what);
          }
        }
      }
    }
  }
});

test('PSCI v0.1 (no PSCI_0_2 feature): only KVM\'s CPU_OFF (0x95c1ba5f) and CPU_ON (0x95c1ba60); every 0.2+ id is NOT_SUPPORTED', () => {
  for (let n = 0; n <= 0x1f; n++) {
    for (const fn of [0x84000000 + n, 0xc4000000 + n]) {
      const s = setup(0x1);
      const r = call(s, fn, [0n]);
      assert.equal(r.res, { kind: 'resume' }, hex(fn));
      assert.is(r.x0, NS, hex(fn));
      assert.is(s.vm.stopAlls, 0);
    }
  }
  const s = setup(0x1);
  assert.is(call(s, KVM_PSCI_FN_BASE).x0, NS, 'CPU_SUSPEND');
  assert.is(call(s, KVM_PSCI_FN_BASE + 3).x0, NS, 'MIGRATE');
  assert.is(call(s, KVM_PSCI_FN_BASE + 4).x0, NS, 'past the v0.1 range');
  const sec = s.vm.add(1, mpidrFor(1), STOPPED, false);
  assert.is(call(s, KVM_PSCI_FN_BASE + 2, [1n, 0x40080000n, 7n]).x0, 0n, 'CPU_ON SUCCESS');
  assert.equal(s.vm.powerOns, [{ target: 1, entry: 0x40080000n, contextId: 7n, caller: 0 }]);
  assert.is(s.vm.mpState(sec), RUNNABLE);
  assert.is(call(s, KVM_PSCI_FN_BASE + 2, [1n, 0x40080000n, 7n]).x0, INVALID, 'v0.1: a target that is on is INVALID_PARAMS, not ALREADY_ON');
  assert.is(call(s, KVM_PSCI_FN_BASE + 2, [5n, 0n, 0n]).x0, INVALID, 'no such MPIDR');
  assert.equal(call(s, KVM_PSCI_FN_BASE + 1).res, { kind: 'resume' });
  assert.equal(s.vm.powerOffs, [0], 'CPU_OFF');
});

test('PSCI v0.1 CPU_ON passes the full 64-bit entry point and context id (KVM\'s v0.1 ids are not SMCCC SMC32 calls)', () => {
  // psci.c kvm_psci_0_1_call -> kvm_psci_vcpu_on reads smccc_get_arg2/arg3 unnarrowed; only the
  // SMCCC SMC32 PSCI 0.2+ functions go through kvm_psci_narrow_to_32bit.
  const s = setup(0x1);
  s.vm.add(1, mpidrFor(1), STOPPED, false);
  assert.is(call(s, KVM_PSCI_FN_BASE + 2, [1n, 0x1_4008_0000n, 0xabcd_0000_0005n]).x0, 0n);
  assert.equal(s.vm.powerOns, [{ target: 1, entry: 0x1_4008_0000n, contextId: 0xabcd_0000_0005n, caller: 0 }]);
});

test('PSCI 0.2+: KVM\'s v0.1 function ids are NOT_SUPPORTED', () => {
  const s = setup();
  s.vm.add(1, mpidrFor(1), STOPPED);
  for (let n = 0; n < 4; n++) assert.is(call(s, KVM_PSCI_FN_BASE + n, [1n]).x0, NS, hex(KVM_PSCI_FN_BASE + n));
  assert.equal(s.vm.powerOns, []);
  assert.equal(s.vm.powerOffs, []);
});

// -- PSCI_FEATURES (§14.5) ----------------------------------------------------------------------

test('PSCI_FEATURES: the always-supported set, SYSTEM_SUSPEND by the cap, SYSTEM_RESET2 from 1.1, SYSTEM_OFF2 (1) from 1.3', () => {
  const always = [
    F.PSCI_VERSION, F.CPU_SUSPEND, W64(F.CPU_SUSPEND), F.CPU_OFF, F.CPU_ON, W64(F.CPU_ON), F.AFFINITY_INFO, W64(F.AFFINITY_INFO),
    F.MIGRATE_INFO_TYPE, F.SYSTEM_OFF, F.SYSTEM_RESET, F.PSCI_FEATURES, ARM_SMCCC_VERSION_FUNC_ID,
  ];
  const never = [
    W64(F.PSCI_VERSION), W64(F.CPU_OFF), F.MIGRATE, W64(F.MIGRATE), F.MIGRATE_INFO_UP_CPU, W64(F.MIGRATE_INFO_UP_CPU), W64(F.MIGRATE_INFO_TYPE),
    W64(F.SYSTEM_OFF), W64(F.SYSTEM_RESET), W64(F.PSCI_FEATURES), 0x8400000b, 0x8400000c, 0xc400000c, 0x8400000d, 0x8400000f, 0x84000010,
    0x84000011, 0x84000013, 0x84000014, 0x84000016, 0x8400001f, ARM_SMCCC_ARCH_FEATURES_FUNC_ID, ARM_SMCCC_ARCH_WORKAROUND_1,
    KVM_PSCI_FN_BASE, KVM_PSCI_FN_BASE + 2, ARM_SMCCC_HV_PV_TIME_FEATURES, 0, 0xffffffff,
  ];
  for (const ver of [0x10000, 0x10001, 0x10002, 0x10003]) {
    const minor = ver & 0xffff;
    for (const suspend of [false, true]) {
      const s = setup(ver);
      s.vm.suspend = suspend;
      const feat = (q: number): bigint => call(s, F.PSCI_FEATURES, [BigInt(q)]).x0;
      for (const q of always) assert.is(feat(q), 0n, `${hex(q)} at ${hex(ver)}`);
      for (const q of never) assert.is(feat(q), NS, `${hex(q)} at ${hex(ver)}`);
      for (const q of [F.SYSTEM_SUSPEND, W64(F.SYSTEM_SUSPEND)]) assert.is(feat(q), suspend ? 0n : NS, `SYSTEM_SUSPEND ${hex(q)}`);
      for (const q of [F.SYSTEM_RESET2, W64(F.SYSTEM_RESET2)]) assert.is(feat(q), minor >= 1 ? 0n : NS, `SYSTEM_RESET2 at ${hex(ver)}`);
      for (const q of [F.SYSTEM_OFF2, W64(F.SYSTEM_OFF2)]) assert.is(feat(q), minor >= 3 ? 1n : NS, `SYSTEM_OFF2 at ${hex(ver)}`);
    }
  }
});

test('PSCI_FEATURES is SMC32: the queried id is the low 32 bits of X1; its SMC64 form and v0.2 answer NOT_SUPPORTED', () => {
  const s = setup();
  assert.is(call(s, F.PSCI_FEATURES, [0xffff_ffff_8400_0000n]).x0, 0n);
  assert.is(call(s, W64(F.PSCI_FEATURES), [BigInt(F.PSCI_VERSION)]).x0, NS);
  assert.is(call(setup(0x2), F.PSCI_FEATURES, [BigInt(F.PSCI_VERSION)]).x0, NS, 'PSCI_FEATURES is a 1.0 function');
});

// -- CPU_ON (§14.5) -----------------------------------------------------------------------------

test('CPU_ON: INVALID_PARAMS for target bits outside MPIDR_HWID_BITMASK (0xFF00FFFFFF) or an unknown MPIDR', () => {
  const s = setup();
  s.vm.add(1, mpidrFor(1), STOPPED);
  for (const t of [0x80000001n, 0x01000001n, 0x100_0000_0001n, 1n << 63n]) {
    assert.is(call(s, W64(F.CPU_ON), [t, 0x40000000n, 0n]).x0, INVALID, `target ${hex(t)}`);
  }
  for (const t of [2n, 0x100n, 0x10000n, 0x1_0000_0001n]) {
    assert.is(call(s, W64(F.CPU_ON), [t, 0x40000000n, 0n]).x0, INVALID, `no vCPU ${hex(t)}`);
  }
  assert.equal(s.vm.powerOns, []);
});

test('CPU_ON: ALREADY_ON for a target that is not STOPPED (itself included); SUCCESS schedules the power-on', () => {
  const s = setup();
  const sec = s.vm.add(17, mpidrFor(17), STOPPED);
  assert.is(call(s, W64(F.CPU_ON), [0n, 0x40000000n, 0n]).x0, ALREADY_ON, 'the caller itself');
  const r = call(s, W64(F.CPU_ON), [0x101n, 0x4008_0000_1000n, 0x1122334455667788n]);
  assert.equal(r.res, { kind: 'resume' });
  assert.is(r.x0, 0n);
  assert.equal(s.vm.powerOns, [{ target: 17, entry: 0x4008_0000_1000n, contextId: 0x1122334455667788n, caller: 0 }]);
  assert.is(s.vm.mpState(sec), RUNNABLE);
  assert.is(call(s, W64(F.CPU_ON), [0x101n, 0n, 0n]).x0, ALREADY_ON);
  assert.is(s.vm.powerOns.length, 1);
  // Any MP state but STOPPED counts as on.
  s.vm.state.set(sec, 10);
  assert.is(call(s, F.CPU_ON, [0x101n, 0n, 0n]).x0, ALREADY_ON, 'SUSPENDED');
});

test('CPU_ON SMC32 uses the low 32 bits of target, entry point and context id; SMC64 all 64', () => {
  const s = setup();
  s.vm.add(1, mpidrFor(1), STOPPED);
  const args = [0xffff_ffff_0000_0001n, 0xdead_0000_4008_0000n, 0xffff_ffff_1234_5678n];
  assert.is(call(s, F.CPU_ON, args).x0, 0n);
  assert.equal(s.vm.powerOns[0], { target: 1, entry: 0x4008_0000n, contextId: 0x1234_5678n, caller: 0 });
  const t = setup();
  t.vm.add(1, mpidrFor(1), STOPPED);
  assert.is(call(t, W64(F.CPU_ON), args).x0, INVALID, 'SMC64: the target keeps bits 63:32');
  assert.is(call(t, W64(F.CPU_ON), [1n, args[1], args[2]]).x0, 0n);
  assert.equal(t.vm.powerOns[0], { target: 1, entry: 0xdead_0000_4008_0000n, contextId: 0xffff_ffff_1234_5678n, caller: 0 });
});

test('CPU_ON matches on the affinity fields: Aff3 counts, bit 31 (RES1) of the vCPU\'s MPIDR does not', () => {
  const s = setup();
  s.vm.add(1, 0x1_8000_0002n, STOPPED); // Aff3 = 1, Aff0 = 2
  assert.is(call(s, W64(F.CPU_ON), [2n, 0n, 0n]).x0, INVALID, 'Aff3 differs');
  assert.is(call(s, W64(F.CPU_ON), [0x1_0000_0002n, 0n, 0n]).x0, 0n);
});

test('CPU_OFF stops the caller (SMC32 only) and returns to nothing but a later CPU_ON', () => {
  const s = setup();
  const r = call(s, F.CPU_OFF);
  assert.equal(r.res, { kind: 'resume' });
  assert.equal(s.vm.powerOffs, [0]);
  assert.is(s.vm.mpState(s.caller), STOPPED);
  const t = setup();
  assert.is(call(t, W64(F.CPU_OFF)).x0, NS);
  assert.equal(t.vm.powerOffs, []);
});

// -- AFFINITY_INFO (§14.5) ----------------------------------------------------------------------

test('AFFINITY_INFO levels 0..3 mask the lower affinity levels; ON if any match is not STOPPED, OFF if all are, INVALID if none', () => {
  const s = setup(); // vCPU 0: MPIDR 0x80000000 (0.0.0.0), RUNNABLE
  s.vm.state.set(s.caller, STOPPED);
  s.vm.add(1, 0x80000001n, RUNNABLE); // 0.0.0.1
  s.vm.add(2, 0x80000101n, STOPPED); // 0.0.1.1
  s.vm.add(3, 0x80010000n, STOPPED); // 0.1.0.0
  s.vm.add(4, 0x1_8000_0000n, STOPPED); // 1.0.0.0
  const aff = (target: bigint, level: bigint): bigint => call(s, W64(F.AFFINITY_INFO), [target, level]).x0;
  const ON = 0n;
  const OFF = 1n;
  const cases: Array<[bigint, bigint, bigint]> = [
    [0x0n, 0n, OFF], [0x1n, 0n, ON], [0x101n, 0n, OFF], [0x102n, 0n, INVALID], [0x10000n, 0n, OFF], [0x1_0000_0000n, 0n, OFF],
    [0x0n, 1n, ON], [0xffn, 1n, ON], [0x100n, 1n, OFF], [0x1ffn, 1n, OFF], [0x200n, 1n, INVALID],
    [0x0n, 2n, ON], [0xffffn, 2n, ON], [0x10000n, 2n, OFF], [0x1ffffn, 2n, OFF], [0x20000n, 2n, INVALID],
    [0x0n, 3n, ON], [0xff_ffffn, 3n, ON], [0x1_0000_0000n, 3n, OFF], [0x1_00ff_ffffn, 3n, OFF], [0x2_0000_0000n, 3n, INVALID],
  ];
  for (const [target, level, want] of cases) assert.is(aff(target, level), want, `target ${hex(target)} level ${level}`);
});

test('AFFINITY_INFO: INVALID_PARAMS for a level above 3 or target bits outside MPIDR_HWID_BITMASK', () => {
  const s = setup();
  for (const level of [4n, 5n, 0xffn, 0xffff_ffffn, 1n << 63n]) assert.is(call(s, W64(F.AFFINITY_INFO), [0n, level]).x0, INVALID, `level ${level}`);
  for (const t of [0x80000000n, 0x0100_0000n, 0x100_0000_0000n]) {
    for (const level of [0n, 3n]) assert.is(call(s, W64(F.AFFINITY_INFO), [t, level]).x0, INVALID, `target ${hex(t)}`);
  }
});

test('AFFINITY_INFO SMC32 narrows target and level to 32 bits; SMC64 does not', () => {
  const s = setup(); // vCPU 0 (0.0.0.0) STOPPED; a vCPU at Aff3 = 1 RUNNABLE
  s.vm.state.set(s.caller, STOPPED);
  s.vm.add(1, 0x1_8000_0000n, RUNNABLE);
  assert.is(call(s, W64(F.AFFINITY_INFO), [0x1_0000_0000n, 0n]).x0, 0n, 'SMC64: Aff3 = 1, ON');
  assert.is(call(s, F.AFFINITY_INFO, [0x1_0000_0000n, 0n]).x0, 1n, 'SMC32: target 0, OFF');
  assert.is(call(s, F.AFFINITY_INFO, [0n, 0x1_0000_0000n]).x0, 1n, 'SMC32: level 0');
  assert.is(call(s, W64(F.AFFINITY_INFO), [0n, 0x1_0000_0000n]).x0, INVALID, 'SMC64: level 2^32');
});

// -- system events (§7.6, §14.3) ----------------------------------------------------------------

test('SYSTEM_OFF / SYSTEM_RESET: all vCPUs stopped, caller X0 = INTERNAL_FAILURE, SHUTDOWN (1) / RESET (2) with data [0]', () => {
  for (const [fn, type] of [[F.SYSTEM_OFF, 1], [F.SYSTEM_RESET, 2]] as const) {
    const s = setup();
    s.vm.add(1);
    const r = call(s, fn, [0x11n, 0x22n, 0x33n]);
    assert.equal(r.res, { kind: 'system-event', type, data: [0n] });
    assert.is(r.x0, INTERNAL_FAILURE);
    assert.is(r.x0, 0xfffffffffffffffan);
    assert.is(s.vm.stopAlls, 1);
    assert.equal(r.x.slice(1, 4), [0x11n, 0x22n, 0x33n], 'X1..X3 untouched');
  }
});

test('SYSTEM_RESET2 (1.1+): reset_type 0 or >= 0x80000000 gives RESET with data [1]; anything else INVALID_PARAMS, no event', () => {
  for (const fn of [F.SYSTEM_RESET2, W64(F.SYSTEM_RESET2)]) {
    for (const type of [0n, 0x80000000n, 0x80000001n, 0xffffffffn]) {
      const s = setup(0x10001);
      const r = call(s, fn, [type, 0xc00c1en]);
      assert.equal(r.res, { kind: 'system-event', type: 2, data: [1n] }, `${hex(fn)} type ${hex(type)}`);
      assert.is(r.x0, INTERNAL_FAILURE);
      assert.is(r.x[1], type, 'the reset type stays in X1 for userspace');
      assert.is(r.x[2], 0xc00c1en, 'the cookie stays in X2');
      assert.is(s.vm.stopAlls, 1);
    }
    for (const type of [1n, 2n, 0x1234n, 0x7fffffffn]) {
      const s = setup(0x10003);
      const r = call(s, fn, [type]);
      assert.equal(r.res, { kind: 'resume' });
      assert.is(r.x0, INVALID, `${hex(fn)} type ${hex(type)}`);
      assert.is(s.vm.stopAlls, 0);
    }
  }
  // reset_type is a u32 (kvm_psci_1_x_call's `u32 arg`): bits 63:32 never count.
  const s = setup();
  assert.is(call(s, W64(F.SYSTEM_RESET2), [0x1_0000_0000n]).res.kind, 'system-event');
  const t = setup();
  assert.is(call(t, W64(F.SYSTEM_RESET2), [0x1_0000_0001n]).x0, INVALID);
});

test('SYSTEM_OFF2 (1.3): type 0 or 1 (HIBERNATE_OFF) with cookie 0 gives SHUTDOWN with data [1]; otherwise INVALID_PARAMS', () => {
  for (const fn of [F.SYSTEM_OFF2, W64(F.SYSTEM_OFF2)]) {
    for (const type of [0n, 1n]) {
      const s = setup();
      const r = call(s, fn, [type, 0n]);
      assert.equal(r.res, { kind: 'system-event', type: 1, data: [1n] }, `${hex(fn)} type ${type}`);
      assert.is(r.x0, INTERNAL_FAILURE);
      assert.is(s.vm.stopAlls, 1);
    }
    for (const [type, cookie] of [[2n, 0n], [0xffn, 0n], [1n, 1n], [0n, 0x8000n]]) {
      const s = setup();
      const r = call(s, fn, [type, cookie]);
      assert.is(r.x0, INVALID, `${hex(fn)} type ${type} cookie ${cookie}`);
      assert.is(s.vm.stopAlls, 0);
    }
  }
  // SMC32 narrows the cookie; SMC64 keeps all of it.
  assert.is(call(setup(), F.SYSTEM_OFF2, [1n, 0x1_0000_0000n]).res.kind, 'system-event');
  assert.is(call(setup(), W64(F.SYSTEM_OFF2), [1n, 0x1_0000_0000n]).x0, INVALID);
});

test('SYSTEM_SUSPEND (1.0+, cap enabled): SUSPEND (5) with no data, registers untouched, nothing stopped', () => {
  for (const fn of [F.SYSTEM_SUSPEND, W64(F.SYSTEM_SUSPEND)]) {
    const s = setup(0x10000);
    s.vm.suspend = true;
    const r = call(s, fn, [0x4008_0000n, 0x55n]);
    assert.equal(r.res, { kind: 'system-event', type: 5, data: [] });
    assert.is(r.x0, BigInt(fn), 'X0 still holds the function id');
    assert.equal(r.x.slice(1, 3), [0x4008_0000n, 0x55n]);
    assert.is(s.vm.stopAlls, 0);
  }
});

// -- conduits ------------------------------------------------------------------------------------

test('an SMC with a non-zero immediate returns ~0 without dispatch (not even the filter); HVC immediates are not checked', () => {
  const s = setup();
  s.vm.defaultAction = 2;
  const r = call(s, F.SYSTEM_OFF, [], { conduit: 'smc', imm: 1 });
  assert.equal(r.res, { kind: 'resume' });
  assert.is(r.x0, 0xffffffffffffffffn);
  assert.is(s.vm.stopAlls, 0);
  assert.equal(s.vm.asked, []);
  const t = setup();
  assert.is(call(t, F.PSCI_VERSION, [], { conduit: 'smc', imm: 0xffff }).x0, NS);
  assert.is(call(t, F.PSCI_VERSION, [], { conduit: 'smc', imm: 0 }).x0, 0x10003n);
  assert.is(call(t, F.PSCI_VERSION, [], { conduit: 'hvc', imm: 5 }).x0, 0x10003n);
});

// -- SMCCC services (§14.6) ---------------------------------------------------------------------

test('SMCCC_VERSION is 1.1 (0x10001); its SMC64 form is unknown', () => {
  const s = setup();
  assert.is(call(s, ARM_SMCCC_VERSION_FUNC_ID).x0, 0x10001n);
  assert.is(call(s, 0xc0000000).x0, NS);
  assert.is(call(setup(0x1), ARM_SMCCC_VERSION_FUNC_ID).x0, 0x10001n, 'whatever the PSCI version');
});

test('SMCCC_ARCH_FEATURES for WORKAROUND_1/2/3: NOT_REQUIRED (-2) with the service\'s firmware states', () => {
  const s = setup();
  for (const q of [ARM_SMCCC_ARCH_WORKAROUND_1, ARM_SMCCC_ARCH_WORKAROUND_2, ARM_SMCCC_ARCH_WORKAROUND_3]) {
    assert.is(call(s, ARM_SMCCC_ARCH_FEATURES_FUNC_ID, [BigInt(q)]).x0, NOT_REQUIRED, hex(q));
  }
  assert.is(call(s, ARM_SMCCC_ARCH_FEATURES_FUNC_ID, [0xffff_ffff_8000_8000n]).x0, NOT_REQUIRED, 'SMC32: the low 32 bits of X1');
});

test('SMCCC_ARCH_FEATURES follows the firmware register states: AVAIL -> 0, NOT_AVAIL/UNKNOWN -> -1, NOT_REQUIRED -> -2', () => {
  const q = (wa: [bigint, bigint, bigint], fn: number): bigint => call(setup(0x10003, { wa }), ARM_SMCCC_ARCH_FEATURES_FUNC_ID, [BigInt(fn)]).x0;
  assert.is(q([1n, 3n, 2n], ARM_SMCCC_ARCH_WORKAROUND_1), 0n);
  assert.is(q([0n, 3n, 2n], ARM_SMCCC_ARCH_WORKAROUND_1), NS);
  assert.is(q([2n, 2n, 2n], ARM_SMCCC_ARCH_WORKAROUND_2), 0n, 'WA2 AVAIL is 2');
  assert.is(q([2n, 1n, 2n], ARM_SMCCC_ARCH_WORKAROUND_2), NS, 'WA2 UNKNOWN');
  assert.is(q([2n, 0n, 2n], ARM_SMCCC_ARCH_WORKAROUND_2), NS);
  assert.is(q([2n, 3n, 1n], ARM_SMCCC_ARCH_WORKAROUND_3), 0n);
  assert.is(q([2n, 3n, 0n], ARM_SMCCC_ARCH_WORKAROUND_3), NS);
});

test('SMCCC_ARCH_FEATURES: anything else is NOT_SUPPORTED', () => {
  const s = setup();
  for (const f of [0, ARM_SMCCC_VERSION_FUNC_ID, ARM_SMCCC_ARCH_FEATURES_FUNC_ID, F.PSCI_VERSION, ARM_SMCCC_HV_PV_TIME_ST, 0x80008001, 0xffffffff]) {
    assert.is(call(s, ARM_SMCCC_ARCH_FEATURES_FUNC_ID, [BigInt(f)]).x0, NS, hex(f));
  }
});

test('SMCCC_ARCH_FEATURES(PV_TIME_FEATURES): 0 while STD_HYP_BMAP has PV_TIME, -1 once it is cleared', () => {
  const s = setup();
  s.vm.pvtime.set(s.caller, 0x40000040n);
  assert.is(call(s, ARM_SMCCC_ARCH_FEATURES_FUNC_ID, [BigInt(ARM_SMCCC_HV_PV_TIME_FEATURES)]).x0, 0n);
  s.fw.std = 0n;
  assert.is(call(s, ARM_SMCCC_ARCH_FEATURES_FUNC_ID, [BigInt(ARM_SMCCC_HV_PV_TIME_FEATURES)]).x0, NS);
});

test('SMCCC_ARCH_FEATURES(PV_TIME_FEATURES) depends on the bitmap only, not on this vCPU having a PV-time IPA', () => {
  // hypercalls.c kvm_smccc_call_handler: case ARM_SMCCC_HV_PV_TIME_FEATURES: SUCCESS if
  // test_bit(KVM_REG_ARM_STD_HYP_BIT_PV_TIME) — the IPA is PV_TIME_FEATURES' own business.
  const s = setup();
  assert.is(call(s, ARM_SMCCC_ARCH_FEATURES_FUNC_ID, [BigInt(ARM_SMCCC_HV_PV_TIME_FEATURES)]).x0, 0n);
});

test('PV_TIME_FEATURES: 0 for FEATURES/ST with a PV-time IPA, -1 without one, for other queries, or with the bitmap bit cleared', () => {
  const s = setup();
  const feat = (q: number | bigint): bigint => call(s, ARM_SMCCC_HV_PV_TIME_FEATURES, [BigInt(q)]).x0;
  assert.is(feat(ARM_SMCCC_HV_PV_TIME_FEATURES), NS, 'no IPA yet');
  assert.is(feat(ARM_SMCCC_HV_PV_TIME_ST), NS);
  s.vm.pvtime.set(s.caller, 0x40000040n);
  assert.is(feat(ARM_SMCCC_HV_PV_TIME_FEATURES), 0n);
  assert.is(feat(ARM_SMCCC_HV_PV_TIME_ST), 0n);
  assert.is(feat(0xffff_ffff_c500_0021n), 0n, 'the feature is a u32');
  assert.is(feat(0xc5000022), NS);
  assert.is(feat(0), NS);
  s.fw.std = 0n;
  assert.is(feat(ARM_SMCCC_HV_PV_TIME_ST), NS, 'bitmap cleared');
});

test('PV_TIME_ST: the calling vCPU\'s IPA, -1 without one or with the bitmap bit cleared', () => {
  const s = setup();
  const other = s.vm.add(1);
  assert.is(call(s, ARM_SMCCC_HV_PV_TIME_ST).x0, NS);
  s.vm.pvtime.set(s.caller, 0x40000040n);
  s.vm.pvtime.set(other, 0x40000080n);
  assert.is(call(s, ARM_SMCCC_HV_PV_TIME_ST).x0, 0x40000040n);
  assert.is(call(s, ARM_SMCCC_HV_PV_TIME_ST, [], { vcpu: other }).x0, 0x40000080n);
  s.fw.std = 0n;
  assert.is(call(s, ARM_SMCCC_HV_PV_TIME_ST).x0, NS);
});

test('vendor services: CALL_UID gives the KVM UUID in X0..X3, KVM_FEATURES the vendor bitmap; both -1 with FUNC_FEAT cleared', () => {
  const s = setup();
  const r = call(s, ARM_SMCCC_VENDOR_HYP_CALL_UID);
  assert.equal(r.res, { kind: 'resume' });
  assert.equal(r.x.slice(0, 4), [0xb66fb428n, 0xe911c52en, 0x564bcaa9n, 0x743a004dn]);
  assert.is(call(s, ARM_SMCCC_VENDOR_HYP_KVM_FEATURES).x0, 1n);
  assert.is(call(s, 0x86000001).x0, NS, 'PTP (bit 1) is not offered');
  s.fw.vendor = 0n;
  assert.is(call(s, ARM_SMCCC_VENDOR_HYP_CALL_UID).x0, NS);
  assert.is(call(s, ARM_SMCCC_VENDOR_HYP_KVM_FEATURES).x0, NS);
});

test('TRNG and other unknown functions return NOT_SUPPORTED (-1 = 0xFFFFFFFFFFFFFFFF)', () => {
  const s = setup();
  for (const fn of [0x84000050, 0x84000053, 0xc4000053, 0x84000020, 0xc4000020, 0x87654321, 0xc7000001, 0x00000000, 0x02000000, 0xffffffff, KVM_PSCI_FN_BASE - 1]) {
    const r = call(s, fn, [1n, 2n, 3n]);
    assert.equal(r.res, { kind: 'resume' }, hex(fn));
    assert.is(r.x0, 0xffffffffffffffffn, hex(fn));
  }
  assert.is(s.vm.stopAlls, 0);
});

// -- the SMCCC filter (§14.6) -------------------------------------------------------------------

test('filter DENY: the guest gets -1 and the function is not run', () => {
  const s = setup();
  s.vm.actions.set(F.SYSTEM_OFF, 1);
  s.vm.actions.set(F.PSCI_VERSION, 1);
  assert.is(call(s, F.PSCI_VERSION).x0, NS);
  const r = call(s, F.SYSTEM_OFF);
  assert.equal(r.res, { kind: 'resume' });
  assert.is(r.x0, NS);
  assert.is(s.vm.stopAlls, 0);
  assert.is(call(s, F.SYSTEM_RESET).res.kind, 'system-event', 'unfiltered ids are handled');
});

test('filter FWD_TO_USER: KVM_EXIT_HYPERCALL with nr = the function id, flags 0 for HVC and 1 (KVM_HYPERCALL_EXIT_SMC) for SMC; registers untouched', () => {
  const s = setup();
  s.vm.actions.set(0xc3000005, 2);
  s.vm.actions.set(F.CPU_ON, 2);
  let r = call(s, 0xc3000005, [0xabcn]);
  assert.equal(r.res, { kind: 'hypercall-exit', nr: 0xc3000005n, flags: 0n });
  assert.is(r.x0, 0xc3000005n);
  assert.is(r.x[1], 0xabcn);
  r = call(s, 0xffff_0000_c300_0005n, [], { conduit: 'smc', imm: 0 });
  assert.equal(r.res, { kind: 'hypercall-exit', nr: 0xc3000005n, flags: 1n }, 'nr is W0');
  r = call(s, F.CPU_ON, [1n, 2n, 3n]);
  assert.equal(r.res, { kind: 'hypercall-exit', nr: BigInt(F.CPU_ON), flags: 0n }, 'PSCI ids can be forwarded');
  assert.equal(s.vm.powerOns, []);
});

test('filter: the Arm-architecture ranges 0x80000000..0x8000FFFF and 0xC0000000..0xC000FFFF are never filtered', () => {
  for (const action of [1, 2]) {
    const s = setup();
    s.vm.defaultAction = action;
    assert.is(call(s, ARM_SMCCC_VERSION_FUNC_ID).x0, 0x10001n);
    assert.is(call(s, ARM_SMCCC_ARCH_FEATURES_FUNC_ID, [BigInt(ARM_SMCCC_ARCH_WORKAROUND_1)]).x0, NOT_REQUIRED);
    for (const fn of [0x8000ffff, 0xc0000000, 0xc000ffff, 0x80008000]) {
      const r = call(s, fn);
      assert.equal(r.res, { kind: 'resume' }, hex(fn));
      assert.is(r.x0, NS, hex(fn));
    }
    assert.equal(s.vm.asked, [], 'the filter is not even consulted');
    // Just outside the reserved ranges the filter applies.
    const out = call(s, 0x80010000);
    assert.equal(out.res.kind === 'resume' ? out.x0 : out.res.kind, action === 1 ? NS : 'hypercall-exit');
    assert.equal(s.vm.asked, [0x80010000]);
  }
});

test('filter: it is asked with W0, and applies to vendor, PV time and v0.1 ids too', () => {
  const s = setup(0x1);
  s.vm.defaultAction = 2;
  for (const fn of [ARM_SMCCC_VENDOR_HYP_CALL_UID, ARM_SMCCC_HV_PV_TIME_ST, KVM_PSCI_FN_BASE + 2, 0x87654321]) {
    assert.equal(call(s, 0x1_0000_0000n | BigInt(fn)).res, { kind: 'hypercall-exit', nr: BigInt(fn), flags: 0n }, hex(fn));
  }
  assert.equal(s.vm.asked, [ARM_SMCCC_VENDOR_HYP_CALL_UID, ARM_SMCCC_HV_PV_TIME_ST, KVM_PSCI_FN_BASE + 2, 0x87654321]);
});

test('MIGRATE_INFO_TYPE is 2 (TOS_MP); CPU_SUSPEND returns SUCCESS (either width); MIGRATE and MIGRATE_INFO_UP_CPU NOT_SUPPORTED', () => {
  const s = setup();
  assert.is(call(s, F.MIGRATE_INFO_TYPE).x0, 2n);
  assert.is(call(s, F.CPU_SUSPEND, [0x10000n]).x0, 0n);
  assert.is(call(s, W64(F.CPU_SUSPEND), [0x10000n, 0x4000_0000n]).x0, 0n);
  assert.is(s.vm.mpState(s.caller), RUNNABLE, 'CPU_SUSPEND does not stop the vCPU');
  for (const fn of [F.MIGRATE, W64(F.MIGRATE), F.MIGRATE_INFO_UP_CPU, W64(F.MIGRATE_INFO_UP_CPU)]) assert.is(call(s, fn, [1n]).x0, NS, hex(fn));
});

test('return codes (§14.4) as the module exports them', () => {
  assert.equal(Object.values(PSCI_RET), [0n, -1n, -2n, -3n, -4n, -5n, -6n, -7n, -8n, -9n]);
  assert.is(PSCI_64BIT, 0x40000000);
  assert.is(KVM_PSCI_FN_BASE, 0x95c1ba5e);
});

test.run();
