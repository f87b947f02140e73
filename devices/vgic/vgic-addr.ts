/**
 * The VGIC's guest-physical layout: the ADDR attribute group and KVM_ARM_SET_DEVICE_ADDR
 * (spec §9.3, §10.2), the GICv3 redistributor regions and their assignment to vCPUs, the layout
 * checks of the first KVM_RUN (§10.11) and the GICR_TYPER.Last rule (§10.12).
 *
 * linux: arch/arm64/kvm/vgic/vgic-kvm-device.c (vgic_check_iorange, kvm_vgic_addr),
 * vgic-mmio-v3.c (vgic_v3_alloc_redist_region, vgic_register_redist_iodev,
 * vgic_mmio_vcpu_rdist_is_last), vgic-v3.c (vgic_v3_check_base, vgic_v3_map_resources),
 * vgic-v2.c (vgic_v2_check_base, vgic_v2_map_resources).
 *
 * Errors are thrown as the kernel's internal errno: an address type that is unknown or belongs
 * to the other GIC model is ENODEV here; the attribute path turns that into ENXIO (vgic.ts).
 */
import { check, fail, type ErrnoName } from '../../vmcore/errno';
import {
  KVM_VGIC_V2_ADDR_TYPE_CPU,
  KVM_VGIC_V2_ADDR_TYPE_DIST,
  KVM_VGIC_V2_CPU_SIZE,
  KVM_VGIC_V2_DIST_SIZE,
  KVM_VGIC_V3_ADDR_TYPE_DIST,
  KVM_VGIC_V3_ADDR_TYPE_REDIST,
  KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION,
  KVM_VGIC_V3_DIST_SIZE,
  KVM_VGIC_V3_REDIST_SIZE,
  VGIC_ADDR_UNDEF,
} from '../../vmcore/kvm-constants';
import type { VgicHost, VgicModel, VgicVcpu } from './vgic-host';

// arch/arm64/include/uapi/asm/kvm.h: the REDIST_REGION attribute value (§10.2).
export const KVM_VGIC_V3_RDIST_INDEX_MASK = 0xfffn;
export const KVM_VGIC_V3_RDIST_FLAGS_SHIFT = 12n;
export const KVM_VGIC_V3_RDIST_FLAGS_MASK = 0xfn << KVM_VGIC_V3_RDIST_FLAGS_SHIFT;
export const KVM_VGIC_V3_RDIST_BASE_MASK = ((1n << 52n) - 1n) & ~0xffffn; // GENMASK_ULL(51, 16)
export const KVM_VGIC_V3_RDIST_COUNT_SHIFT = 52n;
export const KVM_VGIC_V3_RDIST_COUNT_MASK = 0xfffn << KVM_VGIC_V3_RDIST_COUNT_SHIFT;

const SZ_4K = 0x1000n;
const SZ_64K = 0x10000n;
const U64_LIMIT = 1n << 64n;
const REDIST_SIZE = BigInt(KVM_VGIC_V3_REDIST_SIZE);
const V3_DIST_SIZE = BigInt(KVM_VGIC_V3_DIST_SIZE);
const V2_DIST_SIZE = BigInt(KVM_VGIC_V2_DIST_SIZE);
const V2_CPU_SIZE = BigInt(KVM_VGIC_V2_CPU_SIZE);

/** One GICv3 redistributor region (struct vgic_redist_region). count 0 = the legacy REDIST. */
export interface RedistRegion {
  readonly index: number;
  readonly base: bigint;
  readonly count: number;
  /** Slots handed out so far; the next vCPU gets slot freeIndex. */
  freeIndex: number;
  /** The vCPU in each allocated slot (the MMIO path maps an address to its owner). */
  readonly owners: VgicVcpu[];
  /** base as a number (< 2^52, exact) for the per-access MMIO lookup. */
  readonly baseNum: number;
}

