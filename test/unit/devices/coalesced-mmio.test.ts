import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { KvmError } from '../../../vmcore/errno';
import { KVM_COALESCED_MMIO_MAX } from '../../../vmcore/kvm-constants';
import {
  COALESCE_DONE, COALESCE_FULL, COALESCE_NONE, CoalescedMmio, coalescedOffer, coalescedWrite, NR_IOBUS_DEVS,
} from '../../../devices/coalesced-mmio';

const MAX = KVM_COALESCED_MMIO_MAX;
const BASE = 0x0900_0000;

function errno(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof KvmError) return e.errno;
    throw e;
  }
  return 'OK';
}

function withZone(size = 0x1000) {
  const c = new CoalescedMmio();
  c.register({ addr: BigInt(BASE), size, pio: 0 });
  return c;
}

function drain(c: CoalescedMmio) {
  const r = c.read();
  c.consume(r.entries.length);
  return r.entries;
}

test('ring page layout: 4096 bytes, 170 entries of 24 bytes from offset 8, 8 bytes unused', () => {
  const c = withZone();
  assert.is(c.ring.byteLength, 4096);
  assert.is(MAX, 170);
  assert.is(4096 - (8 + MAX * 24), 8);
  const v = new DataView(c.ring);
  assert.ok(coalescedWrite(c.shared(), BASE + 0x10, 4, 0x44332211, 0));
  assert.ok(coalescedWrite(c.shared(), BASE + 0x18, 8, 0x04030201 | 0, 0x08070605));
  assert.is(v.getUint32(0, true), 0); // first
  assert.is(v.getUint32(4, true), 2); // last
  // entry 0 at 8: phys_addr u64, len u32 @16, pio u32 @20, data[8] @24
  assert.is(v.getBigUint64(8, true), BigInt(BASE + 0x10));
  assert.is(v.getUint32(16, true), 4);
  assert.is(v.getUint32(20, true), 0);
  assert.equal([...new Uint8Array(c.ring, 24, 8)], [0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0]);
  // entry 1 at 32
  assert.is(v.getBigUint64(32, true), BigInt(BASE + 0x18));
  assert.is(v.getUint32(40, true), 8);
  assert.equal([...new Uint8Array(c.ring, 48, 8)], [1, 2, 3, 4, 5, 6, 7, 8]);
  // nothing written past the last entry
  assert.equal([...new Uint8Array(c.ring, 4088, 8)], [0, 0, 0, 0, 0, 0, 0, 0]);
});

test('producer/consumer: entries in order, data truncated to len, consume advances first', () => {
  const c = withZone();
  const hi = 0x80000000 | 0;
  assert.ok(coalescedWrite(c.shared(), BASE, 1, 0xdeadbeef | 0, hi));
  assert.ok(coalescedWrite(c.shared(), BASE + 2, 2, 0xdeadbeef | 0, hi));
  assert.ok(coalescedWrite(c.shared(), BASE + 4, 3, 0xdeadbeef | 0, hi));
  assert.ok(coalescedWrite(c.shared(), BASE + 8, 6, 0xdeadbeef | 0, 0x7654321));
  const r = c.read();
  assert.is(r.first, 0);
  assert.is(r.last, 4);
  assert.equal(r.entries.map((e) => [e.physAddr, e.len, e.pio, [...e.data]]), [
    [BigInt(BASE), 1, 0, [0xef, 0, 0, 0, 0, 0, 0, 0]],
    [BigInt(BASE + 2), 2, 0, [0xef, 0xbe, 0, 0, 0, 0, 0, 0]],
    [BigInt(BASE + 4), 3, 0, [0xef, 0xbe, 0xad, 0, 0, 0, 0, 0]],
    [BigInt(BASE + 8), 6, 0, [0xef, 0xbe, 0xad, 0xde, 0x21, 0x43, 0, 0]],
  ]);
  assert.is(c.read(2).entries.length, 2);
  c.consume(3);
  const r2 = c.read();
  assert.is(r2.first, 3);
  assert.is(r2.entries.length, 1);
  c.consume(1);
  assert.equal(c.read().entries, []);
  assert.is(c.read().first, c.read().last); // empty: first == last
});

