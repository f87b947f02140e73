import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { KvmError } from '../../../vmcore/errno';
import { KVM_MEM_GUEST_MEMFD, KVM_MEM_LOG_DIRTY_PAGES, KVM_MEM_READONLY } from '../../../vmcore/kvm-constants';
import { markDirty, MemorySlots, UserMemoryRegion } from '../../../vmcore/memory-slots';

const P = 0x1000;
const G = BigInt(P);

function mk(ipaBits = 40, limit = Infinity) {
  const log: string[] = [];
  let used = 0;
  const slots = new MemorySlots({
    ipaBits,
    allocate: (b) => {
      if (used + b > limit) throw new KvmError('ENOMEM', 'server memory limit');
      used += b;
      log.push(`alloc ${b}`);
    },
    release: (b) => {
      used -= b;
      log.push(`free ${b}`);
    },
  });
  return { slots, log };
}

function region(slot: number, gpa: bigint, size: bigint, uaddr: bigint, flags = 0): UserMemoryRegion {
  return { slot, flags, guestPhysAddr: gpa, memorySize: size, userspaceAddr: uaddr };
}

function errno(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof KvmError) return e.errno;
    throw e;
  }
  return 'OK';
}

test('create, list, find, totalBytes; allocate called before the mapping exists', () => {
  const { slots, log } = mk();
  slots.set(region(3, 0x4000_0000n, 4n * G, 0x10_0000n, KVM_MEM_LOG_DIRTY_PAGES));
  assert.equal(slots.list(), [
    { slot: 3, flags: 1, guestPhysAddr: 0x4000_0000n, memorySize: 0x4000n, userspaceAddr: 0x10_0000n },
  ]);
  assert.is(slots.totalBytes(), 0x4000);
  assert.equal(log, ['alloc 16384']);
  const s = slots.find(0x4000_0000 + 0x3fff)!;
  assert.is(s.id, 3);
  assert.is(s.npages, 4);
  assert.is(s.mem.length, 0x4000);
  assert.ok(s.mem.buffer instanceof SharedArrayBuffer);
  assert.is(s.dirty!.byteLength, 8); // ALIGN(4, 64) / 8
  assert.is(slots.find(0x4000_0000 + 0x4000), undefined);
  assert.is(slots.find(0x3fff_ffff), undefined);
});

test('find across many slots (binary search, holes)', () => {
  const { slots } = mk();
  for (let i = 0; i < 50; i++) slots.set(region(i, BigInt(i * 3 * P), 2n * G, BigInt(i * 2 * P)));
  for (let i = 0; i < 50; i++) {
    assert.is(slots.find(i * 3 * P)!.id, i);
    assert.is(slots.find(i * 3 * P + 2 * P - 1)!.id, i);
    assert.is(slots.find(i * 3 * P + 2 * P), undefined);
  }
  assert.is(slots.find(1e15), undefined);
});

test('userspace read/write round trip, spanning adjacent slots', () => {
  const { slots } = mk();
  slots.set(region(0, 0n, 2n * G, 0x100000n));
  slots.set(region(1, 2n * G, G, 0x200000n));
  const data = new Uint8Array(0x20).map((_, i) => i + 1);
  slots.write(2n * G - 0x10n, data);
  assert.equal(slots.read(2n * G - 0x10n, 0x20), data);
  assert.is(slots.find(0)!.mem[2 * P - 1], 0x10);
  assert.is(slots.find(2 * P)!.mem[0], 0x11);
  assert.equal(slots.read(5n, 0), new Uint8Array(0));
});

test('read/write EFAULT when any byte is in no slot; a failed write writes nothing', () => {
  const { slots } = mk();
  slots.set(region(0, 0n, G, 0n));
  assert.is(errno(() => slots.read(G - 4n, 8)), 'EFAULT');
  assert.is(errno(() => slots.read(0x10_0000n, 1)), 'EFAULT');
  assert.is(errno(() => slots.write(G - 4n, new Uint8Array(8).fill(0xaa))), 'EFAULT');
  assert.equal(slots.read(G - 4n, 4), new Uint8Array(4));
  assert.is(errno(() => slots.read((1n << 64n) - 1n, 2)), 'EFAULT');
});

test('rule 1: unknown flags and GUEST_MEMFD are EINVAL', () => {
  const { slots } = mk();
  assert.is(errno(() => slots.set(region(0, 0n, G, 0n, 1 << 3))), 'EINVAL');
  assert.is(errno(() => slots.set(region(0, 0n, G, 0n, 0x8000_0000))), 'EINVAL');
  assert.is(errno(() => slots.set(region(0, 0n, G, 0n, KVM_MEM_GUEST_MEMFD))), 'EINVAL');
  assert.is(slots.list().length, 0);
  slots.set(region(0, 0n, G, 0n, KVM_MEM_READONLY | KVM_MEM_LOG_DIRTY_PAGES));
  assert.ok(slots.find(0)!.readonly);
});