/** Where a vCPU's redistributor lives. */
export interface RedistSlot {
  readonly region: RedistRegion;
  readonly slot: number;
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;

/** [a, a + as) and [b, b + bs) intersect (the kernel's u64 comparisons, without wrap). */
const overlaps = (a: bigint, as: bigint, b: bigint, bs: bigint): boolean => a + as > b && a < b + bs;

export class VgicAddr {
  /** vgic_dist_base: the distributor (v2 4 KiB, v3 64 KiB). */
  distBase: bigint = VGIC_ADDR_UNDEF;
  /** vgic_cpu_base: the GICv2 CPU interface (8 KiB). */
  cpuBase: bigint = VGIC_ADDR_UNDEF;
  /** GICv3 redistributor regions, in index order (rd_regions). */
  readonly regions: RedistRegion[] = [];
  private readonly slots = new Map<number, RedistSlot>();

  constructor(
    private readonly model: VgicModel,
    private readonly host: VgicHost,
  ) {}

  get maxPhysSize(): bigint {
    return 1n << BigInt(this.host.ipaBits);
  }

  /**
   * vgic_check_iorange (§10.2): EEXIST if `current` is set, EINVAL for misalignment of base or
   * size or a wrap past 2^64, E2BIG for bits above the IPA size or an end beyond it.
   */
  checkIorange(current: bigint, addr: bigint, alignment: bigint, size: bigint): ErrnoName | null {
    if (current !== VGIC_ADDR_UNDEF) return 'EEXIST';
    if (addr % alignment !== 0n || size % alignment !== 0n) return 'EINVAL';
    if (addr + size >= U64_LIMIT && size !== 0n) return 'EINVAL';
    const phys = this.maxPhysSize;
    if ((addr & ~(phys - 1n)) !== 0n || addr + size > phys) return 'E2BIG';
    return null;
  }

  private iorange(current: bigint, addr: bigint, alignment: bigint, size: bigint, what: string): void {
    const err = this.checkIorange(current, addr, alignment, size);
    if (err === 'EEXIST') fail(err, `${what} base is already set (§10.2)`);
    if (err === 'EINVAL') fail(err, `${what} at ${hex(addr)} size ${hex(size)}: not ${hex(alignment)} aligned, or it wraps (§10.2)`);
    if (err === 'E2BIG') fail(err, `${what} at ${hex(addr)} size ${hex(size)} lies beyond the ${this.host.ipaBits}-bit IPA space (§10.2)`);
  }

  private needModel(model: VgicModel, type: bigint): void {
    check(this.model === model, 'ENODEV', `address type ${type} belongs to a GIC${model} (§10.2)`);
  }

  /** KVM_HAS_DEVICE_ATTR on group ADDR (§10.2). */
  has(type: bigint): boolean {
    const valid: readonly number[] =
      this.model === 'v2'
        ? [KVM_VGIC_V2_ADDR_TYPE_DIST, KVM_VGIC_V2_ADDR_TYPE_CPU]
        : [KVM_VGIC_V3_ADDR_TYPE_DIST, KVM_VGIC_V3_ADDR_TYPE_REDIST, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION];
    return valid.some((t) => BigInt(t) === type);
  }