test('wrap-around: indices run MAX-1 -> 0 and entries stay in order', () => {
  const c = withZone();
  let seq = 0;
  const seen: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 100; i++) assert.ok(coalescedWrite(c.shared(), BASE, 4, seq++, 0));
    for (const e of drain(c)) seen.push(new DataView(e.data.buffer).getUint32(0, true));
  }
  assert.equal(seen, [...Array(500).keys()]);
  assert.is(c.read().first, 500 % MAX);
});

test('full ring: MAX - 1 = 169 pending, then writes fall back to an exit until consumed', () => {
  const c = withZone();
  for (let i = 0; i < MAX - 1; i++) assert.ok(coalescedWrite(c.shared(), BASE, 4, i, 0));
  assert.not.ok(coalescedWrite(c.shared(), BASE, 4, 999, 0));
  assert.is(coalescedOffer(c.shared(), BASE, 4, 999, 0), COALESCE_FULL);
  assert.is(coalescedOffer(c.shared(), BASE - 8, 4, 999, 0), COALESCE_NONE); // outside: not a ring-full fallback
  assert.is(c.read().entries.length, MAX - 1);
  c.consume(1);
  assert.is(coalescedOffer(c.shared(), BASE, 4, 169, 0), COALESCE_DONE);
  assert.not.ok(coalescedWrite(c.shared(), BASE, 4, 999, 0));
  // full while wrapped (first > last)
  c.consume(100);
  for (let i = 0; i < 100; i++) assert.ok(coalescedWrite(c.shared(), BASE, 4, i, 0));
  assert.not.ok(coalescedWrite(c.shared(), BASE, 4, 999, 0));
  const r = c.read();
  assert.is(r.first, 101);
  assert.is(r.last, 100);
  assert.is(r.entries.length, MAX - 1);
});

test('last >= MAX (not an index) falls back to an exit', () => {
  const c = withZone();
  new DataView(c.ring).setUint32(4, MAX, true);
  assert.is(coalescedOffer(c.shared(), BASE, 4, 1, 0), COALESCE_FULL);
  new DataView(c.ring).setUint32(4, 0xffffffff, true);
  assert.not.ok(coalescedWrite(c.shared(), BASE, 4, 1, 0));
});

test('only writes wholly inside a zone of the same kind are coalesced', () => {
  const c = withZone(0x100);
  assert.not.ok(coalescedWrite(c.shared(), BASE - 4, 4, 0, 0)); // before
  assert.not.ok(coalescedWrite(c.shared(), BASE - 2, 4, 0, 0)); // straddles the start
  assert.not.ok(coalescedWrite(c.shared(), BASE + 0xfc, 8, 0, 0)); // straddles the end
  assert.not.ok(coalescedWrite(c.shared(), BASE + 0x100, 1, 0, 0)); // just past the end
  assert.ok(coalescedWrite(c.shared(), BASE + 0xf8, 8, 0, 0)); // ends exactly at the end
  assert.not.ok(coalescedWrite(c.shared(), BASE, 0, 0, 0));
  assert.not.ok(coalescedWrite(c.shared(), BASE, 9, 0, 0));
  // an MMIO write does not match a PIO zone, and vice versa; the entry carries the zone's pio
  c.register({ addr: 0x3f8n, size: 8, pio: 1 });
  assert.not.ok(coalescedWrite(c.shared(), 0x3f8, 1, 0x41, 0));
  assert.ok(coalescedWrite(c.shared(), 0x3f8, 1, 0x41, 0, 1));
  assert.not.ok(coalescedWrite(c.shared(), BASE, 1, 0, 0, 1));
  const e = c.read().entries;
  assert.is(e.length, 2);
  assert.is(e[1].pio, 1);
  // a write spanning two adjacent zones is in neither
  c.register({ addr: BigInt(BASE + 0x100), size: 0x100, pio: 0 });
  assert.not.ok(coalescedWrite(c.shared(), BASE + 0xfc, 8, 0, 0));
  assert.ok(coalescedWrite(c.shared(), BASE + 0x100, 8, 0, 0));
});

