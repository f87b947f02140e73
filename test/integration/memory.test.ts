/**
 * Guest memory through gRPC (spec §4.1-§4.3): memslot create/delete/move/flags-only/no-op, every
 * KVM_SET_USER_MEMORY_REGION errno in the order of §4.1, userspace reads and writes of guest
 * memory, dirty logging as real guest stores produce it, and read-only slots.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { startTestServer, rejectsWith, TestServer, GUEST_RAM, USERSPACE } from './harness';
import { REG, VmHandle, VcpuHandle } from '../../clients/kvm-client';
import { assemble } from '../guests/assemble';

const KVM_MEM_LOG_DIRTY_PAGES = 1;
const KVM_MEM_READONLY = 2;
const KVM_MEM_GUEST_MEMFD = 4;
const KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 = 168;
const PAGE = 0x1000n;
/** A distinct userspace mapping per slot (the service backs each range with its own buffer). */
const uaddr = (k: number): bigint => USERSPACE + BigInt(k) * 0x10000000n;

let t: TestServer;
test.before(async () => {
  t = await startTestServer();
});
test.after(async () => {
  await t.stop();
});

interface SlotView { slot: number; flags: number; gpa: bigint; size: bigint; uaddr: bigint }

/** The VM's slots as DescribeVm reports them, sorted by id. */
async function slots(vm: VmHandle): Promise<SlotView[]> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const d = (await vm.describe()) as any;
  return (d.slots as Array<Record<string, string & number>>)
    .map((s) => ({ slot: s.slot, flags: s.flags, gpa: BigInt(s.guestPhysAddr), size: BigInt(s.memorySize), uaddr: BigInt(s.userspaceAddr) }))
    .sort((a, b) => a.slot - b.slot);
}

const region = (slot: number, gpa: bigint, size: bigint, u: bigint, flags = 0) =>
  ({ slot, flags, guestPhysAddr: gpa, memorySize: size, userspaceAddr: u });

async function freshVm(type = 0): Promise<VmHandle> {
  return t.client.createVm(type);
}

/** Creates vCPU 0, inits it, points PC at `pc`. */
async function vcpuAt(vm: VmHandle, pc: bigint): Promise<VcpuHandle> {
  const v = await vm.createVcpu(0);
  await v.init();
  await v.setReg(REG.PC, pc);
  return v;
}

test('create, no-op update, flags-only change, move and delete of a slot', async () => {
  const vm = await freshVm();
  await vm.setUserMemoryRegion(region(3, GUEST_RAM, 0x10000n, uaddr(0)));
  assert.equal(await slots(vm), [{ slot: 3, flags: 0, gpa: GUEST_RAM, size: 0x10000n, uaddr: uaddr(0) }]);

  // An update with nothing changed returns 0 and changes nothing.
  await vm.setUserMemoryRegion(region(3, GUEST_RAM, 0x10000n, uaddr(0)));
  assert.equal(await slots(vm), [{ slot: 3, flags: 0, gpa: GUEST_RAM, size: 0x10000n, uaddr: uaddr(0) }]);

  // Flags-only: LOG_DIRTY_PAGES toggled on (a dirty log appears) and off again (it goes away).
  await rejectsWith(vm.getDirtyLog(3), 'ENOENT');
  await vm.setUserMemoryRegion(region(3, GUEST_RAM, 0x10000n, uaddr(0), KVM_MEM_LOG_DIRTY_PAGES));
  assert.is((await slots(vm))[0].flags, KVM_MEM_LOG_DIRTY_PAGES);
  assert.equal(await vm.getDirtyLog(3), new Uint8Array(8));
  await vm.setUserMemoryRegion(region(3, GUEST_RAM, 0x10000n, uaddr(0)));
  assert.is((await slots(vm))[0].flags, 0);
  await rejectsWith(vm.getDirtyLog(3), 'ENOENT');

  // Move: same id, size and userspace_addr, new guest_phys_addr. The contents move with it.
  const data = randomBytes(0x10000);
  await vm.writeMemory(GUEST_RAM, data);
  await vm.setUserMemoryRegion(region(3, 0x80000000n, 0x10000n, uaddr(0)));
  assert.equal(await slots(vm), [{ slot: 3, flags: 0, gpa: 0x80000000n, size: 0x10000n, uaddr: uaddr(0) }]);
  assert.equal(Buffer.from(await vm.readMemory(0x80000000n, 0x10000)), data, 'move keeps the contents');
  await rejectsWith(vm.readMemory(GUEST_RAM, 4), 'EFAULT');

  // Delete (size 0); deleting it again fails with EINVAL.
  await vm.setUserMemoryRegion(region(3, 0x80000000n, 0n, uaddr(0)));
  assert.equal(await slots(vm), []);
  await rejectsWith(vm.setUserMemoryRegion(region(3, 0x80000000n, 0n, uaddr(0))), 'EINVAL');
  await rejectsWith(vm.readMemory(0x80000000n, 4), 'EFAULT');
  await t.client.destroyVm(vm.handle);
});

