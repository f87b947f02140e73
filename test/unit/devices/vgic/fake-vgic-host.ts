// A VgicHost for the VGIC tests: plain fields, vCPUs added the way KVM_CREATE_VCPU does it.
import * as assert from 'uvu/assert';
import { KvmError, type ErrnoName } from '../../../../vmcore/errno';
import { CTL_WORDS } from '../../../../vmcore/vcpu-thread-protocol';
import type { VgicHost, VgicVcpu } from '../../../../devices/vgic/vgic-host';
import { Vgic, type VgicModel } from '../../../../devices/vgic/vgic';

/** The default MPIDR of §5.3: Aff0 = id & 0xf, Aff1 = (id >> 4) & 0xff, Aff2 = (id >> 12) & 0xff. */
export function defaultMpidr(id: number): bigint {
  return 0x80000000n | BigInt(id & 0xf) | (BigInt((id >> 4) & 0xff) << 8n) | (BigInt((id >> 12) & 0xff) << 16n);
}

export class FakeVcpu implements VgicVcpu {
  mpidrValue: bigint;
  /** The vCPU's control words, as vmcore's Vcpu has them (delivery drives CTL_LINES). */
  readonly ctl = new Int32Array(new SharedArrayBuffer(CTL_WORDS * 4));
  constructor(
    readonly id: number,
    readonly index: number,
  ) {
    this.mpidrValue = defaultMpidr(id);
  }
  mpidr(): bigint {
    return this.mpidrValue;
  }
}

export class FakeHost implements VgicHost {
  ipaBits = 40;
  ran = false;
  running = false;
  readonly list: FakeVcpu[] = [];
  vgic: Vgic | undefined;

  vcpus(): readonly VgicVcpu[] {
    return this.list;
  }
  hasRun(): boolean {
    return this.ran;
  }
  anyRunning(): boolean {
    return this.running;
  }
  get maxPhysSize(): bigint {
    return 1n << BigInt(this.ipaBits);
  }

  /** KVM_CREATE_VCPU: joins the list, then the VGIC hears of it; an error removes it again. */
  addVcpu(id: number): FakeVcpu {
    const v = new FakeVcpu(id, this.list.length);
    this.list.push(v);
    try {
      this.vgic?.onVcpuCreated(v);
    } catch (e) {
      this.list.pop();
      throw e;
    }
    return v;
  }

  vcpu(id: number): FakeVcpu {
    const v = this.list.find((x) => x.id === id);
    if (!v) throw new Error(`no vCPU ${id}`);
    return v;
  }
}

/** A VM with vCPUs `ids` created before the VGIC (vm_gic_create_with_vcpus). */
export function makeGic(model: VgicModel, ids: number[] = [], host = new FakeHost()): { host: FakeHost; gic: Vgic } {
  for (const id of ids) host.addVcpu(id);
  const gic = new Vgic(model, host);
  host.vgic = gic;
  for (const v of host.list) gic.onVcpuCreated(v);
  return { host, gic };
}

export function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}
export function u64(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  return b;
}
export function asU32(b: Uint8Array): number {
  assert.is(b.length, 4, 'a u32 comes back');
  return new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
}
export function asU64(b: Uint8Array): bigint {
  assert.is(b.length, 8, 'a u64 comes back');
  return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
}

/** Runs fn and asserts it throws a KvmError with exactly this errno. */
export function throwsErrno(fn: () => unknown, errno: ErrnoName, msg?: string): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof KvmError)) throw e;
    assert.is(e.errno, errno, msg ?? e.message);
    return;
  }
  assert.unreachable(`expected ${errno}${msg ? `: ${msg}` : ''}`);
}

/** REDIST_REGION_ATTR_ADDR(count, base, flags, index) from the selftests. */
export function redistRegion(count: number, base: bigint, flags: number, index: number): bigint {
  return (BigInt(count) << 52n) | base | (BigInt(flags) << 12n) | BigInt(index);
}

/** REG_OFFSET(vcpu, offset): MPIDR affinity (or v2 vCPU id) in bits 63:32, offset in 31:0. */
export function regAttr(vcpu: number, offset: number): bigint {
  return (BigInt(vcpu) << 32n) | BigInt(offset);
}
