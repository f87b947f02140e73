/**
 * Integration-test harness: a real server on 127.0.0.1:0 (metrics on another ephemeral port),
 * and a client from clients/ talking gRPC to it.
 */
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { startServer, RunningServer } from '../../server/kvm-server';
import { KvmClient, KvmError, VmHandle, DeviceHandle, u32le, u64le } from '../../clients/kvm-client';
import * as assert from 'uvu/assert';

export interface TestServer {
  server: RunningServer;
  client: KvmClient;
  address: string;
  metricsUrl: string;
  stop(): Promise<void>;
}

export async function startTestServer(extraArgs: string[] = []): Promise<TestServer> {
  const config = loadConfig(['--listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0', '--log-level', 'silent', '--shutdown-grace-ms', '2000', ...extraArgs], {});
  const server = await startServer(config, createLogger('silent'));
  const address = `127.0.0.1:${server.port}`;
  const client = await KvmClient.connect(address);
  return {
    server, client, address, metricsUrl: `http://127.0.0.1:${server.metricsPort}/metrics`,
    async stop() {
      client.close();
      await server.shutdown();
    },
  };
}

/** Asserts that `p` rejects with a KvmError carrying `errno`; returns the error. */
export async function rejectsWith(p: Promise<unknown>, errno: string): Promise<KvmError> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, KvmError);
    assert.is((e as KvmError).errno, errno, (e as Error).message);
    return e as KvmError;
  }
  assert.unreachable(`expected ${errno}`);
  throw new Error('unreachable');
}

export const GUEST_RAM = 0x40000000n;
export const USERSPACE = 0x7f0000000000n;

/** The GICv3 frames the interrupt tests use: QEMU virt's addresses. */
export const GICD = 0x08000000n;
export const GICR = 0x080a0000n;

/**
 * KVM_CREATE_DEVICE(VGIC_V3), the distributor and redistributor bases (ADDR group), NR_IRQS if
 * given, and CTRL_INIT: how a VMM places a GICv3 after creating its vCPUs.
 */
export async function createGicV3(vm: VmHandle, nrIrqs?: number): Promise<DeviceHandle> {
  const gic = await vm.createDevice(7); // KVM_DEV_TYPE_ARM_VGIC_V3
  await gic.setAttr(0, 2n, u64le(GICD)); // KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST
  await gic.setAttr(0, 3n, u64le(GICR)); // KVM_VGIC_V3_ADDR_TYPE_REDIST
  if (nrIrqs !== undefined) await gic.setAttr(3, 0n, u32le(nrIrqs)); // KVM_DEV_ARM_VGIC_GRP_NR_IRQS
  await gic.setAttr(4, 0n); // KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT
  return gic;
}

/** n little-endian u64 words of guest memory. */
export async function readU64s(vm: VmHandle, at: bigint, n: number): Promise<bigint[]> {
  const b = await vm.readMemory(at, 8 * n);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Array.from({ length: n }, (_, i) => dv.getBigUint64(8 * i, true));
}