  /** KVM_SET_DEVICE_ATTR on group ADDR (kvm_vgic_addr, write). ENODEV for an unknown or foreign type. */
  set(type: bigint, value: bigint): void {
    switch (type) {
      case BigInt(KVM_VGIC_V2_ADDR_TYPE_DIST):
        this.needModel('v2', type);
        this.iorange(this.distBase, value, SZ_4K, V2_DIST_SIZE, 'KVM_VGIC_V2_ADDR_TYPE_DIST');
        this.distBase = value;
        return;
      case BigInt(KVM_VGIC_V2_ADDR_TYPE_CPU):
        this.needModel('v2', type);
        this.iorange(this.cpuBase, value, SZ_4K, V2_CPU_SIZE, 'KVM_VGIC_V2_ADDR_TYPE_CPU');
        this.cpuBase = value;
        return;
      case BigInt(KVM_VGIC_V3_ADDR_TYPE_DIST):
        this.needModel('v3', type);
        this.iorange(this.distBase, value, SZ_64K, V3_DIST_SIZE, 'KVM_VGIC_V3_ADDR_TYPE_DIST');
        this.distBase = value;
        return;
      case BigInt(KVM_VGIC_V3_ADDR_TYPE_REDIST):
        this.needModel('v3', type);
        this.addRedistRegion(0, value, 0);
        return;
      case BigInt(KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION): {
        this.needModel('v3', type);
        const flags = (value & KVM_VGIC_V3_RDIST_FLAGS_MASK) >> KVM_VGIC_V3_RDIST_FLAGS_SHIFT;
        const count = Number((value & KVM_VGIC_V3_RDIST_COUNT_MASK) >> KVM_VGIC_V3_RDIST_COUNT_SHIFT);
        check(flags === 0n, 'EINVAL', `REDIST_REGION flags ${flags} must be 0 (§10.2 rule 1)`);
        check(count !== 0, 'EINVAL', 'REDIST_REGION count must not be 0 (§10.2 rule 2)');
        this.addRedistRegion(Number(value & KVM_VGIC_V3_RDIST_INDEX_MASK), value & KVM_VGIC_V3_RDIST_BASE_MASK, count);
        return;
      }
      default:
        fail('ENODEV', `unknown VGIC address type ${type} (§10.2)`);
    }
  }

  /**
   * KVM_GET_DEVICE_ATTR on group ADDR (kvm_vgic_addr, read): the base, VGIC_ADDR_UNDEF if unset.
   * For REDIST_REGION `value` carries the index in bits 11:0 (the caller has read it).
   */
  get(type: bigint, value: bigint): bigint {
    switch (type) {
      case BigInt(KVM_VGIC_V2_ADDR_TYPE_DIST):
        this.needModel('v2', type);
        return this.distBase;
      case BigInt(KVM_VGIC_V2_ADDR_TYPE_CPU):
        this.needModel('v2', type);
        return this.cpuBase;
      case BigInt(KVM_VGIC_V3_ADDR_TYPE_DIST):
        this.needModel('v3', type);
        return this.distBase;
      case BigInt(KVM_VGIC_V3_ADDR_TYPE_REDIST):
        // The first region's base, whichever style created it.
        this.needModel('v3', type);
        return this.regions[0]?.base ?? VGIC_ADDR_UNDEF;
      case BigInt(KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION): {
        this.needModel('v3', type);
        const index = Number(value & KVM_VGIC_V3_RDIST_INDEX_MASK);
        const r = this.regions.find((x) => x.index === index);
        if (!r) fail('ENOENT', `no redistributor region with index ${index} (§10.2)`);
        return (BigInt(r.count) << KVM_VGIC_V3_RDIST_COUNT_SHIFT) | r.base | BigInt(index);
      }
      default:
        fail('ENODEV', `unknown VGIC address type ${type} (§10.2)`);
    }
  }

  /** KVM_ARM_SET_DEVICE_ADDR (kvm_set_legacy_vgic_v2_addr, §9.3): GICv2 DIST and CPU only. */
  legacySet(type: number, addr: bigint): void {
    check(type === KVM_VGIC_V2_ADDR_TYPE_DIST || type === KVM_VGIC_V2_ADDR_TYPE_CPU, 'ENODEV', `unknown KVM_ARM_SET_DEVICE_ADDR address type ${type} (§9.3)`);
    this.set(BigInt(type), addr);
  }

  // -- GICv3 redistributors -----------------------------------------------------------------

  /** A region's size: count × 128 KiB, or for the legacy region one frame pair per online vCPU. */
  regionSize(r: { count: number }, online: number): bigint {
    return BigInt(r.count !== 0 ? r.count : online) * REDIST_SIZE;
  }

  private full(r: RedistRegion, freeIndex = r.freeIndex): boolean {
    return r.count !== 0 && freeIndex >= r.count;
  }