test('rule 2: address space >= 1 or slot id >= 32767 is EINVAL', () => {
  const { slots } = mk();
  assert.is(errno(() => slots.set(region(0x1_0000, 0n, G, 0n))), 'EINVAL');
  assert.is(errno(() => slots.set(region(0xffff_0000, 0n, G, 0n))), 'EINVAL');
  assert.is(errno(() => slots.set(region(32767, 0n, G, 0n))), 'EINVAL');
  assert.is(errno(() => slots.set(region(0xffff, 0n, G, 0n))), 'EINVAL');
  slots.set(region(32766, 0n, G, 0n));
  assert.is(slots.list()[0].slot, 32766);
});

test('rule 3: alignment, access_ok, 64-bit wrap, page-count maximum (all EINVAL)', () => {
  const { slots } = mk();
  assert.is(errno(() => slots.set(region(0, 0n, G + 1n, 0n))), 'EINVAL');
  assert.is(errno(() => slots.set(region(0, 0x800n, G, 0n))), 'EINVAL');
  assert.is(errno(() => slots.set(region(0, 0n, G, 0x10n))), 'EINVAL');
  // userspace_addr must lie in the 2^48-byte user address space
  assert.is(errno(() => slots.set(region(0, 0n, 2n * G, (1n << 48n) - G))), 'EINVAL');
  assert.is(errno(() => slots.set(region(0, 0n, G, 0xffff_0000_0000_0000n))), 'EINVAL');
  // guest_phys_addr + memory_size wraps (u64): EINVAL, not EFAULT
  assert.is(errno(() => slots.set(region(0, (1n << 64n) - G, 2n * G, 0n))), 'EINVAL');
  assert.is(errno(() => slots.set(region(0, (1n << 64n) - G, G, 0n))), 'EINVAL');
  // 2^31 pages > KVM_MEM_MAX_NR_PAGES: EINVAL, although it would also be beyond the IPA space
  assert.is(errno(() => slots.set(region(0, 0n, 1n << 43n, 0n))), 'EINVAL');
  // field ranges of the struct itself
  assert.is(errno(() => slots.set(region(0, -G, G, 0n))), 'EINVAL');
  assert.is(errno(() => slots.set(region(0, 0n, G, 1n << 64n))), 'EINVAL');
  assert.is(slots.list().length, 0);
  assert.is(slots.generation, 0);
});

test('rule 4: delete of a missing slot, and resizing/readdressing/READONLY change are EINVAL', () => {
  const { slots } = mk();
  assert.is(errno(() => slots.set(region(7, 0n, 0n, 0n))), 'EINVAL');
  slots.set(region(7, 0n, 2n * G, 0x100000n));
  assert.is(errno(() => slots.set(region(7, 0n, 2n * G, 0x200000n))), 'EINVAL');
  assert.is(errno(() => slots.set(region(7, 0n, G, 0x100000n))), 'EINVAL');
  assert.is(errno(() => slots.set(region(7, 0n, 2n * G, 0x100000n, KVM_MEM_READONLY))), 'EINVAL');
  assert.is(errno(() => slots.set(region(7, 8n * G, 2n * G, 0x100000n, KVM_MEM_READONLY))), 'EINVAL');
  const gen = slots.generation;
  slots.set(region(7, 0n, 2n * G, 0x100000n)); // nothing changed: OK, no new generation
  assert.is(slots.generation, gen);
  slots.set(region(7, 0n, 0n, 0x100000n));
  assert.is(slots.list().length, 0);
  assert.is(errno(() => slots.set(region(7, 0n, 0n, 0n))), 'EINVAL');
});

test('rule 5: EEXIST on overlap in guest frames; touching ranges and self-overlapping moves are fine', () => {
  const { slots } = mk();
  slots.set(region(0, 0x10000n, 4n * G, 0x100000n));
  assert.is(errno(() => slots.set(region(1, 0x10000n + 3n * G, G, 0x200000n))), 'EEXIST');
  assert.is(errno(() => slots.set(region(1, 0x10000n - G, 2n * G, 0x200000n))), 'EEXIST');
  assert.is(errno(() => slots.set(region(1, 0n, 0x20000n, 0x200000n))), 'EEXIST');
  slots.set(region(1, 0x10000n + 4n * G, G, 0x200000n)); // touches the end
  slots.set(region(2, 0x10000n - G, G, 0x300000n)); // touches the start
  // move onto another slot
  assert.is(errno(() => slots.set(region(1, 0x10000n, G, 0x200000n))), 'EEXIST');
  // a move overlapping only its own old range is allowed
  slots.set(region(3, 0x100000n, 4n * G, 0x400000n));
  slots.set(region(3, 0x100000n + G, 4n * G, 0x400000n));
  assert.is(slots.find(0x100000 + 4 * P)!.id, 3);
});

