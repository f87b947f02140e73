/**
 * Guest memory slots: KVM_SET_USER_MEMORY_REGION(2), KVM_GET_DIRTY_LOG and KVM_CLEAR_DIRTY_LOG
 * (spec §4.1-§4.3; linux: virt/kvm/kvm_main.c (__kvm_set_memory_region, kvm_get_dirty_log_protect,
 * kvm_clear_dirty_log_protect); arch/arm64/kvm/mmu.c (kvm_arch_prepare_memory_region)).
 *
 * Control path (set, dirty log, userspace read/write) validates with bigint, 64-bit wrap included,
 * and keeps numbers afterwards: every accepted address is below 2^52 and every size below 2^43, so
 * doubles hold them exactly. The lookup used per guest access, find(), takes a number.
 *
 * Backing memory is described in memory/host-mappings.ts (SharedArrayBuffers standing for the
 * VMM's anonymous mappings; one remote-specific EINVAL rule). vCPU worker threads get the map as
 * snapshot() and re-read it when `sharedGeneration[0]` differs from the generation they hold.
 *
 * Service choices: 4 KiB pages (§15); the user address space that `userspace_addr` lives in is
 * 2^48 bytes (arm64 TASK_SIZE with 48-bit VAs), which is what access_ok checks below.
 */
import { check, fail } from './errno';
import {
  KVM_MEM_GUEST_MEMFD,
  KVM_MEM_LOG_DIRTY_PAGES,
  KVM_MEM_READONLY,
  KVM_USER_MEM_SLOTS,
  PAGE_SHIFT,
  PAGE_SIZE,
} from './kvm-constants';
import { clearDirtyBits, copyOutDirtyBitmap, dirtyBitmapBytes, markDirty, newDirtyBitmap } from './memory/dirty-bitmap';
import { HostMapping, HostMappings } from './memory/host-mappings';

export { markDirty };

/** linux include/linux/kvm_host.h: the most pages one slot may have (on 64-bit hosts). */
export const KVM_MEM_MAX_NR_PAGES = 2 ** 31 - 1;
/** KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 argument bits (§3.3, §4.3). */
export const KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE = 1 << 0;
export const KVM_DIRTY_LOG_INITIALLY_SET = 1 << 1;
/** Service choice: size of the user address space `userspace_addr` is checked against. */
export const USER_VA_BITS = 48;

/** Flags the arm64 service accepts: no guest_memfd VM type exists here (§4.1 rule 1). */
const VALID_FLAGS = KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY;
const U64_END = 1n << 64n;
const U32_END = 2 ** 32;
const PAGE = BigInt(PAGE_SIZE);
const USER_VA_END = 1n << BigInt(USER_VA_BITS);

/** struct kvm_userspace_memory_region (the first 32 bytes of ..._region2), §4.1. */
export interface UserMemoryRegion {
  slot: number;
  flags: number;
  guestPhysAddr: bigint;
  memorySize: bigint;
  userspaceAddr: bigint;
}

/** One slot as list() reports it (address space 0, so `slot` is the slot id). */
export type SlotInfo = Readonly<UserMemoryRegion>;

/** A slot as the access path sees it. Immutable: a change replaces the object and bumps `generation`. */
export interface Slot {
  readonly id: number;
  readonly flags: number;
  /** Guest physical address of the first byte; `end` = base + size. */
  readonly base: number;
  readonly size: number;
  readonly end: number;
  readonly npages: number;
  readonly userspaceAddr: number;
  /** KVM_MEM_READONLY: guest writes become KVM_EXIT_MMIO (§4.1). */
  readonly readonly: boolean;
  /** The slot's bytes: a view of its mapping (mem.buffer is the SharedArrayBuffer). */
  readonly mem: Uint8Array;
  /** Dirty bitmap when KVM_MEM_LOG_DIRTY_PAGES is set; mark with markDirty(dirty, pageIndex). */
  readonly dirty: Int32Array | undefined;
}

