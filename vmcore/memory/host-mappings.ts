/**
 * The server-side memory behind memory slots: the remote VMM's "anonymous mappings".
 *
 * A real VMM mmaps memory and hands KVM a `userspace_addr` inside it (§4.1). A remote client has no
 * address space on the server, so here `userspace_addr` names a range of a virtual, per-VM user
 * address space, and the service backs each range with a SharedArrayBuffer (shared with the vCPU
 * worker threads). A mapping is created when a slot first uses a range that no mapping covers,
 * shared by every slot whose range lies inside it (aliasing: two slots, or a slot and its moved
 * self, see the same bytes), and freed when the last slot using it is deleted.
 *
 * Remote-specific rule (no kernel counterpart): a slot range that partly overlaps an existing
 * mapping (neither inside it nor disjoint from it) cannot be backed consistently and fails with
 * EINVAL, the errno the kernel uses for a userspace_addr it cannot use (access_ok, VMA checks).
 */
import { check, fail, KvmError } from '../errno';

/**
 * Largest mapping the service creates: a typed-array view (one slot's `mem`) holds at most 2^32
 * elements in Node 20 / V8, so a larger slot could not be given a single Uint8Array.
 */
export const MAX_MAPPING_BYTES = 2 ** 32;

export interface HostMapping {
  /** First user address of the mapping (a page-aligned number below 2^48). */
  readonly start: number;
  readonly size: number;
  readonly buffer: SharedArrayBuffer;
  /** Number of slots backed by this mapping. */
  users: number;
}

export class HostMappings {
  private readonly mappings: HostMapping[] = [];
  private bytes = 0;

  constructor(
    private readonly allocate: (bytes: number) => void,
    private readonly release: (bytes: number) => void,
  ) {}

  /**
   * The mapping that fully contains [start, start + size), or undefined when the range touches no
   * mapping. EINVAL when it partly overlaps one (the remote-specific rule above). Changes nothing.
   */
  lookup(start: number, size: number): HostMapping | undefined {
    const end = start + size;
    for (const m of this.mappings) {
      const mEnd = m.start + m.size;
      if (end <= m.start || start >= mEnd) continue;
      check(start >= m.start && end <= mEnd, 'EINVAL',
        `userspace range [0x${start.toString(16)}, 0x${end.toString(16)}) partly overlaps the backing mapping ` +
        `[0x${m.start.toString(16)}, 0x${mEnd.toString(16)}) (service rule: a slot must lie inside one mapping or outside all)`);
      return m;
    }
    return undefined;
  }

  /**
   * Creates the mapping for [start, start + size) with no users yet. Asks the owner's allocate()
   * first: if it throws (server memory limit), nothing has changed. ENOMEM if the buffer cannot be
   * had (above MAX_MAPPING_BYTES, or the host refuses the allocation).
   */
  create(start: number, size: number): HostMapping {
    check(size <= MAX_MAPPING_BYTES, 'ENOMEM',
      `a backing mapping of ${size} bytes exceeds the service's per-mapping limit of ${MAX_MAPPING_BYTES}`);
    this.allocate(size);
    let buffer: SharedArrayBuffer;
    try {
      buffer = new SharedArrayBuffer(size);
    } catch (e) {
      this.release(size);
      if (e instanceof KvmError) throw e;
      fail('ENOMEM', `cannot allocate ${size} bytes of guest memory: ${(e as Error).message}`);
    }
    const m: HostMapping = { start, size, buffer, users: 0 };
    this.mappings.push(m);
    this.bytes += size;
    return m;
  }

  /** Drops one user; the mapping is freed (and release() called) with its last user. */
  unref(m: HostMapping): void {
    if (--m.users > 0) return;
    const i = this.mappings.indexOf(m);
    if (i >= 0) this.mappings.splice(i, 1);
    this.bytes -= m.size;
    this.release(m.size);
  }

  totalBytes(): number {
    return this.bytes;
  }
}
