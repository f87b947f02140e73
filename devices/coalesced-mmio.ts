/**
 * Coalesced MMIO: KVM_REGISTER/UNREGISTER_COALESCED_MMIO zones and the VM-wide ring page (spec §12;
 * linux: virt/kvm/coalesced_mmio.c, include/uapi/linux/kvm.h).
 *
 * Shared state, all in SharedArrayBuffers so that vCPU worker threads produce with nothing but
 * CoalescedShared (post `CoalescedMmio.shared()` to each worker; the typed arrays share their buffers):
 *
 * - ring: the 4096-byte ring page in the kernel layout (§12.1), as Int32 words on a little-endian
 *   host: first @0, last @4, then KVM_COALESCED_MMIO_MAX (170) entries of 24 bytes from @8
 *   (phys_addr u64, len u32, pio u32, data[8]); the last 8 bytes of the page are unused.
 * - lock: one Int32 word, the VM-wide ring lock (kvm->ring_lock). Producers hold it only to claim
 *   and fill one entry. A futex-style mutex (0 free, 1 held, 2 held with waiters): a brief spin,
 *   then Atomics.wait, which Node allows on every thread.
 * - zones: the zone table, written only by the thread owning the CoalescedMmio (the ioctls) and read
 *   by producers under a sequence lock: word 0 is a generation counter, odd while an update is in
 *   progress, word 1 the zone count, then 4 words per zone (addr low, addr high, size, pio). Readers
 *   load every word with Atomics.load (sequentially consistent), so a reader that sees the same even
 *   generation before and after its scan saw one consistent table.
 *
 * The consumer (first) is the VMM side: read() / consume() on the owning thread.
 */
import { check } from '../vmcore/errno';
import { KVM_COALESCED_MMIO_ENTRY_SIZE, KVM_COALESCED_MMIO_MAX, PAGE_SIZE } from '../vmcore/kvm-constants';
import { COALESCE_NONE, COALESCE_DONE, COALESCE_FULL } from '../vmcore/vcpu-thread-protocol';

/** linux include/linux/kvm_host.h: devices per I/O bus (ioeventfds excluded), §12.5. */
export const NR_IOBUS_DEVS = 1000;

// Ring page layout (§12.1), in bytes and in Int32 words.
export const KVM_COALESCED_MMIO_RING_FIRST = 0;
export const KVM_COALESCED_MMIO_RING_LAST = 4;
export const KVM_COALESCED_MMIO_RING_ENTRIES = 8;
const W_FIRST = KVM_COALESCED_MMIO_RING_FIRST / 4;
const W_LAST = KVM_COALESCED_MMIO_RING_LAST / 4;
const W_ENTRIES = KVM_COALESCED_MMIO_RING_ENTRIES / 4;
const ENTRY_WORDS = KVM_COALESCED_MMIO_ENTRY_SIZE / 4; // phys lo, phys hi, len, pio, data lo, data hi
const MAX = KVM_COALESCED_MMIO_MAX;

// Zone table layout (this service's own, see the header).
const Z_GEN = 0;
const Z_COUNT = 1;
const Z_FIRST = 2;
const Z_WORDS = 4;
/** Both buses full: NR_IOBUS_DEVS MMIO zones plus NR_IOBUS_DEVS PIO zones. */
const Z_CAPACITY = 2 * NR_IOBUS_DEVS;

const TWO32 = 4294967296;
const U64_END = 1n << 64n;

// The ring is shared as host-order Int32 words; the kernel layout is little-endian.
if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('coalesced-mmio: big-endian host unsupported');

/** struct kvm_coalesced_mmio_zone (§12.1). */
export interface Zone {
  addr: bigint;
  size: number;
  /** 0 = MMIO zone, 1 = port-I/O zone. */
  pio: number;
}

/** One ring entry, struct kvm_coalesced_mmio (§12.1). */
export interface Entry {
  physAddr: bigint;
  len: number;
  pio: number;
  /** The 8 data bytes; the first `len` are the written value in guest byte order. */
  data: Uint8Array;
}