/** One slot of a snapshot, as posted to a vCPU worker (structured-cloneable, buffers shared). */
export interface SnapshotRegion {
  slot: number;
  base: number;
  size: number;
  mem: SharedArrayBuffer;
  offset: number;
  readonly: boolean;
  dirty?: SharedArrayBuffer;
}
export type MemoryMapSnapshot = SnapshotRegion[];

export interface MemorySlotsOptions {
  /** The VM's IPA size (§3.2); slots beyond it fail with EFAULT (§4.1 rule 6). */
  ipaBits: number;
  /** Called before a backing mapping is created; may throw (e.g. KvmError ENOMEM) to refuse it. */
  allocate: (bytes: number) => void;
  /** Called when a backing mapping is freed. */
  release: (bytes: number) => void;
}

type Change = 'create' | 'move' | 'flags';

export class MemorySlots {
  /** KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 enabled: GET_DIRTY_LOG does not clear (§4.3). */
  manualProtect = false;
  /** KVM_DIRTY_LOG_INITIALLY_SET: new dirty bitmaps start with every page set (§4.3). */
  initiallySet = false;
  /** Bumps on every change of the map. */
  generation = 0;
  /** The same counter in shared memory, for worker threads (Atomics.load(sharedGeneration, 0)). */
  readonly sharedGeneration = new Int32Array(new SharedArrayBuffer(4));

  private readonly ipaBits: number;
  private readonly ipaPages: number;
  private readonly mappings: HostMappings;
  private readonly byId = new Map<number, Slot>();
  private readonly mappingOf = new Map<number, HostMapping>();
  /** Slots ordered by base (they never overlap), for find(). */
  private sorted: Slot[] = [];
  private lastHit: Slot | undefined;

  constructor(opts: MemorySlotsOptions) {
    this.ipaBits = opts.ipaBits;
    this.ipaPages = 2 ** (opts.ipaBits - PAGE_SHIFT);
    this.mappings = new HostMappings(opts.allocate, opts.release);
  }

