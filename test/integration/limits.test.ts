/**
 * Server limits (config.ts QUOTAS) through gRPC: a call beyond a limit fails with
 * RESOURCE_EXHAUSTED, the errno kvm.proto names (ENOSPC for counts, ENOMEM for memory) and
 * ErrorInfo.metadata.quota, and changes nothing; freeing resources makes room again. Also the
 * gRPC receive-message limit on the guest-memory stream.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { status } from '@grpc/grpc-js';
import { startTestServer, rejectsWith, TestServer, USERSPACE } from './harness';
import type { VmHandle } from '../../clients/kvm-client';

const MiB = 1n << 20n;
const uaddr = (k: number): bigint => USERSPACE + BigInt(k) * 0x10000000n;

// Server A: counts, per-VM memory and message size. Server B: total memory.
let a: TestServer;
let b: TestServer;
test.before(async () => {
  a = await startTestServer(['--max-vms', '2', '--max-vcpus-per-vm', '2', '--max-memory-per-vm', '1MiB', '--max-receive-message-size', '64KiB']);
  b = await startTestServer(['--max-memory-per-vm', '2MiB', '--max-memory-total', '3MiB']);
});
test.after(async () => {
  await a.stop();
  await b.stop();
});

async function metric(s: TestServer, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(s.metricsUrl)).text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',');
  const m = new RegExp(`^${name}\\{${want}\\}\\s+(\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

async function slotCount(vm: VmHandle): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return ((await vm.describe()) as any).slots.length;
}

test('--max-vms 2: the third CreateVm is RESOURCE_EXHAUSTED / ENOSPC with quota max_vms; destroying one makes room', async () => {
  const before = await metric(a, 'kvm_quota_exceeded_total', { quota: 'max_vms' });
  const vm1 = await a.client.createVm();
  const vm2 = await a.client.createVm();
  const e = await rejectsWith(a.client.createVm(), 'ENOSPC');
  assert.is(e.code, status.RESOURCE_EXHAUSTED);
  assert.is(e.info.quota, 'max_vms');
  assert.is(e.errnoNumber, 28);
  assert.ok(e.message.includes('2'), e.message);
  assert.equal((await a.client.listVms()).map((v) => v.vm), [vm1.handle, vm2.handle], 'nothing was created');
  // The check comes after the machine-type validation: a bad type is still EINVAL.
  await rejectsWith(a.client.createVm(0x100), 'EINVAL');
  assert.is(await metric(a, 'kvm_quota_exceeded_total', { quota: 'max_vms' }) - before, 1);

  await a.client.destroyVm(vm1.handle);
  const vm3 = await a.client.createVm();
  assert.ok(vm3.handle > vm2.handle, 'handles are never reused');
  await rejectsWith(a.client.createVm(), 'ENOSPC');
  await a.client.destroyVm(vm2.handle);
  await a.client.destroyVm(vm3.handle);
});

test('--max-vcpus-per-vm 2: the third vCPU is RESOURCE_EXHAUSTED / ENOSPC with quota max_vcpus_per_vm', async () => {
  const vm = await a.client.createVm();
  await vm.createVcpu(0);
  await vm.createVcpu(7);
  // The kernel's own checks come first: an id >= 512 is EINVAL, an existing id EEXIST.
  await rejectsWith(vm.createVcpu(512), 'EINVAL');
  await rejectsWith(vm.createVcpu(7), 'EEXIST');
  const e = await rejectsWith(vm.createVcpu(1), 'ENOSPC');
  assert.is(e.code, status.RESOURCE_EXHAUSTED);
  assert.is(e.info.quota, 'max_vcpus_per_vm');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  assert.equal(((await vm.describe()) as any).vcpus.map((v: { vcpuId: number }) => v.vcpuId), [0, 7]);
  await rejectsWith(vm.vcpu(1).init(), 'EBADF');
  // Another VM has its own budget.
  const other = await a.client.createVm();
  await other.createVcpu(1);
  await a.client.destroyVm(other.handle);
  await a.client.destroyVm(vm.handle);
});

test('--max-memory-per-vm 1MiB: a 2 MiB slot is RESOURCE_EXHAUSTED / ENOMEM and changes nothing', async () => {
  const vm = await a.client.createVm();
  const e = await rejectsWith(vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: 0x40000000n, memorySize: 2n * MiB, userspaceAddr: uaddr(0) }), 'ENOMEM');
  assert.is(e.code, status.RESOURCE_EXHAUSTED);
  assert.is(e.info.quota, 'max_memory_per_vm');
  assert.is(e.errnoNumber, 12);
  assert.is(await slotCount(vm), 0);
  assert.is((await a.client.listVms()).find((v) => v.vm === vm.handle)?.memoryBytes, 0n);
  await rejectsWith(vm.readMemory(0x40000000n, 4), 'EFAULT');

  // Exactly the limit fits; one more page does not.
  await vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: 0x40000000n, memorySize: MiB, userspaceAddr: uaddr(0) });
  const e2 = await rejectsWith(vm.setUserMemoryRegion({ slot: 1, guestPhysAddr: 0x50000000n, memorySize: 0x1000n, userspaceAddr: uaddr(1) }), 'ENOMEM');
  assert.is(e2.info.quota, 'max_memory_per_vm');
  assert.is(await slotCount(vm), 1);
  assert.is((await a.client.listVms()).find((v) => v.vm === vm.handle)?.memoryBytes, MiB);
  // Deleting the slot frees its memory.
  await vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: 0x40000000n, memorySize: 0n, userspaceAddr: uaddr(0) });
  await vm.setUserMemoryRegion({ slot: 1, guestPhysAddr: 0x50000000n, memorySize: MiB, userspaceAddr: uaddr(1) });
  await a.client.destroyVm(vm.handle);
});

test('--max-memory-total 3MiB across VMs: ENOMEM with quota max_memory_total; freeing memory in one VM makes room in another', async () => {
  const vm1 = await b.client.createVm();
  const vm2 = await b.client.createVm();
  await vm1.setUserMemoryRegion({ slot: 0, guestPhysAddr: 0x40000000n, memorySize: 2n * MiB, userspaceAddr: uaddr(0) });
  await vm2.setUserMemoryRegion({ slot: 0, guestPhysAddr: 0x40000000n, memorySize: MiB, userspaceAddr: uaddr(0) });
  const e = await rejectsWith(vm2.setUserMemoryRegion({ slot: 1, guestPhysAddr: 0x50000000n, memorySize: 0x1000n, userspaceAddr: uaddr(1) }), 'ENOMEM');
  assert.is(e.code, status.RESOURCE_EXHAUSTED);
  assert.is(e.info.quota, 'max_memory_total');
  assert.is(await slotCount(vm2), 1);
  // vm1 is at its own limit, which is checked first.
  const e1 = await rejectsWith(vm1.setUserMemoryRegion({ slot: 1, guestPhysAddr: 0x50000000n, memorySize: 0x1000n, userspaceAddr: uaddr(1) }), 'ENOMEM');
  assert.is(e1.info.quota, 'max_memory_per_vm');

  await vm1.setUserMemoryRegion({ slot: 0, guestPhysAddr: 0x40000000n, memorySize: 0n, userspaceAddr: uaddr(0) });
  await vm2.setUserMemoryRegion({ slot: 1, guestPhysAddr: 0x50000000n, memorySize: MiB, userspaceAddr: uaddr(1) });
  await rejectsWith(vm1.setUserMemoryRegion({ slot: 0, guestPhysAddr: 0x40000000n, memorySize: 2n * MiB, userspaceAddr: uaddr(0) }), 'ENOMEM');
  // Destroying a VM releases its memory.
  await b.client.destroyVm(vm2.handle);
  await vm1.setUserMemoryRegion({ slot: 0, guestPhysAddr: 0x40000000n, memorySize: 2n * MiB, userspaceAddr: uaddr(0) });
  await b.client.destroyVm(vm1.handle);
});

test('a WriteGuestMemory chunk above --max-receive-message-size fails RESOURCE_EXHAUSTED and writes nothing', async () => {
  const vm = await a.client.createVm();
  await vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: 0x40000000n, memorySize: 0x40000n, userspaceAddr: uaddr(0) });
  const e = await vm.writeMemory(0x40000000n, new Uint8Array(128 << 10).fill(0xab)).then(() => undefined, (x: unknown) => x);
  assert.ok(e, 'the 128 KiB message was refused');
  assert.is((e as { code: number }).code, status.RESOURCE_EXHAUSTED);
  assert.equal(await vm.readMemory(0x40000000n, 16), new Uint8Array(16), 'nothing written');
  // Below the limit the same stream works.
  assert.is(await vm.writeMemory(0x40000000n, new Uint8Array(32 << 10).fill(0xab)), 32n << 10n);
  assert.equal(await vm.readMemory(0x40000000n, 4), new Uint8Array([0xab, 0xab, 0xab, 0xab]));
  await a.client.destroyVm(vm.handle);
});

test.run();
