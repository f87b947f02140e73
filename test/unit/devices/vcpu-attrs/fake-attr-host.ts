// A VcpuAttrHost for the vCPU-attribute tests: every knob is a plain field.
import * as assert from 'uvu/assert';
import { KvmError, ErrnoName } from '../../../../vmcore/errno';
import { KVM_ARM_VCPU_FEATURE } from '../../../../vmcore/kvm-constants';
import type { AttrVcpu, VcpuAttrHost } from '../../../../devices/vcpu-attrs/vcpu-attr-host';
import { VmAttrState } from '../../../../devices/vcpu-attrs/vm-attr-state';

export class FakeVcpu implements AttrVcpu {
  initialized = true;
  constructor(
    readonly index: number,
    readonly features: Set<number> = new Set([KVM_ARM_VCPU_FEATURE.KVM_ARM_VCPU_PMU_V3]),
  ) {}
  get id(): number {
    return this.index;
  }
  hasFeature(bit: number): boolean {
    return this.features.has(bit);
  }
}

export class FakeHost implements VcpuAttrHost {
  ipaBits = 40;
  irqchip = true;
  vgicInit = true;
  ran = false;
  nrSpis: number | undefined = 64;
  /** [first, last) ranges backed by writable memslots. */
  slots: [bigint, bigint][] = [[0x4000_0000n, 0x4010_0000n]];
  readonly list: FakeVcpu[] = [];

  hasIrqchip(): boolean {
    return this.irqchip;
  }
  vgicInitialized(): boolean {
    return this.vgicInit;
  }
  vmHasRun(): boolean {
    return this.ran;
  }
  vcpus(): readonly AttrVcpu[] {
    return this.list;
  }
  ipaInMemslot(ipa: bigint, size: number): boolean {
    return this.slots.some(([a, b]) => ipa >= a && ipa + BigInt(size) <= b);
  }
  vgicNrSpis(): number {
    return this.nrSpis ?? 988;
  }
}

/** A VM with `n` vCPUs (PMU feature on by default). */
export function makeVm(n = 2, features?: () => Set<number>) {
  const host = new FakeHost();
  const vm = new VmAttrState();
  for (let i = 0; i < n; i++) host.list.push(new FakeVcpu(i, features?.()));
  const v = (i: number) => ({ vcpu: host.list[i], vs: vm.vcpu(i) });
  return { host, vm, v };
}

export const int = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n, true);
  return b;
};
export const u64 = (n: bigint): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n, true);
  return b;
};
export const readInt = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset).getInt32(0, true);
export const readU64 = (b: Uint8Array): bigint => new DataView(b.buffer, b.byteOffset).getBigUint64(0, true);

/** Asserts that fn throws a KvmError with exactly this errno. */
export function throwsErrno(fn: () => unknown, errno: ErrnoName): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, KvmError);
    assert.is((e as KvmError).errno, errno, (e as Error).message);
    return;
  }
  assert.unreachable(`expected ${errno}`);
}