/** What a producer needs; structured-cloneable (posting it shares the buffers). */
export interface CoalescedShared {
  ring: Int32Array;
  lock: Int32Array;
  zones: Int32Array;
}

export interface CoalescedMmioOptions {
  /**
   * Devices other than coalesced zones and ioeventfds already on the MMIO (pio 0) or PIO (pio 1)
   * bus, e.g. VGIC frames; they count towards NR_IOBUS_DEVS (§12.5). Default: none.
   */
  otherBusDevices?: (pio: number) => number;
}

export class CoalescedMmio {
  /** The ring page (KVM_COALESCED_MMIO_PAGE_OFFSET of every vCPU's mmap, §3.4). */
  readonly ring: SharedArrayBuffer;
  private readonly sh: CoalescedShared;
  private readonly list: Zone[] = [];
  private readonly otherBusDevices: (pio: number) => number;

  constructor(opts: CoalescedMmioOptions = {}) {
    this.ring = new SharedArrayBuffer(PAGE_SIZE);
    this.sh = {
      ring: new Int32Array(this.ring),
      lock: new Int32Array(new SharedArrayBuffer(4)),
      zones: new Int32Array(new SharedArrayBuffer((Z_FIRST + Z_CAPACITY * Z_WORDS) * 4)),
    };
    this.otherBusDevices = opts.otherBusDevices ?? (() => 0);
  }

  /** Everything a producer needs (structured-cloneable: posting it shares the buffers). */
  shared(): CoalescedShared {
    return this.sh;
  }

  /**
   * KVM_REGISTER_COALESCED_MMIO (§12.5, current kernels): the zone becomes one more device on the
   * MMIO or PIO bus. No alignment rule; overlapping and duplicate zones are allowed.
   */
  register(zone: Zone): void {
    checkZoneFields(zone);
    check(zone.pio === 0 || zone.pio === 1, 'EINVAL', `pio must be 0 or 1, not ${zone.pio} (§12.5)`);
    const onBus = this.list.reduce((n, z) => n + (z.pio === zone.pio ? 1 : 0), 0) + this.otherBusDevices(zone.pio);
    check(onBus < NR_IOBUS_DEVS, 'ENOSPC',
      `the ${zone.pio ? 'PIO' : 'MMIO'} bus already holds ${onBus} devices (NR_IOBUS_DEVS ${NR_IOBUS_DEVS}, §12.5)`);
    this.list.push({ addr: zone.addr, size: zone.size, pio: zone.pio });
    this.publish();
  }

  /**
   * KVM_UNREGISTER_COALESCED_MMIO (§12.6, current kernels): removes every zone of the same pio that
   * CONTAINS [addr, addr + size) (zone.addr <= addr and addr + size <= zone.addr + zone.size, the
   * zone end computed in u64 like coalesced_mmio_in_range). A size >= 2^31 (negative as the kernel's
   * int len) or a wrapping range matches nothing. Succeeds even when nothing matched. (The seed
   * kernels used the opposite direction: zones contained IN the range.)
   */
  unregister(zone: Zone): void {
    checkZoneFields(zone);
    check(zone.pio === 0 || zone.pio === 1, 'EINVAL', `pio must be 0 or 1, not ${zone.pio} (§12.6)`);
    if (zone.size >= 2 ** 31) return;
    const start = zone.addr;
    const end = start + BigInt(zone.size);
    if (end >= U64_END) return;
    const keep = this.list.filter((z) => {
      if (z.pio !== zone.pio) return true;
      const zEnd = (z.addr + BigInt(z.size)) % U64_END;
      return !(start >= z.addr && end <= zEnd);
    });
    if (keep.length === this.list.length) return;
    this.list.splice(0, this.list.length, ...keep);
    this.publish();
  }

  /** Registered zones, in registration order. */
  zones(): readonly Zone[] {
    return this.list.map((z) => ({ ...z }));
  }