  /**
   * vgic_v3_alloc_redist_region + vgic_v3_set_redist_base (§10.2 insertion rules 3-8). Validates
   * everything, including the layout re-check that assignment triggers, before changing anything.
   */
  private addRedistRegion(index: number, base: bigint, count: number): void {
    const legacy = count === 0;
    const last = this.regions[this.regions.length - 1];
    if (!last) {
      check(index === 0, 'EINVAL', `the first redistributor region must have index 0, not ${index} (§10.2 rule 3)`);
    } else if (this.regions[0].count === 0) {
      // Rule 5: a second legacy REDIST is EEXIST; any REDIST_REGION after it is EINVAL.
      check(!legacy, 'EEXIST', 'KVM_VGIC_V3_ADDR_TYPE_REDIST is already set (§10.2 rule 5)');
      fail('EINVAL', 'a REDIST_REGION cannot follow a legacy KVM_VGIC_V3_ADDR_TYPE_REDIST (§10.2 rule 5)');
    } else {
      check(!legacy, 'EINVAL', 'a legacy KVM_VGIC_V3_ADDR_TYPE_REDIST cannot follow REDIST_REGIONs (§10.2 rule 5)');
      check(index === last.index + 1, 'EINVAL', `redistributor region index ${index} must be ${last.index + 1} (§10.2 rule 4)`);
    }
    const online = this.host.vcpus().length;
    const size = this.regionSize({ count }, online);
    for (const r of this.regions) {
      check(!overlaps(base, size, r.base, this.regionSize(r, online)), 'EINVAL', `redistributor region ${hex(base)} overlaps region ${r.index} (§10.2 rule 6)`);
    }
    if (this.distBase !== VGIC_ADDR_UNDEF) {
      check(!overlaps(base, size, this.distBase, V3_DIST_SIZE), 'EINVAL', `redistributor region ${hex(base)} overlaps the distributor (§10.2 rule 6)`);
    }
    this.iorange(VGIC_ADDR_UNDEF, base, SZ_64K, size, 'redistributor region');

    const region: RedistRegion = { index, base, count, freeIndex: 0, owners: [], baseNum: Number(base) };
    const regions = [...this.regions, region];
    const plan = this.planAssignments(regions, this.host.vcpus());
    if (plan.length > 0) {
      // Rule 8: assigning re-validates the layout; a failure removes the region again.
      check(this.checkBase(regions, online), 'EINVAL', 'the redistributor layout is invalid once this region is added (§10.2 rule 8, §10.11)');
    }
    this.regions.push(region);
    for (const { vcpu, region: r } of plan) this.assign(vcpu, r);
  }

  /** Free slots for vCPUs without a redistributor, in vCPU-index order, regions in index order. */
  private planAssignments(regions: readonly RedistRegion[], vcpus: readonly VgicVcpu[]): Array<{ vcpu: VgicVcpu; region: RedistRegion }> {
    const used = new Map(regions.map((r) => [r, r.freeIndex]));
    const plan: Array<{ vcpu: VgicVcpu; region: RedistRegion }> = [];
    for (const vcpu of vcpus) {
      if (this.slots.has(vcpu.id)) continue;
      const r = regions.find((x) => !this.full(x, used.get(x)!));
      if (!r) continue;
      plan.push({ vcpu, region: r });
      used.set(r, used.get(r)! + 1);
    }
    return plan;
  }

  private assign(vcpu: VgicVcpu, r: RedistRegion): void {
    this.slots.set(vcpu.id, { region: r, slot: r.freeIndex });
    r.owners.push(vcpu);
    r.freeIndex++;
  }

  /**
   * kvm_vgic_vcpu_init for GICv3 (vgic_register_redist_iodev): give the new vCPU a free slot.
   * The re-validation counts only the vCPUs already online, not the one being created (§10.11).
   */
  onVcpuCreated(vcpu: VgicVcpu): void {
    if (this.model !== 'v3' || this.slots.has(vcpu.id)) return;
    const r = this.regions.find((x) => !this.full(x));
    if (!r) return;
    const online = this.host.vcpus().filter((v) => v.id !== vcpu.id).length;
    check(this.checkBase(this.regions, online), 'EINVAL', `no valid redistributor layout for vCPU ${vcpu.id} (§10.11)`);
    this.assign(vcpu, r);
  }