test('rule 6: EFAULT beyond the IPA space; checked after EINVAL and EEXIST', () => {
  const { slots } = mk(40);
  const top = 1n << 40n;
  assert.is(errno(() => slots.set(region(0, top - G, 2n * G, 0n))), 'EFAULT');
  assert.is(errno(() => slots.set(region(0, top, G, 0n))), 'EFAULT');
  slots.set(region(0, top - G, G, 0n)); // ends exactly at 2^40
  assert.is(slots.find(Number(top) - 1)!.id, 0);
  // EEXIST wins over EFAULT, EINVAL over both
  assert.is(errno(() => slots.set(region(1, top - G, 2n * G, 0x100000n))), 'EEXIST');
  assert.is(errno(() => slots.set(region(1, top - G, 2n * G + 1n, 0x100000n))), 'EINVAL');
  // moving out of the IPA space
  assert.is(errno(() => slots.set(region(0, top, G, 0n))), 'EFAULT');
  const small = mk(32).slots;
  assert.is(errno(() => small.set(region(0, 0xffff_f000n, 2n * G, 0n))), 'EFAULT');
  small.set(region(0, 0xffff_f000n, G, 0n));
});

test('move keeps the contents (same mapping) and bumps generation; flags-only toggles the bitmap', () => {
  const { slots, log } = mk();
  slots.set(region(0, 0n, 2n * G, 0x100000n));
  slots.write(0x10n, new Uint8Array([1, 2, 3]));
  const gen = slots.generation;
  const shared = slots.sharedGeneration;
  slots.set(region(0, 0x8000_0000n, 2n * G, 0x100000n));
  assert.is(slots.generation, gen + 1);
  assert.is(Atomics.load(shared, 0), gen + 1);
  assert.equal(slots.read(0x8000_0010n, 3), new Uint8Array([1, 2, 3]));
  assert.is(errno(() => slots.read(0x10n, 1)), 'EFAULT');
  assert.equal(log, ['alloc 8192']);
  assert.is(slots.find(0x8000_0000)!.dirty, undefined);
  assert.is(errno(() => slots.getDirtyLog(0)), 'ENOENT');
  slots.set(region(0, 0x8000_0000n, 2n * G, 0x100000n, KVM_MEM_LOG_DIRTY_PAGES));
  assert.is(slots.generation, gen + 2);
  assert.ok(slots.find(0x8000_0000)!.dirty instanceof Int32Array);
  assert.equal(slots.getDirtyLog(0), new Uint8Array(8));
  slots.set(region(0, 0x8000_0000n, 2n * G, 0x100000n));
  assert.is(slots.find(0x8000_0000)!.dirty, undefined);
  assert.is(errno(() => slots.getDirtyLog(0)), 'ENOENT');
});

test('dirty log: bits as LE u64 words, ALIGN(npages, 64) / 8 bytes, cleared by GET', () => {
  const { slots } = mk();
  slots.set(region(1, 0n, 65n * G, 0n, KVM_MEM_LOG_DIRTY_PAGES));
  const s = slots.find(0)!;
  for (const p of [0, 3, 31, 32, 63, 64]) markDirty(s.dirty!, p);
  markDirty(s.dirty!, 3); // idempotent
  const log = slots.getDirtyLog(1);
  assert.is(log.length, 16);
  const v = new DataView(log.buffer);
  assert.is(v.getBigUint64(0, true), (1n << 0n) | (1n << 3n) | (1n << 31n) | (1n << 32n) | (1n << 63n));
  assert.is(v.getBigUint64(8, true), 1n);
  assert.equal(slots.getDirtyLog(1), new Uint8Array(16));
  // userspace writes are not logged
  slots.write(0n, new Uint8Array([9]));
  assert.equal(slots.getDirtyLog(1), new Uint8Array(16));
  // a 3-page slot still gets one full u64
  slots.set(region(2, 0x100000n, 3n * G, 0x100000n, KVM_MEM_LOG_DIRTY_PAGES));
  assert.is(slots.getDirtyLog(2).length, 8);
});