  /**
   * The consumer's view: indices first and last, and the pending entries [first, last) in order
   * (at most `max`). Reads only; consume() advances first.
   */
  read(max = MAX): { first: number; last: number; entries: Entry[] } {
    const ring = this.sh.ring;
    const first = Atomics.load(ring, W_FIRST) >>> 0;
    // Loading last (sequentially consistent) orders the entry reads below after the producer's
    // fill of every entry before last (§12.2 step 3).
    const last = Atomics.load(ring, W_LAST) >>> 0;
    const entries: Entry[] = [];
    if (first >= MAX || last >= MAX) return { first, last, entries }; // not indices: nothing to read
    for (let i = first; i !== last && entries.length < max; i = (i + 1) % MAX) {
      const w = W_ENTRIES + i * ENTRY_WORDS;
      const data = new Uint8Array(8);
      const dv = new DataView(data.buffer);
      dv.setInt32(0, ring[w + 4], true);
      dv.setInt32(4, ring[w + 5], true);
      entries.push({
        physAddr: (BigInt(ring[w + 1] >>> 0) << 32n) | BigInt(ring[w] >>> 0),
        len: ring[w + 2] >>> 0,
        pio: ring[w + 3] >>> 0,
        data,
      });
    }
    return { first, last, entries };
  }

  /** Advances first by `count` entries (the consumer's store, §12.2); EINVAL beyond what is pending. */
  consume(count: number): void {
    const ring = this.sh.ring;
    const first = Atomics.load(ring, W_FIRST) >>> 0;
    const last = Atomics.load(ring, W_LAST) >>> 0;
    const pending = first < MAX && last < MAX ? (last - first + MAX) % MAX : 0;
    check(Number.isInteger(count) && count >= 0 && count <= pending, 'EINVAL',
      `cannot consume ${count} entries, ${pending} pending`);
    if (count > 0) Atomics.store(ring, W_FIRST, (first + count) % MAX);
  }

  /** Rewrites the shared zone table under its sequence lock. */
  private publish(): void {
    const t = this.sh.zones;
    Atomics.add(t, Z_GEN, 1); // odd: update in progress
    let w = Z_FIRST;
    for (const z of this.list) {
      Atomics.store(t, w, Number(z.addr & 0xffffffffn) | 0);
      Atomics.store(t, w + 1, Number(z.addr >> 32n) | 0);
      Atomics.store(t, w + 2, z.size | 0);
      Atomics.store(t, w + 3, z.pio);
      w += Z_WORDS;
    }
    Atomics.store(t, Z_COUNT, this.list.length);
    Atomics.add(t, Z_GEN, 1); // even: consistent again
  }
}

/** coalescedOffer() results. */
export { COALESCE_NONE, COALESCE_DONE, COALESCE_FULL };

/**
 * Hot path, callable from any thread holding CoalescedShared: offers one guest write to the ring.
 * `lo`/`hi` are data bytes 0-3 and 4-7 as little-endian u32 halves (the value in guest byte order);
 * bytes past `len` are stored as zero. `pio` selects the zone kind (arm64 guests only write MMIO).
 *
 * Returns COALESCE_DONE if the write was appended. Otherwise the caller exits with KVM_EXIT_MMIO:
 * COALESCE_NONE when the write is not entirely inside one zone of that kind (a partly covered write
 * is not coalesced, §12.3) or len is not 1..8; COALESCE_FULL when the ring is full or `last` is not
 * a valid index (§12.3, §12.4), so the caller can count those. Reads are never offered (§12.3).
 */
