/**
 * Coalesced MMIO through gRPC (spec §12): zone registration rules (current kernels), the ring as
 * ReadCoalescedRing and Run's drain_coalesced show it, and real guest stores: coalesced writes
 * do not exit, everything else does, the full ring falls back to KVM_EXIT_MMIO, and the metrics
 * count what happened.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, rejectsWith, TestServer, GUEST_RAM, USERSPACE } from './harness';
import { REG, VmHandle, VcpuHandle, CoalescedEntry } from '../../clients/kvm-client';
import { assemble } from '../guests/assemble';

const ZONE = 0x90000000n;
const OUTSIDE = 0x91000000n;
const SMALL_ZONE = 0x92000000n;
const KVM_COALESCED_MMIO_MAX = 170;

let t: TestServer;
test.before(async () => {
  t = await startTestServer();
});
test.after(async () => {
  await t.stop();
});

async function scrape(): Promise<string> {
  const r = await fetch(t.metricsUrl);
  assert.is(r.status, 200);
  return r.text();
}

/** The value of a sample `name{labels...}` (labels matched as a subset), or undefined. */
function metric(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const ls = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => ls[k] === v)) return Number(m[3]);
  }
  return undefined;
}

async function zones(vm: VmHandle): Promise<Array<{ addr: bigint; size: number; pio: number }>> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const d = (await vm.describe()) as any;
  return (d.coalescedZones as Array<{ addr: string; size: number; pio: number }>).map((z) => ({ addr: BigInt(z.addr), size: z.size, pio: z.pio }));
}

async function exitsOf(vm: VmHandle, id = 0): Promise<Record<string, string>> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const d = (await vm.describe()) as any;
  return (d.vcpus as Array<{ vcpuId: number; exits: Record<string, string> }>).find((v) => v.vcpuId === id)?.exits ?? {};
}

/** A VM with 64 KiB of RAM holding `code`, vCPU 0 initialised with PC at its start. */
async function guestVm(code: Uint8Array): Promise<{ vm: VmHandle; v: VcpuHandle }> {
  const vm = await t.client.createVm();
  await vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: GUEST_RAM, memorySize: 0x10000n, userspaceAddr: USERSPACE });
  await vm.writeMemory(GUEST_RAM, code);
  const v = await vm.createVcpu(0);
  await v.init();
  await v.setReg(REG.PC, GUEST_RAM);
  return { vm, v };
}

const entry = (physAddr: bigint, len: number, bytes: number[]): CoalescedEntry => {
  const data = new Uint8Array(8);
  data.set(bytes);
  return { physAddr, len, pio: 0, data };
};

test('Register/Unregister: pio validation, >= 100 zones, overlaps and duplicates, containment direction of current kernels', async () => {
  const vm = await t.client.createVm();
  await rejectsWith(vm.registerCoalescedMmio(0xa0000000n, 0x100, 2), 'EINVAL');
  await rejectsWith(vm.unregisterCoalescedMmio(0xa0000000n, 0x100, 2), 'EINVAL');
  assert.equal(await zones(vm), []);

  // No seed-era limit of 100 zones (ENOBUFS): 120 are accepted.
  const many = Array.from({ length: 120 }, (_, i) => ({ addr: 0xa0000000n + BigInt(i) * 0x1000n, size: 0x100, pio: 0 }));
  for (const z of many) await vm.registerCoalescedMmio(z.addr, z.size);
  assert.equal(await zones(vm), many);

  // Duplicates and overlaps are allowed; there is no alignment rule.
  const dupA = { addr: 0xb0000000n, size: 0x1000, pio: 0 };
  const over = { addr: 0xb0000800n, size: 0x1000, pio: 0 };
  const odd = { addr: 0xb0100003n, size: 5, pio: 0 };
  const pio = { addr: 0xb0000000n, size: 0x1000, pio: 1 };
  for (const z of [dupA, dupA, over, odd, pio]) await vm.registerCoalescedMmio(z.addr, z.size, z.pio);
  assert.equal(await zones(vm), [...many, dupA, dupA, over, odd, pio]);

  // A wider range contains the zones but is not contained by any: nothing is removed (the seed
  // removed the zones inside it). Unregister always succeeds.
  await vm.unregisterCoalescedMmio(0xaffff000n, 0x3000);
  await vm.unregisterCoalescedMmio(0x10000n, 0x10);
  assert.equal(await zones(vm), [...many, dupA, dupA, over, odd, pio]);
  // A sub-range removes every zone of the same pio that encloses it: both duplicates, not the
  // overlapping zone (which does not contain 0xb0000100), not the pio zone.
  await vm.unregisterCoalescedMmio(0xb0000100n, 0x10);
  assert.equal(await zones(vm), [...many, over, odd, pio]);
  // A range reaching past the zone's end is not contained: nothing removed.
  await vm.unregisterCoalescedMmio(0xb0001700n, 0x200);
  assert.equal(await zones(vm), [...many, over, odd, pio]);
  await vm.unregisterCoalescedMmio(0xb0001700n, 0x100);
  assert.equal(await zones(vm), [...many, odd, pio]);
  // The pio zone goes only with pio = 1; an exact match removes exactly that zone.
  await vm.unregisterCoalescedMmio(pio.addr, pio.size, 1);
  await vm.unregisterCoalescedMmio(many[7].addr, many[7].size);
  await vm.unregisterCoalescedMmio(odd.addr, odd.size);
  assert.equal(await zones(vm), many.filter((_, i) => i !== 7));

  const ring = await vm.readCoalescedRing();
  assert.equal(ring, { first: 0, last: 0, ringSize: KVM_COALESCED_MMIO_MAX, entries: [] });
  await t.client.destroyVm(vm.handle);
});