test('KVM_SET_USER_MEMORY_REGION errno, rule by rule and in the order of §4.1; a rejected call changes nothing', async () => {
  const vm = await freshVm();
  await vm.setUserMemoryRegion(region(0, GUEST_RAM, 0x10000n, uaddr(0)));
  const before = await slots(vm);
  const rejects = async (r: ReturnType<typeof region>, errno: string, why: string): Promise<void> => {
    const e = await rejectsWith(vm.setUserMemoryRegion(r), errno);
    assert.ok(e.message.length > 0, why);
    assert.equal(await slots(vm), before, `${why}: nothing changed`);
  };

  // Rule 1: unknown flags, GUEST_MEMFD without REGION2 / guest_memfd VM type.
  await rejects(region(1, 0x50000000n, PAGE, uaddr(1), KVM_MEM_GUEST_MEMFD), 'EINVAL', 'GUEST_MEMFD');
  await rejects(region(1, 0x50000000n, PAGE, uaddr(1), 1 << 3), 'EINVAL', 'flag bit 3');
  await rejects(region(1, 0x50000000n, PAGE, uaddr(1), 0x80000000), 'EINVAL', 'flag bit 31');
  // Rule 2: address space id >= 1, slot id >= KVM_USER_MEM_SLOTS (32767).
  await rejects(region((1 << 16) | 1, 0x50000000n, PAGE, uaddr(1)), 'EINVAL', 'as_id 1');
  await rejects(region(32767, 0x50000000n, PAGE, uaddr(1)), 'EINVAL', 'slot id 32767');
  // Rule 3: alignment, wrap.
  await rejects(region(1, 0x50000000n, 0x800n, uaddr(1)), 'EINVAL', 'size not a page multiple');
  await rejects(region(1, 0x50000800n, PAGE, uaddr(1)), 'EINVAL', 'gpa not page aligned');
  await rejects(region(1, 0x50000000n, PAGE, uaddr(1) + 0x10n), 'EINVAL', 'userspace_addr not page aligned');
  await rejects(region(1, 0xfffffffffffff000n, 0x2000n, uaddr(1)), 'EINVAL', 'gpa + size wraps (EINVAL, not EFAULT)');
  // Rule 4 on the existing slot 0: resize, new userspace_addr, READONLY change; delete of a missing slot.
  await rejects(region(0, GUEST_RAM, 0x20000n, uaddr(0)), 'EINVAL', 'resize');
  await rejects(region(0, GUEST_RAM, 0x8000n, uaddr(0)), 'EINVAL', 'shrink');
  await rejects(region(0, GUEST_RAM, 0x10000n, uaddr(2)), 'EINVAL', 'different userspace_addr');
  await rejects(region(0, GUEST_RAM, 0x10000n, uaddr(0), KVM_MEM_READONLY), 'EINVAL', 'READONLY set on an existing slot');
  await rejects(region(7, GUEST_RAM, 0n, uaddr(0)), 'EINVAL', 'delete of a slot that does not exist');
  // Rule 5: EEXIST on overlap (create and move), checked in frames; touching is fine.
  await rejects(region(1, GUEST_RAM + 0xf000n, 0x2000n, uaddr(1)), 'EEXIST', 'overlaps the last page of slot 0');
  await rejects(region(1, GUEST_RAM - 0x1000n, 0x2000n, uaddr(1)), 'EEXIST', 'overlaps the first page of slot 0');
  await rejects(region(1, GUEST_RAM + 0x4000n, 0x1000n, uaddr(1)), 'EEXIST', 'inside slot 0');
  await rejects(region(1, GUEST_RAM - 0x10000n, 0x30000n, uaddr(1)), 'EEXIST', 'around slot 0');
  // Rule 6: EFAULT beyond the 2^40 IPA space.
  await rejects(region(1, (1n << 40n) - PAGE, 0x2000n, uaddr(1)), 'EFAULT', 'ends one page beyond 2^40');
  await rejects(region(1, 1n << 40n, PAGE, uaddr(1)), 'EFAULT', 'starts at 2^40');

  // The order between rules with different errnos.
  await rejects(region(1, GUEST_RAM, 0x10000n, uaddr(1), 1 << 5), 'EINVAL', 'bad flags before overlap (1 before 5)');
  await rejects(region(1 << 16, GUEST_RAM, 0x10000n, uaddr(1)), 'EINVAL', 'as_id before overlap (2 before 5)');
  await rejects(region(1, GUEST_RAM + 0x800n, 0x1000n, uaddr(1)), 'EINVAL', 'alignment before overlap (3 before 5)');
  await rejects(region(1, 1n << 40n, 0x800n, uaddr(1)), 'EINVAL', 'alignment before IPA (3 before 6)');
  await rejects(region(0, GUEST_RAM, 1n << 41n, uaddr(0)), 'EINVAL', 'resize before IPA (4 before 6)');
  await rejects(region(1, (1n << 40n) - 0x20000n, 0x40000n, uaddr(1), 1 << 4), 'EINVAL', 'flags before IPA (1 before 6)');
  await vm.setUserMemoryRegion(region(9, (1n << 40n) - PAGE, PAGE, uaddr(9)));
  const withTop = await slots(vm);
  const e = await rejectsWith(vm.setUserMemoryRegion(region(1, (1n << 40n) - 0x2000n, 0x3000n, uaddr(1))), 'EEXIST');
  assert.ok(e.message.includes('overlap'), 'overlap (5) before IPA (6)');
  assert.equal(await slots(vm), withTop);

  // Move onto another slot: EEXIST; move beyond the IPA space: EFAULT. Slot 0 stays put.
  await rejectsWith(vm.setUserMemoryRegion(region(0, (1n << 40n) - 0x10000n, 0x10000n, uaddr(0))), 'EEXIST');
  await rejectsWith(vm.setUserMemoryRegion(region(0, (1n << 40n), 0x10000n, uaddr(0))), 'EFAULT');
  assert.equal(await slots(vm), withTop);

  // The boundaries that are allowed: touching slots, the last page below 2^40, slot id 32766,
  // LOG_DIRTY_PAGES together with READONLY.
  await vm.setUserMemoryRegion(region(1, GUEST_RAM + 0x10000n, PAGE, uaddr(1)));
  await vm.setUserMemoryRegion(region(2, GUEST_RAM - PAGE, PAGE, uaddr(2)));
  await vm.setUserMemoryRegion(region(32766, 0x60000000n, PAGE, uaddr(3), KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY));
  assert.equal((await slots(vm)).map((s) => s.slot), [0, 1, 2, 9, 32766]);
  // READONLY cannot be cleared either; LOG_DIRTY_PAGES alone may be.
  const all = await slots(vm);
  await rejectsWith(vm.setUserMemoryRegion(region(32766, 0x60000000n, PAGE, uaddr(3), KVM_MEM_LOG_DIRTY_PAGES)), 'EINVAL');
  assert.equal(await slots(vm), all);
  await vm.setUserMemoryRegion(region(32766, 0x60000000n, PAGE, uaddr(3), KVM_MEM_READONLY));
  assert.is((await slots(vm))[4].flags, KVM_MEM_READONLY);
  assert.is((await slots(vm))[3].gpa + (await slots(vm))[3].size, 1n << 40n, 'a slot may end exactly at 2^40');
  await t.client.destroyVm(vm.handle);
});