  /**
   * KVM_SET_USER_MEMORY_REGION (and REGION2 without guest_memfd, §4.2): create, delete, move or
   * change the flags of a slot. Checks run in the order of §4.1; a rejected call changes nothing.
   */
  set(region: UserMemoryRegion): void {
    const { slot, flags, guestPhysAddr: gpa, memorySize: size, userspaceAddr: uaddr } = region;
    check(isU32(slot) && isU32(flags) && isU64(gpa) && isU64(size) && isU64(uaddr), 'EINVAL',
      'kvm_userspace_memory_region field out of range (slot/flags u32, addresses and size u64)');

    // Rule 1 (check_memory_region_flags).
    check((flags & KVM_MEM_GUEST_MEMFD) === 0, 'EINVAL',
      'KVM_MEM_GUEST_MEMFD: this VM type has no guest_memfd support (§4.1 rule 1)');
    check((flags & ~VALID_FLAGS) === 0, 'EINVAL', `unknown memory region flags 0x${flags.toString(16)} (§4.1 rule 1)`);
    // Rule 2.
    const asId = slot >>> 16;
    const id = slot & 0xffff;
    check(asId === 0, 'EINVAL', `address space ${asId} does not exist on arm64 (§4.1 rule 2)`);
    check(id < KVM_USER_MEM_SLOTS, 'EINVAL', `slot id ${id} >= KVM_USER_MEM_SLOTS (${KVM_USER_MEM_SLOTS}) (§4.1 rule 2)`);
    // Rule 3.
    check(size % PAGE === 0n, 'EINVAL', 'memory_size is not a multiple of PAGE_SIZE (§4.1 rule 3)');
    check(gpa % PAGE === 0n, 'EINVAL', 'guest_phys_addr is not page-aligned (§4.1 rule 3)');
    check(uaddr % PAGE === 0n, 'EINVAL', 'userspace_addr is not page-aligned (§4.1 rule 3)');
    check(uaddr + size <= USER_VA_END, 'EINVAL',
      `userspace_addr range is not accessible: it ends beyond the 2^${USER_VA_BITS}-byte user address space (access_ok, §4.1 rule 3)`);
    check(gpa + size < U64_END, 'EINVAL', 'guest_phys_addr + memory_size wraps (§4.1 rule 3)');
    check(size >> BigInt(PAGE_SHIFT) <= BigInt(KVM_MEM_MAX_NR_PAGES), 'EINVAL',
      `more than KVM_MEM_MAX_NR_PAGES (${KVM_MEM_MAX_NR_PAGES}) pages (§4.1 rule 3)`);

    // From here on everything fits a double exactly: gfn < 2^52, npages < 2^31, uaddr < 2^48.
    const old = this.byId.get(id);
    const base = Number(gpa);
    const bytes = Number(size);
    const user = Number(uaddr);

    // Rule 4.
    if (bytes === 0) {
      check(old !== undefined, 'EINVAL', `delete of slot ${id}, which does not exist (§4.1 rule 4)`);
      this.remove(old);
      return;
    }
    let change: Change;
    if (old === undefined) {
      change = 'create';
    } else {
      check(user === old.userspaceAddr, 'EINVAL', `slot ${id}: userspace_addr cannot change; delete and re-create (§4.1 rule 4)`);
      check(bytes === old.size, 'EINVAL', `slot ${id}: memory_size cannot change; delete and re-create (§4.1 rule 4)`);
      check(((flags ^ old.flags) & KVM_MEM_READONLY) === 0, 'EINVAL',
        `slot ${id}: KVM_MEM_READONLY cannot change on an existing slot (§4.1 rule 4)`);
      if (base !== old.base) change = 'move';
      else if (flags !== old.flags) change = 'flags';
      else return; // nothing changed: success, no new generation
    }

    const npages = bytes / PAGE_SIZE;
    const baseGfn = base / PAGE_SIZE;
    // Rule 5: overlap in guest-frame units with any other slot; touching ranges do not overlap.
    if (change !== 'flags') {
      for (const s of this.sorted) {
        if (s.id === id) continue;
        const sGfn = s.base / PAGE_SIZE;
        if (baseGfn < sGfn + s.npages && sGfn < baseGfn + npages) {
          fail('EEXIST', `[0x${base.toString(16)}, +0x${bytes.toString(16)}) overlaps slot ${s.id} ` +
            `[0x${s.base.toString(16)}, +0x${s.size.toString(16)}) (§4.1 rule 5)`);
        }
      }
    }
    // Rule 6 (kvm_arch_prepare_memory_region, create/move/flags-only).
    check(baseGfn + npages <= this.ipaPages, 'EFAULT',
      `slot ends at 0x${(base + bytes).toString(16)}, beyond the IPA space of 2^${this.ipaBits} bytes (§4.1 rule 6)`);

    if (change === 'create') {
      // Remote-specific backing rule (memory/host-mappings.ts), then the allocation: last, so that
      // a refused allocation leaves everything as it was.
      const mapping = this.mappings.lookup(user, bytes) ?? this.mappings.create(user, bytes);
      mapping.users++;
      const mem = new Uint8Array(mapping.buffer, user - mapping.start, bytes);
      this.mappingOf.set(id, mapping);
      this.install(makeSlot(id, flags, base, bytes, user, mem, this.newBitmap(flags, npages)));
      return;
    }
    const cur = old as Slot;
    // Move: same backing bytes at a new IPA, dirty log cleared (§4.1). Flags-only: LOG_DIRTY_PAGES
    // toggled, so the bitmap is created or dropped.
    this.install(makeSlot(id, flags, base, bytes, user, cur.mem, this.newBitmap(flags, npages)));
  }

