import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KVM_ARM_VCPU_PVTIME_CTRL, KVM_ARM_VCPU_PVTIME_IPA } from '../../../../vmcore/kvm-constants';
import { getVcpuAttr, hasVcpuAttr, setVcpuAttr } from '../../../../devices/vcpu-attrs/vcpu-attr-groups';
import { INVALID_GPA, pvtimeBase } from '../../../../devices/vcpu-attrs/pvtime-ctrl';
import { makeVm, readU64, throwsErrno, u64 } from './fake-attr-host';

const IPA = BigInt(KVM_ARM_VCPU_PVTIME_IPA);
const G = KVM_ARM_VCPU_PVTIME_CTRL;
const BASE = 0x4000_0000n; // the fake host's memslot: [0x40000000, 0x40100000)

function setup(n = 2) {
  const m = makeVm(n);
  const set = (i: number, attr: bigint, value: Uint8Array) => {
    const { vcpu, vs } = m.v(i);
    setVcpuAttr(m.host, m.vm, vcpu, vs, G, attr, value);
  };
  const get = (i: number, attr = IPA) => {
    const { vcpu, vs } = m.v(i);
    return readU64(getVcpuAttr(m.host, m.vm, vcpu, vs, G, attr));
  };
  const has = (i: number, attr: bigint) => {
    const { vcpu, vs } = m.v(i);
    hasVcpuAttr(m.host, m.vm, vcpu, vs, G, attr);
  };
  return { ...m, set, get, has };
}

test('GET is ~0 (INVALID_GPA) until set, then the IPA; per vCPU', () => {
  const p = setup(2);
  assert.is(p.get(0), 0xffffffffffffffffn);
  assert.is(INVALID_GPA, 0xffffffffffffffffn);
  p.set(0, IPA, u64(BASE + 0x40n));
  assert.is(p.get(0), BASE + 0x40n);
  assert.is(p.get(1), INVALID_GPA);
  assert.is(pvtimeBase(p.vm.vcpu(0)), BASE + 0x40n);
  assert.is(pvtimeBase(p.vm.vcpu(1)), INVALID_GPA);
});

test('HAS: 0 for PVTIME_IPA, ENXIO otherwise', () => {
  const p = setup(1);
  p.has(0, IPA);
  throwsErrno(() => p.has(0, 1n), 'ENXIO');
});

test('ENXIO for an unknown attribute, before EFAULT', () => {
  const p = setup(1);
  throwsErrno(() => p.set(0, 1n, u64(BASE)), 'ENXIO');
  throwsErrno(() => p.set(0, 1n, new Uint8Array(0)), 'ENXIO');
  throwsErrno(() => p.set(0, 1n << 32n, u64(BASE)), 'ENXIO');
  throwsErrno(() => p.get(0, 1n), 'ENXIO');
});

test('EFAULT for fewer than 8 bytes', () => {
  const p = setup(1);
  throwsErrno(() => p.set(0, IPA, new Uint8Array(7)), 'EFAULT');
  assert.is(p.get(0), INVALID_GPA);
});

test('EINVAL unless 64-byte aligned', () => {
  const p = setup(1);
  for (const off of [1n, 8n, 0x20n, 0x3fn]) throwsErrno(() => p.set(0, IPA, u64(BASE + off)), 'EINVAL');
  assert.is(p.get(0), INVALID_GPA);
});

test('EINVAL unless the 64-byte structure is backed by a memslot; nothing changes', () => {
  const p = setup(1);
  throwsErrno(() => p.set(0, IPA, u64(0x1000n)), 'EINVAL');
  throwsErrno(() => p.set(0, IPA, u64(0x4010_0000n)), 'EINVAL');
  throwsErrno(() => p.set(0, IPA, u64(0xffffffffffffffc0n)), 'EINVAL');
  assert.is(p.get(0), INVALID_GPA);
  p.set(0, IPA, u64(0x4010_0000n - 64n)); // the last 64 bytes of the slot
  assert.is(p.get(0), 0x4010_0000n - 64n);
});

test('EEXIST once set, checked after alignment and before the memslot', () => {
  const p = setup(1);
  p.set(0, IPA, u64(BASE));
  throwsErrno(() => p.set(0, IPA, u64(BASE + 0x40n)), 'EEXIST');
  throwsErrno(() => p.set(0, IPA, u64(0x1000n)), 'EEXIST'); // unbacked, but EEXIST first
  throwsErrno(() => p.set(0, IPA, u64(BASE + 1n)), 'EINVAL'); // misaligned beats EEXIST
  assert.is(p.get(0), BASE);
});

test('vCPUs set their IPAs independently', () => {
  const p = setup(2);
  p.set(0, IPA, u64(BASE));
  p.set(1, IPA, u64(BASE));
  assert.is(p.get(1), BASE);
});

test.run();