test('EFAULT bound follows the VM IPA size: 2^32 for an IPA-32 VM', async () => {
  const vm = await freshVm(32);
  assert.is(vm.ipaBits, 32);
  await rejectsWith(vm.setUserMemoryRegion(region(0, (1n << 32n) - PAGE, 0x2000n, uaddr(0))), 'EFAULT');
  await rejectsWith(vm.setUserMemoryRegion(region(0, 1n << 32n, PAGE, uaddr(0))), 'EFAULT');
  assert.equal(await slots(vm), []);
  await vm.setUserMemoryRegion(region(0, (1n << 32n) - 0x10000n, 0x10000n, uaddr(0)));
  assert.equal(await slots(vm), [{ slot: 0, flags: 0, gpa: (1n << 32n) - 0x10000n, size: 0x10000n, uaddr: uaddr(0) }]);
  await t.client.destroyVm(vm.handle);
});

test('a multi-MiB write over the stream reads back equal; reads span adjacent slots', async () => {
  const vm = await freshVm();
  await vm.setUserMemoryRegion(region(0, GUEST_RAM, 4n << 20n, uaddr(0)));
  const data = randomBytes((3 << 20) + 12345);
  const chunks: number[] = [];
  const written = await vm.writeMemory(GUEST_RAM + 0x1000n, data, (done) => chunks.push(done));
  assert.is(written, BigInt(data.length));
  assert.is(chunks.length, 4, 'the client sent 4 chunks of <= 1 MiB');
  const back = await vm.readMemory(GUEST_RAM + 0x1000n, data.length);
  assert.ok(Buffer.from(back).equals(data), 'read-back equals the written bytes');
  assert.equal(await vm.readMemory(GUEST_RAM, 0x1000), new Uint8Array(0x1000), 'bytes before the write stay zero');

  // Two adjacent slots backed by different mappings: one read or write spans both.
  await vm.setUserMemoryRegion(region(1, GUEST_RAM + (4n << 20n), 0x10000n, uaddr(1)));
  const span = randomBytes(0x3000);
  const at = GUEST_RAM + (4n << 20n) - 0x1800n;
  await vm.writeMemory(at, span);
  assert.ok(Buffer.from(await vm.readMemory(at, span.length)).equals(span));
  assert.ok(Buffer.from(await vm.readMemory(GUEST_RAM + (4n << 20n), 0x1800)).equals(span.subarray(0x1800)), 'the second half is in slot 1');
  await t.client.destroyVm(vm.handle);
});