test('dirty log: manual protect does not clear; KVM_CLEAR_DIRTY_LOG clears the given bits', () => {
  const { slots } = mk();
  slots.manualProtect = true;
  slots.set(region(0, 0n, 130n * G, 0n, KVM_MEM_LOG_DIRTY_PAGES));
  const d = slots.find(0)!.dirty!;
  for (const p of [1, 2, 70, 129]) markDirty(d, p);
  const a = slots.getDirtyLog(0);
  assert.is(a.length, 24);
  assert.equal(slots.getDirtyLog(0), a);
  // clear page 70 only: first_page 64, num_pages 64
  const mask = new Uint8Array(8);
  mask[0] = 1 << 6;
  slots.clearDirtyLog(0, 64n, 64, mask);
  let v = new DataView(slots.getDirtyLog(0).buffer);
  assert.is(v.getBigUint64(0, true), 6n);
  assert.is(v.getBigUint64(8, true), 0n);
  assert.is(v.getBigUint64(16, true), 2n);
  // the tail: from 128 to the end (2 pages), num_pages need not be a multiple of 64
  slots.clearDirtyLog(0, 128n, 2, new Uint8Array([0xff, 0, 0, 0, 0, 0, 0, 0]));
  v = new DataView(slots.getDirtyLog(0).buffer);
  assert.is(v.getBigUint64(16, true), 0n);
  assert.is(v.getBigUint64(0, true), 6n);
  slots.clearDirtyLog(0, 0n, 0, new Uint8Array(0)); // nothing to do
});

test('KVM_CLEAR_DIRTY_LOG errors: EINVAL ids/alignment/range, ENOENT, EFAULT short bitmap', () => {
  const { slots } = mk();
  slots.set(region(0, 0n, 130n * G, 0n, KVM_MEM_LOG_DIRTY_PAGES));
  slots.set(region(1, 0x100000n, G, 0x100000n));
  const m = new Uint8Array(24);
  assert.is(errno(() => slots.clearDirtyLog(0x10000, 0n, 64, m)), 'EINVAL');
  assert.is(errno(() => slots.clearDirtyLog(32767, 0n, 64, m)), 'EINVAL');
  assert.is(errno(() => slots.clearDirtyLog(0, 1n, 1, m)), 'EINVAL');
  // first_page alignment is checked before the slot exists
  assert.is(errno(() => slots.clearDirtyLog(5, 32n, 64, m)), 'EINVAL');
  assert.is(errno(() => slots.clearDirtyLog(5, 0n, 64, m)), 'ENOENT');
  assert.is(errno(() => slots.clearDirtyLog(1, 0n, 1, m)), 'ENOENT');
  assert.is(errno(() => slots.clearDirtyLog(0, 192n, 0, m)), 'EINVAL'); // first_page > npages
  assert.is(errno(() => slots.clearDirtyLog(0, 64n, 67, m)), 'EINVAL'); // past the end
  assert.is(errno(() => slots.clearDirtyLog(0, 0n, 65, m)), 'EINVAL'); // not a multiple of 64, short of the end
  assert.is(errno(() => slots.clearDirtyLog(0, 0n, 130, new Uint8Array(16))), 'EFAULT');
  slots.clearDirtyLog(0, 0n, 130, m);
});

test('KVM_GET_DIRTY_LOG errors: EINVAL bad as_id / slot id, ENOENT no slot / no logging', () => {
  const { slots } = mk();
  slots.set(region(0, 0n, G, 0n));
  assert.is(errno(() => slots.getDirtyLog(0x1_0000)), 'EINVAL');
  assert.is(errno(() => slots.getDirtyLog(32767)), 'EINVAL');
  assert.is(errno(() => slots.getDirtyLog(1)), 'ENOENT');
  assert.is(errno(() => slots.getDirtyLog(0)), 'ENOENT');
});

test('INITIALLY_SET: new bitmaps start with exactly npages bits set', () => {
  const { slots } = mk();
  slots.manualProtect = true;
  slots.initiallySet = true;
  slots.set(region(0, 0n, 35n * G, 0n, KVM_MEM_LOG_DIRTY_PAGES));
  const v = new DataView(slots.getDirtyLog(0).buffer);
  assert.is(v.getBigUint64(0, true), (1n << 35n) - 1n);
});

test('move clears the dirty log', () => {
  const { slots } = mk();
  slots.set(region(0, 0n, 2n * G, 0n, KVM_MEM_LOG_DIRTY_PAGES));
  markDirty(slots.find(0)!.dirty!, 1);
  slots.set(region(0, 0x10000n, 2n * G, 0n, KVM_MEM_LOG_DIRTY_PAGES));
  assert.equal(slots.getDirtyLog(0), new Uint8Array(8));
});