test('register: pio must be 0 or 1 (EINVAL); overlaps and duplicates allowed; >= 100 zones', () => {
  const c = new CoalescedMmio();
  assert.is(errno(() => c.register({ addr: 0n, size: 8, pio: 2 })), 'EINVAL');
  assert.is(errno(() => c.register({ addr: 0n, size: 8, pio: 0xffffffff })), 'EINVAL');
  assert.is(errno(() => c.register({ addr: -1n, size: 8, pio: 0 })), 'EINVAL');
  assert.is(errno(() => c.register({ addr: 0n, size: 2 ** 32, pio: 0 })), 'EINVAL');
  c.register({ addr: 0x1000n, size: 0x100, pio: 0 });
  c.register({ addr: 0x1000n, size: 0x100, pio: 0 });
  c.register({ addr: 0x1080n, size: 0x1000, pio: 0 });
  c.register({ addr: 0x1001n, size: 3, pio: 0 }); // no alignment rule
  c.register({ addr: 0xffff_ffff_ffff_f000n, size: 0x2000, pio: 0 }); // end wraps: accepted
  for (let i = 0; i < 150; i++) c.register({ addr: BigInt(0x10_0000 + i * 0x1000), size: 0x1000, pio: 0 });
  assert.is(c.zones().length, 155);
  assert.equal(c.zones()[3], { addr: 0x1001n, size: 3, pio: 0 });
  assert.ok(coalescedWrite(c.shared(), 0x10_0000 + 149 * 0x1000, 4, 0, 0));
});

test('register: ENOSPC once a bus holds NR_IOBUS_DEVS devices; the buses are separate', () => {
  const c = new CoalescedMmio();
  for (let i = 0; i < NR_IOBUS_DEVS; i++) c.register({ addr: BigInt(i * 8), size: 8, pio: 0 });
  assert.is(errno(() => c.register({ addr: 0x10_0000n, size: 8, pio: 0 })), 'ENOSPC');
  assert.is(c.zones().length, NR_IOBUS_DEVS);
  c.register({ addr: 0x10_0000n, size: 8, pio: 1 }); // PIO bus still has room
  // the last zone registered works on the hot path
  assert.ok(coalescedWrite(c.shared(), (NR_IOBUS_DEVS - 1) * 8, 8, 0, 0));
  c.unregister({ addr: 0n, size: 8, pio: 0 });
  c.register({ addr: 0x10_0000n, size: 8, pio: 0 });
  // other devices on the bus (e.g. VGIC frames) count too
  const d = new CoalescedMmio({ otherBusDevices: (pio) => (pio === 0 ? NR_IOBUS_DEVS - 2 : 0) });
  d.register({ addr: 0n, size: 8, pio: 0 });
  d.register({ addr: 8n, size: 8, pio: 0 });
  assert.is(errno(() => d.register({ addr: 16n, size: 8, pio: 0 })), 'ENOSPC');
  d.register({ addr: 16n, size: 8, pio: 1 });
});

test('unregister (current kernels): removes zones CONTAINING the range; always succeeds', () => {
  const c = new CoalescedMmio();
  const z = (addr: number, size: number, pio = 0) => ({ addr: BigInt(addr), size, pio });
  assert.is(errno(() => c.unregister(z(0x1000, 0x100, 2))), 'EINVAL');
  c.register(z(0x1000, 0x100));
  // a wider range removes nothing today (the seed kernel removed the contained zone)
  c.unregister(z(0x0, 0x10000));
  assert.is(c.zones().length, 1);
  // a narrower sub-range removes the enclosing zone today (nothing in the seed)
  c.unregister(z(0x1010, 0x10));
  assert.is(c.zones().length, 0);
  assert.not.ok(coalescedWrite(c.shared(), 0x1010, 4, 0, 0));
  // exact match removes under both rules; duplicates go together; other pio untouched
  c.register(z(0x1000, 0x100));
  c.register(z(0x1000, 0x100));
  c.register(z(0x1000, 0x100, 1));
  c.register(z(0x2000, 0x100));
  c.unregister(z(0x1000, 0x100));
  assert.equal(c.zones(), [z(0x1000, 0x100, 1), z(0x2000, 0x100)]);
  // partly overlapping range: not contained, nothing removed
  c.unregister(z(0x20f0, 0x20));
  assert.is(c.zones().length, 2);
  // size 0 at the zone's end address is "contained" (addr + 0 <= zone end)
  c.unregister(z(0x2100, 0));
  assert.equal(c.zones(), [z(0x1000, 0x100, 1)]);
  // nothing matches: still OK
  c.unregister(z(0x9000, 8));
});