test('EFAULT for addresses in no slot; a failed write changes nothing', async () => {
  const vm = await freshVm();
  await vm.setUserMemoryRegion(region(0, GUEST_RAM, 0x10000n, uaddr(0)));
  const end = GUEST_RAM + 0x10000n;
  await vm.writeMemory(end - 8n, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
  await rejectsWith(vm.readMemory(0x50000000n, 16), 'EFAULT');
  await rejectsWith(vm.readMemory(end - 8n, 16), 'EFAULT');
  await rejectsWith(vm.readMemory(GUEST_RAM - 1n, 2), 'EFAULT');
  const e = await rejectsWith(vm.writeMemory(end - 8n, new Uint8Array(16).fill(0xee)), 'EFAULT');
  assert.is(e.code, 11, 'EFAULT is OUT_OF_RANGE');
  assert.equal(await vm.readMemory(end - 8n, 8), new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 'the part inside the slot was not written');
  await rejectsWith(vm.writeMemory(0x50000000n, new Uint8Array(4)), 'EFAULT');
  await t.client.destroyVm(vm.handle);
});

// Stores to pages 0 and 5 of the logged slot at 0x40100000, then an MMIO write to 0x90000000.
const DIRTY_GUEST = assemble(`
  ldr x1, =0x40100000
  mov x2, #0x55
  str x2, [x1]
  str x2, [x1, #0x5000]
  mov x3, #0x90000000
  str wzr, [x3]
  b .
`);

test('GetDirtyLog: errno, bitmap size, guest stores logged and cleared, userspace writes not logged, move clears', async () => {
  const vm = await freshVm();
  await vm.setUserMemoryRegion(region(0, GUEST_RAM, 0x10000n, uaddr(0)));
  await rejectsWith(vm.getDirtyLog(1), 'ENOENT'); // no such slot
  await rejectsWith(vm.getDirtyLog(0), 'ENOENT'); // slot without LOG_DIRTY_PAGES
  await rejectsWith(vm.getDirtyLog(32767), 'EINVAL');
  await rejectsWith(vm.getDirtyLog((1 << 16) | 1), 'EINVAL');

  // Bitmap size = ALIGN(npages, 64) / 8.
  for (const [slot, pages, bytes] of [[2, 64, 8], [3, 65, 16], [4, 100, 16], [5, 1, 8], [6, 129, 24]] as const) {
    await vm.setUserMemoryRegion(region(slot, 0x100000000n * BigInt(slot), BigInt(pages) * PAGE, uaddr(slot), KVM_MEM_LOG_DIRTY_PAGES));
    assert.is((await vm.getDirtyLog(slot)).length, bytes, `${pages} pages`);
  }

  await vm.setUserMemoryRegion(region(1, 0x40100000n, 16n * PAGE, uaddr(1), KVM_MEM_LOG_DIRTY_PAGES));
  await vm.writeMemory(GUEST_RAM, DIRTY_GUEST);
  const v = await vcpuAt(vm, GUEST_RAM);
  assert.equal(await vm.getDirtyLog(1), new Uint8Array(8));
  const exit = await v.run();
  assert.is(exit.reason, 'KVM_EXIT_MMIO');
  assert.is(exit.mmio?.physAddr, 0x90000000n);
  const log = await vm.getDirtyLog(1);
  assert.equal(log, new Uint8Array([0x21, 0, 0, 0, 0, 0, 0, 0]), 'exactly pages 0 and 5');
  assert.equal(await vm.getDirtyLog(1), new Uint8Array(8), 'GET cleared the bits');
  assert.equal([...(await vm.readMemory(0x40105000n, 8))], [0x55, 0, 0, 0, 0, 0, 0, 0], 'the guest store reached memory');

  // Userspace writes are never logged.
  await vm.writeMemory(0x40103000n, new Uint8Array([9, 9, 9, 9]));
  assert.equal(await vm.getDirtyLog(1), new Uint8Array(8), 'WriteGuestMemory is not logged');

  // Guest stores again, then the slot moves: the move clears the log.
  await v.setReg(REG.PC, GUEST_RAM);
  assert.is((await v.run()).reason, 'KVM_EXIT_MMIO');
  await vm.setUserMemoryRegion(region(1, 0x40200000n, 16n * PAGE, uaddr(1), KVM_MEM_LOG_DIRTY_PAGES));
  assert.equal(await vm.getDirtyLog(1), new Uint8Array(8), 'a move drops the dirty log');
  await vm.setUserMemoryRegion(region(1, 0x40100000n, 16n * PAGE, uaddr(1), KVM_MEM_LOG_DIRTY_PAGES));

  // MANUAL_DIRTY_LOG_PROTECT2: GET no longer clears.
  await vm.enableCap(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, [1n]);
  await v.setReg(REG.PC, GUEST_RAM);
  assert.is((await v.run()).reason, 'KVM_EXIT_MMIO');
  assert.equal(await vm.getDirtyLog(1), new Uint8Array([0x21, 0, 0, 0, 0, 0, 0, 0]));
  assert.equal(await vm.getDirtyLog(1), new Uint8Array([0x21, 0, 0, 0, 0, 0, 0, 0]), 'still set: manual protect');
  // KVM_CLEAR_DIRTY_LOG clears exactly the bits given (§4.3); its errors come first.
  await rejectsWith(vm.clearDirtyLog(1, 1n, 16, new Uint8Array(8)), 'EINVAL'); // first_page % 64
  await rejectsWith(vm.clearDirtyLog(1, 0n, 17, new Uint8Array(8)), 'EINVAL'); // past the slot
  await rejectsWith(vm.clearDirtyLog(9, 0n, 16, new Uint8Array(8)), 'ENOENT'); // no such slot
  await rejectsWith(vm.clearDirtyLog(1, 0n, 16, new Uint8Array(0)), 'EFAULT'); // bitmap too short
  assert.equal(await vm.getDirtyLog(1), new Uint8Array([0x21, 0, 0, 0, 0, 0, 0, 0]), 'rejected clears change nothing');
  await vm.clearDirtyLog(1, 0n, 16, new Uint8Array([0x01, 0, 0, 0, 0, 0, 0, 0]));
  assert.equal(await vm.getDirtyLog(1), new Uint8Array([0x20, 0, 0, 0, 0, 0, 0, 0]), 'page 0 cleared, page 5 kept');
  await t.client.destroyVm(vm.handle);
});

test('READONLY slot: guest reads come from memory, a guest write exits KVM_EXIT_MMIO with its data', async () => {
  const vm = await freshVm();
  await vm.setUserMemoryRegion(region(0, GUEST_RAM, 0x10000n, uaddr(0)));
  await vm.setUserMemoryRegion(region(1, 0x40200000n, PAGE, uaddr(1), KVM_MEM_READONLY));
  // Userspace writes go through the VMM's own (writable) mapping.
  await vm.writeMemory(0x40200000n, new Uint8Array([0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11]));
  await vm.writeMemory(GUEST_RAM, assemble(`
    ldr x1, =0x40200000
    ldr x3, [x1]
    ldr x4, =0xa5a5a5a5deadbeef
    str x4, [x1, #8]
    strb w4, [x1, #17]
    b .
  `));
  const v = await vcpuAt(vm, GUEST_RAM);
  let exit = await v.run();
  assert.is(exit.reason, 'KVM_EXIT_MMIO');
  assert.equal(exit.mmio, { physAddr: 0x40200008n, data: new Uint8Array([0xef, 0xbe, 0xad, 0xde, 0xa5, 0xa5, 0xa5, 0xa5]), len: 8, isWrite: true });
  assert.is(await v.getReg(REG.X(3)), 0x1122334455667788n, 'the read was served from the slot');
  assert.is(await v.getReg(REG.PC), GUEST_RAM + 12n, 'PC at the store');
  exit = await v.run();
  assert.equal(exit.mmio, { physAddr: 0x40200011n, data: new Uint8Array([0xef]), len: 1, isWrite: true });
  // Complete the second store as handled, without running further.
  exit = await v.run({ immediateExit: true });
  assert.is(exit.errno, 'EINTR');
  assert.is(await v.getReg(REG.PC), GUEST_RAM + 20n);
  assert.equal(await vm.readMemory(0x40200000n, 24), new Uint8Array([0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, ...new Uint8Array(16)]),
    'the guest writes did not reach the read-only slot');
  await t.client.destroyVm(vm.handle);
});

test.run();