// Part 1: six coalesced stores of sizes 1/2/4/8 (and XZR), then one store outside any zone.
// Part 2: two more coalesced stores and an exit; a read from the zone; stores partly outside the
// small zone [0x92000000, +4); a store inside it.
const ORDER_GUEST = assemble(`
  mov x1, #0x90000000
  ldr x2, =0x1122334455667788
  ldr x3, =0xcafef00d
  mov x4, #0x91000000
  mov x6, #0x92000000
  strb w2, [x1]
  strh w2, [x1, #0x10]
  str w2, [x1, #0x20]
  str x2, [x1, #0x28]
  str xzr, [x1, #0x30]
  str w3, [x1, #0x100]
  str w2, [x4]
  strb w3, [x1, #0x201]
  str x3, [x1, #0x208]
  strh w3, [x4, #4]
  ldr w5, [x1, #0x8]
  str x2, [x6]
  str w3, [x6]
  str wzr, [x4, #8]
  b .
`);

test('a guest writing a zone N times and then elsewhere: one exit, N ring entries in order; consume, drain, reads and partial writes exit', async () => {
  const before = await scrape();
  const { vm, v } = await guestVm(ORDER_GUEST);
  await vm.registerCoalescedMmio(ZONE, 0x1000);
  await vm.registerCoalescedMmio(SMALL_ZONE, 4);

  let exit = await v.run();
  assert.is(exit.reason, 'KVM_EXIT_MMIO');
  assert.equal(exit.mmio, { physAddr: OUTSIDE, data: new Uint8Array([0x88, 0x77, 0x66, 0x55]), len: 4, isWrite: true }, 'only the last, non-zone write exits');
  assert.equal(exit.coalesced, [], 'no drain requested');
  assert.equal(await exitsOf(vm), { KVM_EXIT_MMIO: '1' });

  const expected = [
    entry(ZONE, 1, [0x88]),
    entry(ZONE + 0x10n, 2, [0x88, 0x77]),
    entry(ZONE + 0x20n, 4, [0x88, 0x77, 0x66, 0x55]),
    entry(ZONE + 0x28n, 8, [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11]),
    entry(ZONE + 0x30n, 8, []),
    entry(ZONE + 0x100n, 4, [0x0d, 0xf0, 0xfe, 0xca]),
  ];
  let ring = await vm.readCoalescedRing();
  assert.equal(ring, { first: 0, last: 6, ringSize: KVM_COALESCED_MMIO_MAX, entries: expected });
  // Reading without consume leaves first alone; consume advances it past what it returned.
  ring = await vm.readCoalescedRing(true, 2);
  assert.equal(ring, { first: 0, last: 6, ringSize: KVM_COALESCED_MMIO_MAX, entries: expected.slice(0, 2) });
  ring = await vm.readCoalescedRing();
  assert.equal(ring, { first: 2, last: 6, ringSize: KVM_COALESCED_MMIO_MAX, entries: expected.slice(2) });

  // drain_coalesced: the Run returns what is pending (the 4 left plus the 2 new), and consumes them.
  exit = await v.run({ drainCoalesced: true });
  assert.equal(exit.mmio, { physAddr: OUTSIDE + 4n, data: new Uint8Array([0x0d, 0xf0]), len: 2, isWrite: true });
  assert.equal(exit.coalesced, [...expected.slice(2), entry(ZONE + 0x201n, 1, [0x0d]), entry(ZONE + 0x208n, 8, [0x0d, 0xf0, 0xfe, 0xca, 0, 0, 0, 0])]);
  assert.equal(await vm.readCoalescedRing(), { first: 8, last: 8, ringSize: KVM_COALESCED_MMIO_MAX, entries: [] });

  // Reads from a zone are ordinary MMIO exits.
  exit = await v.run();
  assert.equal(exit.mmio, { physAddr: ZONE + 8n, data: new Uint8Array(0), len: 4, isWrite: false });
  // An 8-byte store to the 4-byte zone is partly outside: it exits.
  exit = await v.run({ mmioData: new Uint8Array([1, 2, 3, 4]) });
  assert.is(await v.getReg(REG.X(5)), 0x04030201n);
  assert.equal(exit.mmio, { physAddr: SMALL_ZONE, data: new Uint8Array([0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11]), len: 8, isWrite: true });
  // The 4-byte store that fits is coalesced; the run ends at the next non-zone store.
  exit = await v.run();
  assert.equal(exit.mmio, { physAddr: OUTSIDE + 8n, data: new Uint8Array(4), len: 4, isWrite: true });
  assert.equal((await vm.readCoalescedRing()).entries, [entry(SMALL_ZONE, 4, [0x0d, 0xf0, 0xfe, 0xca])]);
  assert.equal(await exitsOf(vm), { KVM_EXIT_MMIO: '5' });

  const after = await scrape();
  const d = (name: string): number => (metric(after, name) ?? 0) - (metric(before, name) ?? 0);
  assert.is(d('kvm_coalesced_mmio_entries_total'), 9, 'six + two + one coalesced writes');
  assert.is(d('kvm_coalesced_mmio_ring_full_total'), 0);
  await t.client.destroyVm(vm.handle);
});