export function coalescedOffer(shared: CoalescedShared, addr: number, len: number, lo: number, hi: number, pio = 0): number {
  if (len < 1 || len > 8) return COALESCE_NONE;
  if (!inZone(shared.zones, addr, addr + len, pio)) return COALESCE_NONE;
  const ring = shared.ring;
  const lock = shared.lock;
  ringLock(lock);
  const insert = Atomics.load(ring, W_LAST) >>> 0;
  // Ring full (§12.4): the intended rule, (last + 1) % MAX == first, so one entry always stays
  // free and at most MAX - 1 = 169 writes are pending. Kernel quirk: coalesced_mmio_has_room()
  // computed avail = (first - last - 1) % MAX in u32 arithmetic; 2^32 mod 170 = 86, so while
  // first <= last it reported "full" already at 85 pending entries. Newer kernels test
  // (insert + 1) % MAX == first as the seed did; a consumer draining on every exit cannot tell.
  if (insert >= MAX || (insert + 1) % MAX === Atomics.load(ring, W_FIRST) >>> 0) {
    ringUnlock(lock);
    return COALESCE_FULL;
  }
  const w = W_ENTRIES + insert * ENTRY_WORDS;
  ring[w] = addr >>> 0;
  ring[w + 1] = (addr / TWO32) >>> 0;
  ring[w + 2] = len;
  ring[w + 3] = pio;
  if (len >= 4) {
    ring[w + 4] = lo;
    ring[w + 5] = len === 8 ? hi : hi & ((1 << (8 * (len - 4))) - 1);
  } else {
    ring[w + 4] = lo & ((1 << (8 * len)) - 1);
    ring[w + 5] = 0;
  }
  // Publishing last with a sequentially consistent store is the write barrier of §12.2 step 3.
  Atomics.store(ring, W_LAST, (insert + 1) % MAX);
  ringUnlock(lock);
  return COALESCE_DONE;
}

/**
 * coalescedOffer() as a yes/no: true if coalesced; false means the caller exits with
 * KVM_EXIT_MMIO (not in a zone, partly in a zone, ring full, last >= MAX).
 */
export function coalescedWrite(shared: CoalescedShared, addr: number, len: number, lo: number, hi: number, pio = 0): boolean {
  return coalescedOffer(shared, addr, len, lo, hi, pio) === COALESCE_DONE;
}

/** Is [addr, end) inside one zone of kind `pio`? Reads the zone table under its sequence lock. */
function inZone(t: Int32Array, addr: number, end: number, pio: number): boolean {
  for (;;) {
    const gen = Atomics.load(t, Z_GEN);
    if ((gen & 1) !== 0) continue; // the owner is rewriting the table (a few hundred stores at most)
    const n = Atomics.load(t, Z_COUNT);
    let hit = false;
    for (let i = 0, w = Z_FIRST; i < n; i++, w += Z_WORDS) {
      if (Atomics.load(t, w + 3) !== pio) continue;
      const start = (Atomics.load(t, w + 1) >>> 0) * TWO32 + (Atomics.load(t, w) >>> 0);
      // A zone whose end wraps past 2^64 has start >= 2^64 - 2^32, above any guest address, so
      // plain double arithmetic agrees with the kernel's u64 test here.
      if (addr >= start && end <= start + (Atomics.load(t, w + 2) >>> 0)) {
        hit = true;
        break;
      }
    }
    if (Atomics.load(t, Z_GEN) === gen) return hit;
  }
}

const SPINS = 64;

function ringLock(l: Int32Array): void {
  let c = Atomics.compareExchange(l, 0, 0, 1);
  for (let i = 0; c !== 0 && i < SPINS; i++) c = Atomics.compareExchange(l, 0, 0, 1);
  if (c === 0) return;
  if (c !== 2) c = Atomics.exchange(l, 0, 2);
  while (c !== 0) {
    Atomics.wait(l, 0, 2);
    c = Atomics.exchange(l, 0, 2);
  }
}

function ringUnlock(l: Int32Array): void {
  if (Atomics.sub(l, 0, 1) !== 1) {
    Atomics.store(l, 0, 0);
    Atomics.notify(l, 0, 1);
  }
}

function checkZoneFields(zone: Zone): void {
  check(typeof zone.addr === 'bigint' && zone.addr >= 0n && zone.addr < U64_END
    && Number.isInteger(zone.size) && zone.size >= 0 && zone.size < 2 ** 32
    && Number.isInteger(zone.pio) && zone.pio >= 0 && zone.pio < 2 ** 32, 'EINVAL',
  'kvm_coalesced_mmio_zone field out of range (addr u64, size u32, pio u32)');
}
