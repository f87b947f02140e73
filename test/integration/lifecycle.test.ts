import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, rejectsWith, TestServer, GUEST_RAM, USERSPACE } from './harness';
import { REG } from '../../clients/kvm-client';

let t: TestServer;
test.before(async () => {
  t = await startTestServer();
});
test.after(async () => {
  await t.stop();
});

test('system calls answer as /dev/kvm does', async () => {
  assert.is(await t.client.apiVersion(), 12);
  assert.is(await t.client.vcpuMmapSize(), 8192);
  assert.is(await t.client.checkExtension(165), 40); // KVM_CAP_ARM_VM_IPA_SIZE
  assert.is(await t.client.checkExtension(15), 1); // KVM_CAP_COALESCED_MMIO page offset
  assert.is(await t.client.checkExtension(9999), 0);
  await rejectsWith(t.client.checkExtension(131), 'EINVAL'); // MSI_DEVID on the system fd
});

test('CreateVm validates the IPA machine type', async () => {
  await rejectsWith(t.client.createVm(31), 'EINVAL');
  await rejectsWith(t.client.createVm(41), 'EINVAL');
  await rejectsWith(t.client.createVm(0x100), 'EINVAL');
  const vm = await t.client.createVm(36);
  assert.is(vm.ipaBits, 36);
  const list = await t.client.listVms();
  assert.ok(list.some((v) => v.vm === vm.handle));
  await t.client.destroyVm(vm.handle);
  await rejectsWith(t.client.destroyVm(vm.handle), 'EBADF');
  await rejectsWith(vm.createVcpu(0), 'EBADF');
});

test('a vCPU is inited, its registers read and written, and it runs guest code to an MMIO exit', async () => {
  const vm = await t.client.createVm();
  await vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: GUEST_RAM, memorySize: 0x10000n, userspaceAddr: USERSPACE });
  // movz x1, #0x9000, lsl #16 ; str w2, [x1] ; ldr w3, [x1, #4] ; b .
  const prog = new Uint32Array([0xd2b20001, 0xb9000022, 0xb9400423, 0x14000000]);
  await vm.writeMemory(GUEST_RAM, new Uint8Array(prog.buffer));
  const vcpu = await vm.createVcpu(0);
  await rejectsWith(vcpu.getReg(REG.PC), 'ENOEXEC');
  await rejectsWith(vcpu.run(), 'ENOEXEC');
  await vcpu.init();
  assert.is(await vcpu.getReg(REG.PSTATE), 0x3c5n);
  assert.is(await vcpu.getReg(REG.MPIDR_EL1), 0x80000000n);
  await vcpu.setReg(REG.PC, GUEST_RAM);
  await vcpu.setReg(REG.X(2), 0xdeadbeefn);
  let exit = await vcpu.run();
  assert.is(exit.reason, 'KVM_EXIT_MMIO');
  assert.equal(exit.mmio, { physAddr: 0x90000000n, data: new Uint8Array([0xef, 0xbe, 0xad, 0xde]), len: 4, isWrite: true });
  assert.is(await vcpu.getReg(REG.PC), GUEST_RAM + 4n, 'PC stays at the store until the next run');
  exit = await vcpu.run();
  assert.is(exit.reason, 'KVM_EXIT_MMIO');
  assert.equal(exit.mmio, { physAddr: 0x90000004n, data: new Uint8Array(0), len: 4, isWrite: false });
  exit = await vcpu.run({ mmioData: new Uint8Array([0x78, 0x56, 0x34, 0x12]), deadlineMs: 300 });
  assert.is(exit.reason, 'KVM_EXIT_INTR');
  assert.is(exit.errno, 'EINTR');
  assert.is(await vcpu.getReg(REG.X(3)), 0x12345678n);
  assert.is(await vcpu.getReg(REG.PC), GUEST_RAM + 12n);
  await t.client.destroyVm(vm.handle);
});

test.run();