// 200 stores of the loop counter into the zone, then a store outside.
const FLOOD_GUEST = assemble(`
  mov x1, #0x90000000
  mov x4, #0x91000000
  mov w2, #0
1:
  str w2, [x1]
  add w2, w2, #1
  cmp w2, #200
  b.ne 1b
  str wzr, [x4]
  b .
`);

test('a full ring (169 pending) makes the next zone write a normal KVM_EXIT_MMIO; the metrics count both', async () => {
  const before = await scrape();
  const { vm, v } = await guestVm(FLOOD_GUEST);
  await vm.registerCoalescedMmio(ZONE, 0x1000);

  let exit = await v.run();
  assert.is(exit.reason, 'KVM_EXIT_MMIO');
  assert.equal(exit.mmio, { physAddr: ZONE, data: new Uint8Array([169, 0, 0, 0]), len: 4, isWrite: true }, 'write #170 fell back to an exit');
  let ring = await vm.readCoalescedRing();
  assert.is(ring.first, 0);
  assert.is(ring.last, 169);
  assert.is(ring.entries.length, KVM_COALESCED_MMIO_MAX - 1, 'one slot always stays free');
  assert.equal(ring.entries.map((e) => e.data[0]), Array.from({ length: 169 }, (_, i) => i));
  assert.ok(ring.entries.every((e) => e.physAddr === ZONE && e.len === 4 && e.pio === 0));
  const mid = await scrape();
  assert.is((metric(mid, 'kvm_coalesced_mmio_ring_full_total') ?? 0) - (metric(before, 'kvm_coalesced_mmio_ring_full_total') ?? 0), 1);
  assert.is((metric(mid, 'kvm_coalesced_mmio_entries_total') ?? 0) - (metric(before, 'kvm_coalesced_mmio_entries_total') ?? 0), 169);

  // Consume everything; the other 30 writes wrap around the ring.
  assert.is((await vm.readCoalescedRing(true)).entries.length, 169);
  exit = await v.run({ drainCoalesced: true });
  assert.equal(exit.mmio, { physAddr: OUTSIDE, data: new Uint8Array(4), len: 4, isWrite: true });
  assert.equal(exit.coalesced.map((e) => e.data[0]), Array.from({ length: 30 }, (_, i) => 170 + i));
  ring = await vm.readCoalescedRing();
  assert.equal(ring, { first: (169 + 30) % KVM_COALESCED_MMIO_MAX, last: (169 + 30) % KVM_COALESCED_MMIO_MAX, ringSize: 170, entries: [] });

  const after = await scrape();
  assert.is((metric(after, 'kvm_coalesced_mmio_entries_total') ?? 0) - (metric(before, 'kvm_coalesced_mmio_entries_total') ?? 0), 199);
  assert.is((metric(after, 'kvm_coalesced_mmio_ring_full_total') ?? 0) - (metric(before, 'kvm_coalesced_mmio_ring_full_total') ?? 0), 1);
  assert.is((metric(after, 'kvm_exits_total', { reason: 'KVM_EXIT_MMIO' }) ?? 0) - (metric(before, 'kvm_exits_total', { reason: 'KVM_EXIT_MMIO' }) ?? 0), 2);
  await t.client.destroyVm(vm.handle);
});

test('writes outside every zone are not coalesced once the zone is unregistered', async () => {
  const { vm, v } = await guestVm(assemble(`
    mov x1, #0x90000000
    str w1, [x1, #0x40]
    str w1, [x1, #0x44]
    b .
  `));
  await vm.registerCoalescedMmio(ZONE, 0x1000);
  await vm.unregisterCoalescedMmio(ZONE, 0x1000);
  const exit = await v.run();
  assert.equal(exit.mmio, { physAddr: ZONE + 0x40n, data: new Uint8Array([0, 0, 0, 0x90]), len: 4, isWrite: true });
  assert.equal((await vm.readCoalescedRing()).entries, []);
  await t.client.destroyVm(vm.handle);
});

test.run();