  /**
   * vgic_v3_check_base (§10.11 step 3): the distributor does not wrap, every region is 64 KiB
   * aligned, does not wrap and fits the IPA space, and no region overlaps the distributor.
   */
  checkBase(regions: readonly RedistRegion[], online: number): boolean {
    if (this.distBase !== VGIC_ADDR_UNDEF && this.distBase + V3_DIST_SIZE >= U64_LIMIT) return false;
    for (const r of regions) {
      if (this.checkIorange(VGIC_ADDR_UNDEF, r.base, SZ_64K, this.regionSize(r, online)) !== null) return false;
    }
    if (this.distBase === VGIC_ADDR_UNDEF) return true;
    return !regions.some((r) => overlaps(this.distBase, V3_DIST_SIZE, r.base, this.regionSize(r, online)));
  }

  /** The layout checks of kvm_vgic_map_resources, before the init test (§10.11). */
  checkMapResources(): void {
    const vcpus = this.host.vcpus();
    if (this.model === 'v3') {
      for (const v of vcpus) check(this.slots.has(v.id), 'ENXIO', `vCPU ${v.id} has no redistributor (§10.11 step 1)`);
      check(this.distBase !== VGIC_ADDR_UNDEF, 'ENXIO', 'the distributor base is not set (§10.11 step 2)');
      check(this.checkBase(this.regions, vcpus.length), 'EINVAL', 'the distributor and redistributor layout is invalid (§10.11 step 3)');
      return;
    }
    check(this.distBase !== VGIC_ADDR_UNDEF && this.cpuBase !== VGIC_ADDR_UNDEF, 'ENXIO', 'the GICv2 distributor or CPU interface base is not set (§10.11)');
    check(this.v2CheckBase(), 'EINVAL', 'the GICv2 distributor and CPU interface overlap or wrap (§10.11)');
  }

  /** vgic_v2_check_base. */
  private v2CheckBase(): boolean {
    const d = this.distBase;
    const c = this.cpuBase;
    if (d + V2_DIST_SIZE >= U64_LIMIT || c + V2_CPU_SIZE >= U64_LIMIT) return false;
    return d + V2_DIST_SIZE <= c || c + V2_CPU_SIZE <= d;
  }

  slotOf(vcpu: VgicVcpu): RedistSlot | undefined {
    return this.slots.get(vcpu.id);
  }

  /** The base of a vCPU's redistributor, or VGIC_ADDR_UNDEF. */
  redistBase(vcpu: VgicVcpu): bigint {
    const s = this.slots.get(vcpu.id);
    return s ? s.region.base + BigInt(s.slot) * REDIST_SIZE : VGIC_ADDR_UNDEF;
  }

  /**
   * vgic_mmio_vcpu_rdist_is_last (§10.12): the highest allocated slot of its region, unless that
   * is the final slot of a counted region and another region with an allocated redistributor
   * starts right where this one ends.
   */
  isLast(vcpu: VgicVcpu): boolean {
    const s = this.slots.get(vcpu.id);
    if (!s) return false;
    const r = s.region;
    if (s.slot < r.freeIndex - 1) return false;
    if (r.count !== 0 && s.slot === r.count - 1) {
      const end = r.base + BigInt(r.count) * REDIST_SIZE;
      if (this.regions.some((x) => x.base === end && x.freeIndex > 0)) return false;
    }
    return true;
  }

  /** The vCPU whose redistributor frame pair holds `addr`, and the offset in it (MMIO path). */
  redistAt(addr: number): { vcpu: VgicVcpu; offset: number } | undefined {
    for (const r of this.regions) {
      const off = addr - r.baseNum;
      if (off < 0 || off >= r.freeIndex * KVM_VGIC_V3_REDIST_SIZE) continue;
      const slot = Math.floor(off / KVM_VGIC_V3_REDIST_SIZE);
      return { vcpu: r.owners[slot], offset: off - slot * KVM_VGIC_V3_REDIST_SIZE };
    }
    return undefined;
  }
}
