import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KvmError } from '../../../vmcore/errno';
import {
  KVM_SMCCC_FILTER_DENY,
  KVM_SMCCC_FILTER_FWD_TO_USER,
  KVM_SMCCC_FILTER_HANDLE,
  getVmAttr,
  hasVmAttr,
  setVmAttr,
  smcccFilterAction,
} from '../../../devices/smccc-filter';
import { VmAttrState } from '../../../devices/vcpu-attrs/vm-attr-state';

function throwsErrno(fn: () => unknown, errno: string): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, KvmError);
    assert.is((e as KvmError).errno, errno, (e as Error).message);
    return;
  }
  assert.unreachable(`expected ${errno}`);
}

function filter(base: number, nr: number, action: number, len = 24): Uint8Array {
  const b = new Uint8Array(len);
  const v = new DataView(b.buffer);
  if (len >= 8) {
    v.setUint32(0, base, true);
    v.setUint32(4, nr, true);
  }
  if (len >= 9) v.setUint8(8, action);
  return b;
}

function setup() {
  const host = { ran: false, vmHasRun() { return this.ran; } };
  const vm = new VmAttrState();
  const set = (value: Uint8Array, group = 0, attr = 0n) => setVmAttr(host, vm, group, attr, value);
  return { host, vm, set };
}

test('HAS: 0 for SMCCC_CTRL/SMCCC_FILTER, ENXIO for anything else', () => {
  hasVmAttr(0, 0n);
  throwsErrno(() => hasVmAttr(1, 0n), 'ENXIO');
  throwsErrno(() => hasVmAttr(0, 1n), 'ENXIO');
  throwsErrno(() => hasVmAttr(0, 1n << 32n), 'ENXIO');
});

test('GET is not a VM ioctl on arm64: EINVAL for any group', () => {
  throwsErrno(() => getVmAttr(0, 0n), 'EINVAL');
  throwsErrno(() => getVmAttr(7, 3n), 'EINVAL');
});

test('SET: ENXIO for an unknown group or attribute, before EFAULT', () => {
  const s = setup();
  throwsErrno(() => s.set(filter(0x100, 1, 1), 1), 'ENXIO');
  throwsErrno(() => s.set(filter(0x100, 1, 1), 0, 1n), 'ENXIO');
  throwsErrno(() => s.set(new Uint8Array(0), 1), 'ENXIO');
  assert.is(s.vm.smcccFilter.ranges.length, 0);
});

test('SET: EFAULT for fewer than 24 bytes', () => {
  const s = setup();
  throwsErrno(() => s.set(filter(0x100, 1, 1, 23)), 'EFAULT');
  assert.is(s.vm.smcccFilter.ranges.length, 0);
});

test('SET: EINVAL for a non-zero pad byte (any of 9..23)', () => {
  const s = setup();
  for (const i of [9, 15, 23]) {
    const b = filter(0x100, 1, 1);
    b[i] = 1;
    throwsErrno(() => s.set(b), 'EINVAL');
  }
  assert.is(s.vm.smcccFilter.ranges.length, 0);
});

test('SET: EINVAL for nr_functions 0, a wrapping range or an unknown action', () => {
  const s = setup();
  throwsErrno(() => s.set(filter(0x100, 0, 1)), 'EINVAL');
  throwsErrno(() => s.set(filter(0, 0, 1)), 'EINVAL');
  throwsErrno(() => s.set(filter(0xfffffff0, 0x11, 1)), 'EINVAL');
  throwsErrno(() => s.set(filter(2, 0xffffffff, 1)), 'EINVAL');
  throwsErrno(() => s.set(filter(1, 0xffffffff, 1)), 'EEXIST'); // [1, 0xFFFFFFFF] does not wrap
  throwsErrno(() => s.set(filter(0x100, 1, 3)), 'EINVAL');
  throwsErrno(() => s.set(filter(0x100, 1, 0xff)), 'EINVAL');
  assert.is(s.vm.smcccFilter.ranges.length, 0);
  s.set(filter(0xfffffff0, 0x10, 2)); // ends exactly at 0xFFFFFFFF
  assert.is(smcccFilterAction(s.vm, 0xffffffff), KVM_SMCCC_FILTER_FWD_TO_USER);
});