test('aliasing: a slot inside an existing mapping shares its bytes; mapping freed with its last user', () => {
  const { slots, log } = mk();
  slots.set(region(0, 0n, 4n * G, 0x100000n));
  slots.set(region(1, 0x100000n, G, 0x100000n + 2n * G)); // inside slot 0's mapping
  assert.is(slots.totalBytes(), 4 * P);
  slots.write(0x100004n, new Uint8Array([0x5a]));
  assert.equal(slots.read(2n * G + 4n, 1), new Uint8Array([0x5a]));
  slots.set(region(0, 0n, 0n, 0x100000n));
  assert.is(slots.totalBytes(), 4 * P);
  assert.equal(slots.read(0x100004n, 1), new Uint8Array([0x5a]));
  slots.set(region(1, 0n, 0n, 0n));
  assert.is(slots.totalBytes(), 0);
  assert.equal(log, ['alloc 16384', 'free 16384']);
  // re-creating after the mapping was freed gets fresh (zeroed) memory
  slots.set(region(1, 0x100000n, G, 0x100000n + 2n * G));
  assert.equal(slots.read(0x100004n, 1), new Uint8Array([0]));
});

test('service rule: a userspace range partly overlapping a mapping is EINVAL; disjoint is fine', () => {
  const { slots } = mk();
  slots.set(region(0, 0n, 4n * G, 0x100000n));
  assert.is(errno(() => slots.set(region(1, 0x100000n, 4n * G, 0x100000n + 2n * G))), 'EINVAL');
  assert.is(errno(() => slots.set(region(1, 0x100000n, 2n * G, 0x100000n - G))), 'EINVAL');
  assert.is(errno(() => slots.set(region(1, 0x100000n, 8n * G, 0x100000n - G))), 'EINVAL');
  slots.set(region(1, 0x100000n, G, 0x100000n + 4n * G)); // touches the mapping's end: a new mapping
  assert.is(slots.totalBytes(), 5 * P);
});

test('allocation refused (ENOMEM): nothing changes', () => {
  const { slots, log } = mk(40, 8 * P);
  slots.set(region(0, 0n, 4n * G, 0x100000n));
  const gen = slots.generation;
  assert.is(errno(() => slots.set(region(1, 0x100000n, 8n * G, 0x200000n))), 'ENOMEM');
  assert.is(slots.generation, gen);
  assert.is(slots.list().length, 1);
  assert.is(slots.totalBytes(), 4 * P);
  assert.equal(log, ['alloc 16384']);
  // a slot larger than one typed-array view can hold is refused before allocate() is asked
  const big = mk();
  assert.is(errno(() => big.slots.set(region(0, 0n, 1n << 33n, 0n))), 'ENOMEM');
  assert.equal(big.log, []);
});

test('snapshot: shared buffers, offsets, read-only and dirty bitmap; usable from a worker', async () => {
  const { slots } = mk();
  slots.set(region(0, 0n, 4n * G, 0x100000n));
  slots.set(region(1, 0x10000n, G, 0x100000n + 2n * G, KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY));
  const snap = slots.snapshot();
  assert.is(snap.length, 2);
  assert.is(snap[1].base, 0x10000);
  assert.is(snap[1].size, P);
  assert.is(snap[1].offset, 2 * P);
  assert.is(snap[1].mem, snap[0].mem);
  assert.ok(snap[1].readonly);
  assert.ok(snap[1].dirty instanceof SharedArrayBuffer);
  assert.is(snap[0].dirty, undefined);

  const root = path.join(__dirname, '..', '..', '..');
  const code = `
    require(${JSON.stringify(path.join(root, 'test', 'register.js'))});
    const { workerData, parentPort } = require('worker_threads');
    const { markDirty } = require(${JSON.stringify(path.join(root, 'vmcore', 'memory-slots.ts'))});
    const r = workerData.find((x) => x.slot === 0);
    new Uint8Array(r.mem, r.offset, r.size)[0x10] = 0x77;
    const d = workerData.find((x) => x.slot === 1);
    markDirty(new Int32Array(d.dirty), 0);
    parentPort.postMessage('done');
  `;
  const w = new Worker(code, { eval: true, workerData: snap });
  await new Promise<void>((res, rej) => {
    w.once('message', () => res());
    w.once('error', rej);
  });
  await w.terminate();
  assert.equal(slots.read(0x10n, 1), new Uint8Array([0x77]));
  assert.is(new DataView(slots.getDirtyLog(1).buffer).getBigUint64(0, true), 1n);
});

test.run();
