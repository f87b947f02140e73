/**
 * The system object (/dev/kvm, spec §3): KVM_GET_API_VERSION, KVM_CREATE_VM's IPA machine type,
 * KVM_GET_VCPU_MMAP_SIZE, the VM table (EBADF), destroy, and the server's limits on VMs and guest
 * memory (ENOSPC / ENOMEM with the quota's name in the error metadata).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KvmError } from '../../../vmcore/errno';
import type { UserMemoryRegion } from '../../../vmcore/memory-slots';
import { newSystem, rejectsErrno, throwsErrno } from './fake-ports';

const MiB = 1 << 20;
const region = (slot: number, gpa: bigint, size: number, uaddr: bigint): UserMemoryRegion => ({
  slot, flags: 0, guestPhysAddr: gpa, memorySize: BigInt(size), userspaceAddr: uaddr,
});

test('KVM_GET_API_VERSION is 12; KVM_GET_VCPU_MMAP_SIZE is two 4 KiB pages (kvm_run + ring)', () => {
  const { sys } = newSystem();
  assert.is(sys.getApiVersion(), 12);
  assert.is(sys.getVcpuMmapSize(), 8192);
  assert.is(sys.checkExtension(165), 40);
});

test('CreateVm type: 0 is the legacy 40 bits; 32..40 are taken as given', () => {
  const { sys } = newSystem();
  assert.is(sys.createVm(0n).ipaBits, 40);
  for (let n = 32; n <= 40; n++) assert.is(sys.createVm(BigInt(n)).ipaBits, n);
});

test('CreateVm type: EINVAL for 1..31, 41..255, bits above 7:0 (incl. bit 31 KVM_VM_TYPE_ARM_PROTECTED); nothing is created', () => {
  const { sys } = newSystem({ maxVms: 1000 });
  const bad = [1n, 16n, 31n, 41n, 48n, 52n, 0xffn, 0x100n, 0x128n, 0x80000000n, 0x80000028n, 0x1_0000_0000n, 1n << 63n];
  for (const t of bad) throwsErrno(() => sys.createVm(t), 'EINVAL', `type 0x${t.toString(16)}`);
  assert.is(sys.list().length, 0);
});

test('handles are unique and increasing; vm(handle) finds the VM; EBADF for an unknown handle', () => {
  const { sys } = newSystem();
  const a = sys.createVm(0n);
  const b = sys.createVm(36n);
  assert.ok(b.handle > a.handle);
  assert.is(sys.vm(a.handle), a);
  assert.is(sys.vm(b.handle), b);
  assert.equal(sys.list(), [a, b]);
  for (const h of [0n, b.handle + 1n, -1n, 1n << 62n]) throwsErrno(() => sys.vm(h), 'EBADF', `handle ${h}`);
});

test('max_vms: the next CreateVm is ENOSPC with metadata quota=max_vms; type errors come first; destroying one makes room', async () => {
  const { sys } = newSystem({ maxVms: 2 });
  const a = sys.createVm(0n);
  sys.createVm(0n);
  const e = throwsErrno(() => sys.createVm(0n), 'ENOSPC');
  assert.equal(e.metadata, { quota: 'max_vms' });
  throwsErrno(() => sys.createVm(41n), 'EINVAL', 'the machine type is validated before the limit');
  assert.is(sys.list().length, 2);
  await sys.destroyVm(a.handle);
  const c = sys.createVm(0n);
  assert.ok(c.handle > a.handle, 'a handle is never reused');
  assert.is(sys.list().length, 2);
});

test('max_vcpus_per_vm: ENOSPC with quota=max_vcpus_per_vm after the kernel checks pass', () => {
  const { sys } = newSystem({ maxVcpusPerVm: 2 });
  const vm = sys.createVm(0n);
  vm.createVcpu(0);
  vm.createVcpu(1);
  throwsErrno(() => vm.createVcpu(1), 'EEXIST', 'the kernel errors come first');
  throwsErrno(() => vm.createVcpu(512), 'EINVAL');
  const e = throwsErrno(() => vm.createVcpu(2), 'ENOSPC');
  assert.equal(e.metadata, { quota: 'max_vcpus_per_vm' });
  assert.is(vm.vcpus().length, 2);
});

test('memory per VM: a slot over max_memory_per_vm is ENOMEM (quota max_memory_per_vm) and changes nothing', () => {
  const { sys } = newSystem({ maxMemoryPerVm: 2 * MiB, maxMemoryTotal: 64 * MiB });
  const vm = sys.createVm(0n);
  vm.setUserMemoryRegion(region(0, 0x40000000n, MiB, 0x1000_0000n));
  assert.is(sys.guestMemoryBytes, MiB);
  const e = throwsErrno(() => vm.setUserMemoryRegion(region(1, 0x50000000n, 2 * MiB, 0x2000_0000n)), 'ENOMEM');
  assert.equal(e.metadata, { quota: 'max_memory_per_vm' });
  assert.is(sys.guestMemoryBytes, MiB);
  assert.is(vm.slots.list().length, 1);
  vm.setUserMemoryRegion(region(1, 0x50000000n, MiB, 0x2000_0000n)); // exactly at the limit
  assert.is(sys.guestMemoryBytes, 2 * MiB);
  // Another VM has its own per-VM budget.
  const other = sys.createVm(0n);
  other.setUserMemoryRegion(region(0, 0x40000000n, 2 * MiB, 0x1000_0000n));
  assert.is(sys.guestMemoryBytes, 4 * MiB);
});

test('memory in total: ENOMEM with quota max_memory_total across VMs; deleting a slot or destroying a VM releases it', async () => {
  const { sys } = newSystem({ maxMemoryPerVm: 4 * MiB, maxMemoryTotal: 3 * MiB });
  const a = sys.createVm(0n);
  const b = sys.createVm(0n);
  a.setUserMemoryRegion(region(0, 0x40000000n, 2 * MiB, 0x1000_0000n));
  const e = throwsErrno(() => b.setUserMemoryRegion(region(0, 0x40000000n, 2 * MiB, 0x1000_0000n)), 'ENOMEM');
  assert.equal(e.metadata, { quota: 'max_memory_total' });
  assert.is(b.slots.list().length, 0);
  assert.is(sys.guestMemoryBytes, 2 * MiB);
  // Deleting the slot in A makes room in B.
  a.setUserMemoryRegion(region(0, 0x40000000n, 0, 0x1000_0000n));
  assert.is(sys.guestMemoryBytes, 0);
  b.setUserMemoryRegion(region(0, 0x40000000n, 2 * MiB, 0x1000_0000n));
  a.setUserMemoryRegion(region(0, 0x40000000n, MiB, 0x1000_0000n));
  assert.is(sys.guestMemoryBytes, 3 * MiB);
  await sys.destroyVm(b.handle);
  assert.is(sys.guestMemoryBytes, MiB, "destroying B released its 2 MiB");
  a.setUserMemoryRegion(region(1, 0x50000000n, 2 * MiB, 0x2000_0000n));
  assert.is(sys.guestMemoryBytes, 3 * MiB);
  await sys.destroyAll();
  assert.is(sys.guestMemoryBytes, 0);
  assert.is(sys.list().length, 0);
});

test('memory accounting counts backing mappings: two slots inside one mapping are charged once', () => {
  const { sys } = newSystem({ maxMemoryPerVm: 4 * MiB, maxMemoryTotal: 4 * MiB });
  const vm = sys.createVm(0n);
  vm.setUserMemoryRegion(region(0, 0x40000000n, 2 * MiB, 0x1000_0000n));
  vm.setUserMemoryRegion(region(1, 0x60000000n, MiB, 0x1000_0000n)); // aliases the first MiB
  assert.is(sys.guestMemoryBytes, 2 * MiB);
  vm.setUserMemoryRegion(region(0, 0x40000000n, 0, 0x1000_0000n));
  assert.is(sys.guestMemoryBytes, 2 * MiB, 'still used by slot 1');
  vm.setUserMemoryRegion(region(1, 0x60000000n, 0, 0x1000_0000n));
  assert.is(sys.guestMemoryBytes, 0);
});

test('destroyVm: EBADF afterwards and for an unknown handle; the VM object answers EIO; its vCPU threads end', async () => {
  const { sys, ports } = newSystem();
  const vm = sys.createVm(0n);
  const v = vm.createVcpu(0);
  v.init(5, [1 << 2]);
  const thread = ports.threads.of(0);
  await sys.destroyVm(vm.handle);
  assert.is(thread.terminated, true);
  throwsErrno(() => sys.vm(vm.handle), 'EBADF');
  await rejectsErrno(sys.destroyVm(vm.handle), 'EBADF');
  await rejectsErrno(sys.destroyVm(9999n), 'EBADF');
  throwsErrno(() => vm.createVcpu(1), 'EIO');
  throwsErrno(() => v.getOneReg(0x6030000000100000n), 'EIO');
  assert.is(vm.state, 'dead');
});

test('the observer is handed to every VM (dead() on a VGIC mapping failure)', async () => {
  const dead: string[] = [];
  const { sys } = newSystem({}, {}, { dead: (_vm, reason) => dead.push(reason) });
  const vm = sys.createVm(0n);
  vm.createIrqchip(); // GICv2 without addresses: the first run fails with ENXIO
  const v = vm.createVcpu(0);
  v.init(5, []);
  const e = await v.run({ immediateExit: false, deadline: Date.now() + 50 }).then(() => undefined, (x: KvmError) => x);
  assert.is(e?.errno, 'ENXIO');
  assert.is(dead.length, 1);
  assert.match(dead[0], /VGIC mapping failed/);
});

test.run();