test('SET: EBUSY once a vCPU has run; EINVAL checks come first', () => {
  const s = setup();
  s.host.ran = true;
  throwsErrno(() => s.set(filter(0x100, 1, 1)), 'EBUSY');
  throwsErrno(() => s.set(filter(0x80000000, 1, 1)), 'EBUSY'); // before EEXIST
  throwsErrno(() => s.set(filter(0x100, 1, 3)), 'EINVAL');
  const b = filter(0x100, 1, 1);
  b[20] = 1;
  throwsErrno(() => s.set(b), 'EINVAL');
  assert.is(s.vm.smcccFilter.ranges.length, 0);
});

test('SET: EEXIST for the reserved Arm-architecture ranges', () => {
  const s = setup();
  for (const [base, nr] of [
    [0x80000000, 1],
    [0x8000ffff, 1],
    [0x7fffffff, 2],
    [0x80008000, 0x10000],
    [0xc0000000, 1],
    [0xc000ffff, 4],
    [0xbfff0000, 0x10001],
    [0, 0xffffffff],
  ]) {
    throwsErrno(() => s.set(filter(base, nr, 1)), 'EEXIST');
  }
  assert.is(s.vm.smcccFilter.ranges.length, 0);
  s.set(filter(0x7fff0000, 0x10000, 1)); // ends at 0x7FFFFFFF
  s.set(filter(0x80010000, 1, 1));
  s.set(filter(0xbfffffff, 1, 1));
  s.set(filter(0xc0010000, 1, 1));
  assert.is(s.vm.smcccFilter.ranges.length, 4);
});

test('SET: EEXIST when overlapping an earlier range; adjacent ranges are fine', () => {
  const s = setup();
  s.set(filter(0x100, 0x100, KVM_SMCCC_FILTER_DENY)); // [0x100, 0x1ff]
  throwsErrno(() => s.set(filter(0x1ff, 1, 2)), 'EEXIST');
  throwsErrno(() => s.set(filter(0xff, 2, 2)), 'EEXIST');
  throwsErrno(() => s.set(filter(0x0, 0x1000, 2)), 'EEXIST');
  throwsErrno(() => s.set(filter(0x100, 0x100, 1)), 'EEXIST');
  s.set(filter(0x200, 1, 2));
  s.set(filter(0xff, 1, 0));
  assert.equal(s.vm.smcccFilter.ranges, [
    { base: 0xff, nrFunctions: 1, action: 0 },
    { base: 0x100, nrFunctions: 0x100, action: 1 },
    { base: 0x200, nrFunctions: 1, action: 2 },
  ]);
});

test('smcccFilterAction: HANDLE when unfiltered, the range action inside, HANDLE for the reserved ranges', () => {
  const s = setup();
  assert.is(smcccFilterAction(s.vm, 0xc5000020), KVM_SMCCC_FILTER_HANDLE);
  s.set(filter(0xc5000020, 2, KVM_SMCCC_FILTER_DENY));
  s.set(filter(0x86000000, 0x10000, KVM_SMCCC_FILTER_FWD_TO_USER));
  s.set(filter(0x84000000, 0x20, KVM_SMCCC_FILTER_HANDLE));
  assert.is(smcccFilterAction(s.vm, 0xc500001f), KVM_SMCCC_FILTER_HANDLE);
  assert.is(smcccFilterAction(s.vm, 0xc5000020), KVM_SMCCC_FILTER_DENY);
  assert.is(smcccFilterAction(s.vm, 0xc5000021), KVM_SMCCC_FILTER_DENY);
  assert.is(smcccFilterAction(s.vm, 0xc5000022), KVM_SMCCC_FILTER_HANDLE);
  assert.is(smcccFilterAction(s.vm, 0x8600ff01), KVM_SMCCC_FILTER_FWD_TO_USER);
  assert.is(smcccFilterAction(s.vm, 0x84000002), KVM_SMCCC_FILTER_HANDLE);
  assert.is(smcccFilterAction(s.vm, 0x80000000), KVM_SMCCC_FILTER_HANDLE);
  assert.is(smcccFilterAction(s.vm, 0xc5000020 | 0), KVM_SMCCC_FILTER_DENY); // a signed W0 works too
});

test('rejected calls leave the filter unchanged', () => {
  const s = setup();
  s.set(filter(0x1000, 0x10, 1));
  const before = s.vm.smcccFilter.ranges;
  throwsErrno(() => s.set(filter(0x1008, 0x10, 2)), 'EEXIST');
  throwsErrno(() => s.set(filter(0x2000, 0, 2)), 'EINVAL');
  assert.equal(s.vm.smcccFilter.ranges, before);
  assert.is(smcccFilterAction(s.vm, 0x1010), KVM_SMCCC_FILTER_HANDLE);
});

test.run();
