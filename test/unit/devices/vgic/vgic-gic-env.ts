// A ready VGIC with one vCPU-thread view (VgicThread + FakeCpu) per vCPU, as the workers run it, and
// guest-style helpers: MMIO to the frames through the thread views, ICC registers through the hooks.
import * as assert from 'uvu/assert';
import { KVM_DEV_ARM_VGIC_CTRL_INIT, KVM_DEV_ARM_VGIC_GRP, KVM_VGIC_V2_ADDR_TYPE_CPU, KVM_VGIC_V2_ADDR_TYPE_DIST, KVM_VGIC_V3_ADDR_TYPE_DIST, KVM_VGIC_V3_ADDR_TYPE_REDIST } from '../../../../vmcore/kvm-constants';
import { CTL_LINES, CTL_WAKE } from '../../../../vmcore/vcpu-thread-protocol';
import type { Vgic, VgicModel } from '../../../../devices/vgic/vgic';
import { VgicThread } from '../../../../devices/vgic/vgic-thread';
import { FakeCpu } from './fake-cpu';
import { makeGic, u64, type FakeHost, type FakeVcpu } from './fake-vgic-host';

export const DIST = 0x8000000;
export const GICC = 0x8010000;
export const RD = 0x80a0000;
export const SGI = 0x10000;

export interface Cpu {
  v: FakeVcpu;
  cpu: FakeCpu;
  th: VgicThread;
}

export interface Env {
  host: FakeHost;
  gic: Vgic;
  cpus: Cpu[];
}

/** vCPUs `ids`, the frames at DIST / RD (v3) or DIST / GICC (v2), initialised and mapped. */
export function readyGic(model: VgicModel, ids: number[] = [0, 1], nrIrqs?: number): Env {
  const { host, gic } = makeGic(model, ids);
  const G = KVM_DEV_ARM_VGIC_GRP;
  if (model === 'v3') {
    gic.setAttr(G.KVM_DEV_ARM_VGIC_GRP_ADDR, BigInt(KVM_VGIC_V3_ADDR_TYPE_DIST), u64(BigInt(DIST)));
    gic.setAttr(G.KVM_DEV_ARM_VGIC_GRP_ADDR, BigInt(KVM_VGIC_V3_ADDR_TYPE_REDIST), u64(BigInt(RD)));
  } else {
    gic.setAttr(G.KVM_DEV_ARM_VGIC_GRP_ADDR, BigInt(KVM_VGIC_V2_ADDR_TYPE_DIST), u64(BigInt(DIST)));
    gic.setAttr(G.KVM_DEV_ARM_VGIC_GRP_ADDR, BigInt(KVM_VGIC_V2_ADDR_TYPE_CPU), u64(BigInt(GICC)));
  }
  if (nrIrqs !== undefined) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, nrIrqs, true);
    gic.setAttr(G.KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0n, b);
  }
  if (model === 'v3') gic.setAttr(G.KVM_DEV_ARM_VGIC_GRP_CTRL, BigInt(KVM_DEV_ARM_VGIC_CTRL_INIT), new Uint8Array(0));
  gic.mapResources();
  const desc = gic.shared();
  assert.ok(desc, 'shared() once ready');
  const cpus = host.list.map((v) => {
    const cpu = new FakeCpu();
    return { v, cpu, th: new VgicThread(desc, v.id, cpu) };
  });
  return { host, gic, cpus };
}

const out = new Int32Array(2);

/** A guest 32-bit store through vCPU `c`'s thread view. */
export function store(c: Cpu, addr: number, value: number, len = 4): void {
  assert.ok(c.th.mmio(addr, len, true, value | 0, 0, out), `a frame covers 0x${addr.toString(16)}`);
}

/** A guest load of `len` bytes through vCPU `c`'s thread view. */
export function load(c: Cpu, addr: number, len = 4): number {
  assert.ok(c.th.mmio(addr, len, false, 0, 0, out), `a frame covers 0x${addr.toString(16)}`);
  return out[0] >>> 0;
}

/** vCPU index i's redistributor SGI_base frame. */
export const sgiBase = (i: number): number => RD + i * 0x20000 + SGI;

/** The vCPU's interrupt inputs as delivery left them in its control words (bit 0 IRQ, bit 1 FIQ). */
export const lines = (c: Cpu): number => Atomics.load(c.v.ctl, CTL_LINES);
export const wakes = (c: Cpu): number => Atomics.load(c.v.ctl, CTL_WAKE);