  list(): readonly SlotInfo[] {
    return [...this.byId.values()]
      .sort((a, b) => a.id - b.id)
      .map((s) => ({
        slot: s.id,
        flags: s.flags,
        guestPhysAddr: BigInt(s.base),
        memorySize: BigInt(s.size),
        userspaceAddr: BigInt(s.userspaceAddr),
      }));
  }

  /** The slot containing guest physical address `gpa`, if any (per-access path). */
  find(gpa: number): Slot | undefined {
    const hit = this.lastHit;
    if (hit !== undefined && gpa >= hit.base && gpa < hit.end) return hit;
    const a = this.sorted;
    let lo = 0;
    let hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = a[mid];
      if (gpa < s.base) hi = mid - 1;
      else if (gpa >= s.end) lo = mid + 1;
      else {
        this.lastHit = s;
        return s;
      }
    }
    return undefined;
  }

  /**
   * Userspace read of guest memory through the slots' mappings (what a VMM does with its own
   * pointer). The range may span adjacent slots; EFAULT if any byte is in no slot.
   */
  read(gpa: bigint, size: number): Uint8Array {
    const pieces = this.resolve(gpa, size);
    const out = new Uint8Array(size);
    let o = 0;
    for (const [s, off, len] of pieces) {
      out.set(s.mem.subarray(off, off + len), o);
      o += len;
    }
    return out;
  }

  /**
   * Userspace write of guest memory. Not dirty-logged (only guest writes are, §4.3) and allowed
   * on read-only slots (the VMM's own mapping is writable). EFAULT, writing nothing, if any byte
   * is in no slot.
   */
  write(gpa: bigint, data: Uint8Array): void {
    const pieces = this.resolve(gpa, data.length);
    let o = 0;
    for (const [s, off, len] of pieces) {
      s.mem.set(data.subarray(o, o + len), off);
      o += len;
    }
  }

  /**
   * KVM_GET_DIRTY_LOG (§4.3): the slot's bitmap as ALIGN(npages, 64) / 8 bytes of little-endian
   * u64 words. Clears what it returns unless manual protect is enabled.
   */
  getDirtyLog(slot: number): Uint8Array {
    const s = this.dirtyLogSlot(slot);
    return copyOutDirtyBitmap(s.dirty as Int32Array, !this.manualProtect);
  }

  /**
   * KVM_CLEAR_DIRTY_LOG (§4.3): clears the bits set in `bitmap` (bit j = page firstPage + j) for
   * numPages pages. Check order as kvm_clear_dirty_log_protect: ids, first_page alignment, slot,
   * range, then the bitmap itself (EFAULT if shorter than ALIGN(num_pages, 64) / 8 bytes, as
   * copy_from_user of a too-short user buffer would be).
   */
  clearDirtyLog(slot: number, firstPage: bigint, numPages: number, bitmap: Uint8Array): void {
    check(isU64(firstPage) && isU32(numPages), 'EINVAL', 'first_page must be a u64 and num_pages a u32');
    this.checkLogIds(slot);
    check((firstPage & 63n) === 0n, 'EINVAL', 'first_page is not a multiple of 64 (§4.3)');
    const s = this.dirtyLogSlot(slot);
    const npages = BigInt(s.npages);
    const n = BigInt(numPages);
    check(firstPage <= npages && n <= npages - firstPage && !(n < npages - firstPage && (numPages & 63) !== 0), 'EINVAL',
      `pages [${firstPage}, +${numPages}) outside slot of ${s.npages} pages, or num_pages not a multiple of 64 short of its end (§4.3)`);
    const bytes = dirtyBitmapBytes(numPages);
    check(bitmap.byteLength >= bytes, 'EFAULT', `dirty_bitmap holds ${bitmap.byteLength} bytes, ${bytes} needed`);
    clearDirtyBits(s.dirty as Int32Array, Number(firstPage), bitmap.subarray(0, bytes));
  }

  /** Bytes of backing memory currently allocated (all mappings). */
  totalBytes(): number {
    return this.mappings.totalBytes();
  }

  /** The map for a vCPU worker thread; buffers are shared, not copied, when posted. */
  snapshot(): MemoryMapSnapshot {
    return this.sorted.map((s) => {
      const r: SnapshotRegion = {
        slot: s.id,
        base: s.base,
        size: s.size,
        mem: s.mem.buffer as SharedArrayBuffer,
        offset: s.mem.byteOffset,
        readonly: s.readonly,
      };
      if (s.dirty !== undefined) r.dirty = s.dirty.buffer as SharedArrayBuffer;
      return r;
    });
  }

  // ---- internals ----

  private newBitmap(flags: number, npages: number): Int32Array | undefined {
    if ((flags & KVM_MEM_LOG_DIRTY_PAGES) === 0) return undefined;
    return newDirtyBitmap(npages, this.initiallySet);
  }

  private install(s: Slot): void {
    this.byId.set(s.id, s);
    this.changed();
  }

  private remove(s: Slot): void {
    this.byId.delete(s.id);
    const m = this.mappingOf.get(s.id) as HostMapping;
    this.mappingOf.delete(s.id);
    this.mappings.unref(m);
    this.changed();
  }

  private changed(): void {
    this.sorted = [...this.byId.values()].sort((a, b) => a.base - b.base);
    this.lastHit = undefined;
    this.generation++;
    Atomics.store(this.sharedGeneration, 0, this.generation | 0);
  }

  private checkLogIds(slot: number): void {
    check(isU32(slot), 'EINVAL', 'slot must be a u32');
    const asId = slot >>> 16;
    const id = slot & 0xffff;
    check(asId === 0 && id < KVM_USER_MEM_SLOTS, 'EINVAL',
      `address space ${asId} / slot id ${id} out of range (§4.3)`);
  }

  /** The slot named by a dirty-log call: EINVAL bad ids, ENOENT no slot or no dirty bitmap (§4.3). */
  private dirtyLogSlot(slot: number): Slot {
    this.checkLogIds(slot);
    const s = this.byId.get(slot & 0xffff);
    check(s !== undefined, 'ENOENT', `slot ${slot & 0xffff} does not exist (§4.3)`);
    check(s.dirty !== undefined, 'ENOENT', `slot ${s.id} has no KVM_MEM_LOG_DIRTY_PAGES (§4.3)`);
    return s;
  }

  /** Splits [gpa, gpa + size) into per-slot pieces [slot, offset in slot, length]; EFAULT on a hole. */
  private resolve(gpa: bigint, size: number): Array<[Slot, number, number]> {
    check(Number.isSafeInteger(size) && size >= 0, 'EINVAL', 'size must be a non-negative integer');
    check(isU64(gpa), 'EFAULT', 'address is not a u64');
    // No slot reaches 2^52 (IPA <= 52 bits), so anything ending above that is a hole anyway.
    check(gpa + BigInt(size) <= 1n << 52n, 'EFAULT', `[0x${gpa.toString(16)}, +${size}) is not in any memory slot`);
    const pieces: Array<[Slot, number, number]> = [];
    let addr = Number(gpa);
    let left = size;
    while (left > 0) {
      const s = this.find(addr);
      if (s === undefined) fail('EFAULT', `guest physical address 0x${addr.toString(16)} is not in any memory slot`);
      const len = Math.min(left, s.end - addr);
      pieces.push([s, addr - s.base, len]);
      addr += len;
      left -= len;
    }
    return pieces;
  }
}

function makeSlot(id: number, flags: number, base: number, size: number, userspaceAddr: number,
  mem: Uint8Array, dirty: Int32Array | undefined): Slot {
  return {
    id, flags, base, size, end: base + size, npages: size / PAGE_SIZE, userspaceAddr,
    readonly: (flags & KVM_MEM_READONLY) !== 0, mem, dirty,
  };
}

function isU32(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v < U32_END;
}

function isU64(v: bigint): boolean {
  return typeof v === 'bigint' && v >= 0n && v < U64_END;
}