test('unregister: size >= 2^31 or a wrapping range matches nothing; zone end is computed in u64', () => {
  const c = new CoalescedMmio();
  c.register({ addr: 0n, size: 0xffff_ffff, pio: 0 });
  c.unregister({ addr: 0n, size: 0x8000_0000, pio: 0 }); // negative as the kernel's int len
  assert.is(c.zones().length, 1);
  c.unregister({ addr: 0n, size: 0x7fff_ffff, pio: 0 });
  assert.is(c.zones().length, 0);
  const top = 0xffff_ffff_ffff_f000n;
  c.register({ addr: top, size: 0x1000, pio: 0 }); // ends exactly at 2^64: zone end wraps to 0
  c.register({ addr: top - 0x1000n, size: 0x1000, pio: 0 });
  c.unregister({ addr: top, size: 0x1000, pio: 0 }); // addr + size wraps: matches nothing
  assert.is(c.zones().length, 2);
  c.unregister({ addr: top, size: 0x10, pio: 0 }); // zone end wrapped to 0: not contained
  assert.is(c.zones().length, 2);
  c.unregister({ addr: top - 0x1000n, size: 0x1000, pio: 0 });
  assert.is(c.zones().length, 1);
});

test('consume: EINVAL beyond what is pending', () => {
  const c = withZone();
  assert.is(errno(() => c.consume(1)), 'EINVAL');
  coalescedWrite(c.shared(), BASE, 4, 0, 0);
  assert.is(errno(() => c.consume(2)), 'EINVAL');
  assert.is(errno(() => c.consume(-1)), 'EINVAL');
  c.consume(0);
  c.consume(1);
});

test('two worker threads produce concurrently while the consumer drains: nothing lost or duplicated', async () => {
  const c = withZone(0x100);
  const N = 20000;
  const root = path.join(__dirname, '..', '..', '..');
  const go = new Int32Array(new SharedArrayBuffer(4));
  const code = `
    require(${JSON.stringify(path.join(root, 'test', 'register.js'))});
    const { workerData, parentPort } = require('worker_threads');
    const { coalescedWrite } = require(${JSON.stringify(path.join(root, 'devices', 'coalesced-mmio.ts'))});
    const { shared, id, n, go, base } = workerData;
    parentPort.postMessage('ready');
    Atomics.wait(go, 0, 0);
    let fallbacks = 0;
    for (let seq = 0; seq < n; seq++) {
      while (!coalescedWrite(shared, base + id * 8, 8, seq, id)) fallbacks++;
    }
    parentPort.postMessage({ fallbacks });
  `;
  const workers = [0, 1].map((id) => new Worker(code, { eval: true, workerData: { shared: c.shared(), id, n: N, go, base: BASE } }));
  const results: Array<Promise<{ fallbacks: number }>> = [];
  await Promise.all(workers.map((w) => new Promise<void>((res, rej) => {
    w.once('error', rej);
    w.once('message', () => {
      results.push(new Promise((r2) => w.once('message', r2)));
      res();
    });
  })));
  Atomics.store(go, 0, 1);
  Atomics.notify(go, 0);

  const next = [0, 0];
  let bad = '';
  let received = 0;
  let maxPending = 0;
  const deadline = Date.now() + 60_000;
  while (received < 2 * N && Date.now() < deadline) {
    const r = c.read();
    maxPending = Math.max(maxPending, r.entries.length);
    for (const e of r.entries) {
      const v = new DataView(e.data.buffer);
      const seq = v.getUint32(0, true);
      const id = v.getUint32(4, true);
      if (e.physAddr !== BigInt(BASE + id * 8) || e.len !== 8) bad ||= `bad entry ${e.physAddr} ${e.len}`;
      if (id > 1 || seq !== next[id]) bad ||= `worker ${id}: got ${seq}, expected ${next[id]}`;
      else next[id]++;
    }
    c.consume(r.entries.length);
    received += r.entries.length;
  }
  const stats = await Promise.all(results);
  await Promise.all(workers.map((w) => w.terminate()));
  assert.is(bad, '');
  assert.equal(next, [N, N]);
  assert.is(received, 2 * N);
  assert.equal(c.read().entries, []);
  assert.ok(maxPending <= MAX - 1);
  assert.ok(stats.every((s) => s.fallbacks >= 0));
});

test.run();
