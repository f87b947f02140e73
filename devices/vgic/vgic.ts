/**
 * The in-kernel VGIC device (KVM_DEV_TYPE_ARM_VGIC_V2 / _V3, or KVM_CREATE_IRQCHIP) as KVM
 * exposes it to userspace: the device attribute groups (spec §10.1-§10.8, dispatched through one
 * table per model), KVM_ARM_SET_DEVICE_ADDR (§9.3), KVM_IRQ_LINE injection (§8.2), the first-run
 * mapping (§10.11) and guest MMIO into the distributor, redistributor and CPU-interface frames.
 *
 * The register state is shared memory (vgic-state.ts, vgic-shared.ts): once the VGIC is ready,
 * shared() describes it to the vCPU threads, which then run the CPU interface, the guest MMIO to
 * the frames and the timers' PPIs themselves (vgic-thread.ts). Everything here takes the same
 * lock and ends with delivery, so a KVM_IRQ_LINE raises the target vCPU's IRQ input at once.
 *
 * linux: arch/arm64/kvm/vgic/vgic-kvm-device.c (vgic_set_common_attr, vgic_v2/v3_attr_regs_access,
 * vgic_v2/v3_has_attr), vgic-init.c (vgic_init, kvm_vgic_map_resources, vgic_lazy_init),
 * vgic.c (kvm_vgic_inject_irq, vgic_validate_injection, kvm_vgic_set_owner),
 * vgic-mmio-v3.c (vgic_v3_line_level_info_uaccess).
 */
import { check, fail, KvmError } from '../../vmcore/errno';
import {
  KVM_DEV_ARM_VGIC_CTRL_INIT,
  KVM_DEV_ARM_VGIC_GRP,
  KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES,
  KVM_MAX_VCPUS,
  KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION,
  VGIC_ADDR_UNDEF,
  VGIC_V2_MAX_CPUS,
} from '../../vmcore/kvm-constants';
import { VgicAddr } from './vgic-addr';
import { deliver, deliverAll } from './vgic-cpuif';
import type { VgicHost, VgicModel, VgicVcpu } from './vgic-host';
import { injectLine } from './vgic-irq-regs';
import { guestRead, guestRead64, guestWrite, guestWrite64 } from './vgic-mmio';
import type { VgicRegisterFrame } from './vgic-register-frame';
import { C_AFFINITY, C_OWNED_PPIS, C_TYPER_HI, C_TYPER_LO, D_PTIMER_PPI, D_UNHANDLED, D_VTIMER_PPI, type VgicSharedDesc } from './vgic-shared';
import { packedAffinity, VGIC_MAX_RESERVED, VGIC_NR_IRQS_LEGACY, VGIC_NR_PRIVATE_IRQS, VGIC_NR_SGIS, VgicState, type IrqBank } from './vgic-state';
import { VGIC_V2_CPU } from './vgic-v2-cpu';
import { VGIC_V2_DIST } from './vgic-v2-dist';
import { GICD_PRE_INIT_OFFSETS, VGIC_V3_DIST } from './vgic-v3-dist';
import { gicrTyper, VGIC_V3_REDIST } from './vgic-v3-redist';
import { ICC_SYSREG_BY_ENCODING } from './vgic-v3-sysregs';

export type { VgicHost, VgicModel, VgicVcpu } from './vgic-host';

// Attribute encodings (arch/arm64/include/uapi/asm/kvm.h; §10.3-§10.8).
export const KVM_DEV_ARM_VGIC_CPUID_SHIFT = 32n;
export const KVM_DEV_ARM_VGIC_CPUID_MASK = 0xffn << KVM_DEV_ARM_VGIC_CPUID_SHIFT;
export const KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT = 32n;
export const KVM_DEV_ARM_VGIC_V3_MPIDR_MASK = 0xffffffffn << KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT;
export const KVM_DEV_ARM_VGIC_OFFSET_MASK = 0xffffffffn;
export const KVM_DEV_ARM_VGIC_SYSREG_INSTR_MASK = 0xffffn;
export const KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT = 10n;
export const KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_MASK = 0x3fffffn << KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT;
export const KVM_DEV_ARM_VGIC_LINE_LEVEL_INTID_MASK = 0x3ffn;
export const VGIC_LEVEL_INFO_LINE_LEVEL = 0;

/** One attribute group: the handlers KVM_SET/GET/HAS_DEVICE_ATTR reach. A missing handler is ENXIO. */
interface AttrGroup {
  set?(attr: bigint, value: Uint8Array): void;
  get?(attr: bigint, value: Uint8Array | undefined): Uint8Array;
  has(attr: bigint): void;
}

// get_user / put_user on kvm_device_attr.addr (§9.2): a short buffer is EFAULT.
function readU32(value: Uint8Array | undefined, what: string): number {
  check(value !== undefined && value.length >= 4, 'EFAULT', `${what}: a u32 is expected at addr (§9.2)`);
  return new DataView(value.buffer, value.byteOffset, 4).getUint32(0, true);
}
function readU64(value: Uint8Array | undefined, what: string): bigint {
  check(value !== undefined && value.length >= 8, 'EFAULT', `${what}: a u64 is expected at addr (§9.2)`);
  return new DataView(value.buffer, value.byteOffset, 8).getBigUint64(0, true);
}
function u32Bytes(v: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, v >>> 0, true);
  return out;
}
function u64Bytes(v: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  return out;
}
const hex = (v: bigint | number): string => `0x${v.toString(16)}`;

/** The groups that write interrupt state (delivery follows a SET). */
const REGISTER_GROUPS: ReadonlySet<number> = new Set([
  KVM_DEV_ARM_VGIC_GRP.KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
  KVM_DEV_ARM_VGIC_GRP.KVM_DEV_ARM_VGIC_GRP_CPU_REGS,
  KVM_DEV_ARM_VGIC_GRP.KVM_DEV_ARM_VGIC_GRP_REDIST_REGS,
  KVM_DEV_ARM_VGIC_GRP.KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS,
  KVM_DEV_ARM_VGIC_GRP.KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO,
]);

export class Vgic {
  readonly model: VgicModel;
  /** KVM_CAP_MAX_VCPUS on the VM fd once this VGIC exists (§1.1 rule 4). */
  readonly maxVcpus: number;

  private readonly host: VgicHost;
  private readonly layout: VgicAddr;
  private readonly state: VgicState;
  private readonly distFrame: VgicRegisterFrame;
  private readonly groups: ReadonlyMap<number, AttrGroup>;
  // Frame bases as numbers for the MMIO path, fixed when the VGIC becomes ready.
  private distBaseNum = -1;
  private cpuBaseNum = -1;
  /** What the vCPU threads receive (built once, at the first call after mapResources). */
  private desc: VgicSharedDesc | undefined;

  /**
   * kvm_vgic_create's own checks (§8.1, §9.1, §1.1 rules 3-4): EBUSY once a vCPU has run, E2BIG
   * if more vCPUs exist than the model serves. EEXIST and ENODEV are the VM's to check first.
   */
  constructor(model: VgicModel, host: VgicHost) {
    const max = model === 'v2' ? VGIC_V2_MAX_CPUS : KVM_MAX_VCPUS;
    check(!host.hasRun(), 'EBUSY', 'the in-kernel irqchip must be created before any vCPU runs (§1.1 rule 3)');
    check(host.vcpus().length <= max, 'E2BIG', `a GIC${model} serves at most ${max} vCPUs (§1.1 rule 4)`);
    this.model = model;
    this.maxVcpus = max;
    this.host = host;
    this.layout = new VgicAddr(model, host);
    this.state = new VgicState(model, host, this.layout);
    this.distFrame = model === 'v2' ? VGIC_V2_DIST : VGIC_V3_DIST;
    this.groups = this.buildGroups();
  }

  /** CTRL_INIT done (v3), or v2 initialised explicitly or lazily (§1.1 rule 5). */
  get initialized(): boolean {
    return this.state.initialized;
  }

  /** map_resources succeeded at a first run (§10.11). */
  get ready(): boolean {
    return this.state.ready;
  }

  /** dist->nr_spis (0 until NR_IRQS or init sets it), for vgic_valid_spi() users. */
  get nrSpis(): number {
    return this.state.nrSpis;
  }

  /** Guest accesses inside a GIC frame that no register claimed (read as zero, write ignored). */
  get unhandledMmio(): number {
    return Atomics.load(this.state.d, D_UNHANDLED);
  }

  // -- device attributes (§9.2, §10.1) --------------------------------------------------------

  /** KVM_SET_DEVICE_ATTR on the device fd. `value` holds the bytes at kvm_device_attr.addr. */
  setAttr(group: number, attr: bigint, value: Uint8Array): void {
    const g = this.group(group);
    if (!g.set) fail('ENXIO', `group ${group} has no SET (§10.1)`);
    const set = g.set;
    const regs = REGISTER_GROUPS.has(group);
    this.state.locked(() => {
      // IROUTER writes resolve their target against the MPIDRs as now set.
      if (group === KVM_DEV_ARM_VGIC_GRP.KVM_DEV_ARM_VGIC_GRP_DIST_REGS) this.publishAffinities();
      set(attr, value);
      // Restored pending, enable or priority state may make an interrupt deliverable.
      if (regs) deliverAll(this.state);
    });
  }

  /** KVM_GET_DEVICE_ATTR. REDIST_REGION reads its index from the u64 in `value`. */
  getAttr(group: number, attr: bigint, value?: Uint8Array): Uint8Array {
    const g = this.group(group);
    if (!g.get) fail('ENXIO', `group ${group} has no GET (§10.1)`);
    const get = g.get;
    return this.state.locked(() => get(attr, value));
  }

  /** KVM_HAS_DEVICE_ATTR: returns, or throws ENXIO (EINVAL for a register group naming no vCPU). */
  hasAttr(group: number, attr: bigint): void {
    this.group(group).has(attr);
  }

  private group(group: number): AttrGroup {
    return this.groups.get(group) ?? fail('ENXIO', `attribute group ${group} does not apply to a GIC${this.model} (§10.1)`);
  }

  private buildGroups(): ReadonlyMap<number, AttrGroup> {
    const G = KVM_DEV_ARM_VGIC_GRP;
    const rows: Array<[number, AttrGroup]> = [
      [G.KVM_DEV_ARM_VGIC_GRP_ADDR, this.addrGroup()],
      [G.KVM_DEV_ARM_VGIC_GRP_NR_IRQS, this.nrIrqsGroup()],
      [G.KVM_DEV_ARM_VGIC_GRP_CTRL, this.ctrlGroup()],
    ];
    if (this.model === 'v2') {
      rows.push([G.KVM_DEV_ARM_VGIC_GRP_DIST_REGS, this.v2RegsGroup(VGIC_V2_DIST)], [G.KVM_DEV_ARM_VGIC_GRP_CPU_REGS, this.v2RegsGroup(VGIC_V2_CPU)]);
    } else {
      // No MAINT_IRQ group: it exists only with nested virtualisation, which is not offered (§15).
      rows.push(
        [G.KVM_DEV_ARM_VGIC_GRP_DIST_REGS, this.v3RegsGroup(VGIC_V3_DIST, true)],
        [G.KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, this.v3RegsGroup(VGIC_V3_REDIST, false)],
        [G.KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS, this.sysregsGroup()],
        [G.KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, this.levelInfoGroup()],
      );
    }
    return new Map(rows);
  }

  /** Group ADDR (§10.2); the internal ENODEV of a foreign or unknown type becomes ENXIO. */
  private addrGroup(): AttrGroup {
    const enxio = <T>(fn: () => T): T => {
      try {
        return fn();
      } catch (e) {
        if (e instanceof KvmError && e.errno === 'ENODEV') throw new KvmError('ENXIO', e.message.replace(/^ENODEV: /, ''));
        throw e;
      }
    };
    return {
      set: (attr, value) => {
        const v = readU64(value, 'VGIC ADDR');
        enxio(() => this.layout.set(attr, v));
      },
      get: (attr, value) => {
        // Reading a redistributor region implies reading its index first (kvm_vgic_addr).
        const index = attr === BigInt(KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION) ? readU64(value, 'VGIC ADDR REDIST_REGION') : 0n;
        return u64Bytes(enxio(() => this.layout.get(attr, index)));
      },
      has: (attr) => check(this.layout.has(attr), 'ENXIO', `address type ${attr} does not apply to a GIC${this.model} (§10.2)`),
    };
  }

  /** Group NR_IRQS (§10.6). */
  private nrIrqsGroup(): AttrGroup {
    return {
      set: (_attr, value) => {
        const val = readU32(value, 'NR_IRQS');
        check(val >= VGIC_NR_PRIVATE_IRQS + 32 && val <= VGIC_MAX_RESERVED && val % 32 === 0, 'EINVAL', `NR_IRQS ${val}: 64..992 in steps of 32 (§10.6)`);
        check(!this.state.initialized && this.state.nrSpis === 0, 'EBUSY', 'NR_IRQS was already set or the VGIC is initialised (§10.6)');
        this.state.nrSpis = val - VGIC_NR_PRIVATE_IRQS;
      },
      get: () => u32Bytes(this.state.nrIrqs),
      has: () => {},
    };
  }

  /** Group CTRL (§10.7). */
  private ctrlGroup(): AttrGroup {
    const init = BigInt(KVM_DEV_ARM_VGIC_CTRL_INIT);
    const savePending = BigInt(KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES);
    return {
      set: (attr) => {
        if (attr === init) return this.init();
        if (attr === savePending && this.model === 'v3') {
          this.notRunning();
          check(this.state.initialized, 'ENXIO', 'SAVE_PENDING_TABLES needs an initialised GICv3 (§10.7)');
          return; // No ITS, so no LPI has a pending bit to write to the guest's tables.
        }
        fail('ENXIO', `CTRL attribute ${attr} does not apply to a GIC${this.model} (§10.7)`);
      },
      has: (attr) => check(attr === init || (attr === savePending && this.model === 'v3'), 'ENXIO', `CTRL attribute ${attr} does not apply to a GIC${this.model} (§10.7)`),
    };
  }

  /** Register groups need every vCPU locked: EBUSY while one is inside KVM_RUN (§10.3-§10.5). */
  private notRunning(): void {
    check(!this.host.anyRunning(), 'EBUSY', 'a vCPU is running: all vCPUs must be stopped to access VGIC state');
  }

  /** GICv2 DIST_REGS / CPU_REGS (§10.3): vCPU id in bits 39:32, checked before anything else. */
  private v2RegsGroup(frame: VgicRegisterFrame): AttrGroup {
    const parse = (attr: bigint): { vcpu: VgicVcpu; offset: number } => {
      const id = Number((attr & KVM_DEV_ARM_VGIC_CPUID_MASK) >> KVM_DEV_ARM_VGIC_CPUID_SHIFT);
      const vcpu = this.host.vcpus().find((v) => v.id === id) ?? fail('EINVAL', `no vCPU with id ${id} (§10.3)`);
      return { vcpu, offset: Number(attr & KVM_DEV_ARM_VGIC_OFFSET_MASK) };
    };
    return {
      set: (attr, value) => {
        const { vcpu, offset } = parse(attr);
        const val = readU32(value, frame.name);
        this.notRunning();
        this.init(); // GET and SET (not HAS) initialise a GICv2 (§10.3)
        frame.uaccessWrite(this.state, vcpu, offset, val);
      },
      get: (attr) => {
        const { vcpu, offset } = parse(attr);
        this.notRunning();
        this.init();
        return u32Bytes(frame.uaccessRead(this.state, vcpu, offset));
      },
      has: (attr) => {
        const { offset } = parse(attr);
        check(frame.has(offset, this.state.nrIrqs), 'ENXIO', `${frame.name}: no register at offset ${hex(offset)} (§10.3)`);
      },
    };
  }

  /** The vCPU whose MPIDR affinity is packed in attr bits 63:32 (kvm_mpidr_to_vcpu, §10.4). */
  private vcpuByMpidr(attr: bigint): VgicVcpu {
    const aff = Number((attr & KVM_DEV_ARM_VGIC_V3_MPIDR_MASK) >> KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT);
    return this.host.vcpus().find((v) => packedAffinity(v.mpidr()) === aff) ?? fail('EINVAL', `no vCPU has MPIDR affinity ${hex(aff)} (§10.4)`);
  }

  /** GICv3 register groups need CTRL_INIT first (§10.4), except the pre-init DIST_REGS IDs. */
  private needInit(what: string): void {
    check(this.state.initialized, 'EBUSY', `${what}: the GICv3 is not initialised (CTRL_INIT) (§10.4)`);
  }

  /** GICv3 DIST_REGS (vCPU 0 must exist, MPIDR ignored) and REDIST_REGS (MPIDR selects) (§10.4). */
  private v3RegsGroup(frame: VgicRegisterFrame, dist: boolean): AttrGroup {
    const parse = (attr: bigint): { vcpu: VgicVcpu; offset: number } => {
      const vcpu = dist ? (this.host.vcpus()[0] ?? fail('EINVAL', 'DIST_REGS needs vCPU 0 to exist (§10.4)')) : this.vcpuByMpidr(attr);
      return { vcpu, offset: Number(attr & KVM_DEV_ARM_VGIC_OFFSET_MASK) };
    };
    const ready = (offset: number): void => {
      this.notRunning();
      if (!(dist && GICD_PRE_INIT_OFFSETS.has(offset))) this.needInit(frame.name);
    };
    return {
      set: (attr, value) => {
        const { vcpu, offset } = parse(attr);
        const val = readU32(value, frame.name);
        ready(offset);
        frame.uaccessWrite(this.state, vcpu, offset, val);
      },
      get: (attr) => {
        const { vcpu, offset } = parse(attr);
        ready(offset);
        return u32Bytes(frame.uaccessRead(this.state, vcpu, offset));
      },
      has: (attr) => {
        const { offset } = parse(attr);
        check(frame.has(offset, this.state.nrIrqs), 'ENXIO', `${frame.name}: no register at offset ${hex(offset)} (§10.4)`);
      },
    };
  }

  /** GICv3 CPU_SYSREGS (§10.5): u64 values, the ICC table. */
  private sysregsGroup(): AttrGroup {
    const row = (attr: bigint) => {
      const enc = Number(attr & KVM_DEV_ARM_VGIC_SYSREG_INSTR_MASK);
      return ICC_SYSREG_BY_ENCODING.get(enc) ?? fail('ENXIO', `no GIC CPU interface register with encoding ${hex(enc)} (§10.5)`);
    };
    return {
      set: (attr, value) => {
        const vcpu = this.vcpuByMpidr(attr);
        this.notRunning();
        this.needInit('CPU_SYSREGS');
        const val = readU64(value, 'CPU_SYSREGS');
        row(attr).set(this.state.cpu(vcpu).cpuif, Number(val & 0xffffffffn));
      },
      get: (attr) => {
        const vcpu = this.vcpuByMpidr(attr);
        this.notRunning();
        this.needInit('CPU_SYSREGS');
        return u64Bytes(BigInt(row(attr).get(this.state.cpu(vcpu).cpuif) >>> 0));
      },
      has: (attr) => {
        this.vcpuByMpidr(attr);
        row(attr);
      },
    };
  }

  /** GICv3 LEVEL_INFO (§10.8): line levels of 32 level-sensitive INTIDs. */
  private levelInfoGroup(): AttrGroup {
    const infoOf = (attr: bigint): number => Number((attr & KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_MASK) >> KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT);
    // After the vCPU lookup (and the value read of a SET): EBUSY, then the attribute's own checks.
    const firstIntid = (attr: bigint): number => {
      this.notRunning();
      this.needInit('LEVEL_INFO');
      check(infoOf(attr) === VGIC_LEVEL_INFO_LINE_LEVEL, 'EINVAL', `LEVEL_INFO type ${infoOf(attr)} is unknown (§10.8)`);
      const intid = Number(attr & KVM_DEV_ARM_VGIC_LINE_LEVEL_INTID_MASK);
      check(intid % 32 === 0, 'EINVAL', `LEVEL_INFO INTID ${intid} is not a multiple of 32 (§10.8)`);
      return intid;
    };
    // SGIs have no line; INTIDs past nr_irqs do not exist (vgic_read/write_irq_line_level_info).
    const each = (vcpu: VgicVcpu, first: number, fn: (bank: IrqBank, intid: number, bit: number) => void): void => {
      for (let i = 0; i < 32; i++) {
        const intid = first + i;
        if (intid < VGIC_NR_SGIS || intid >= this.state.nrIrqs) continue;
        const b = this.state.bank(vcpu, intid);
        if (b) fn(b, intid, i);
      }
    };
    return {
      set: (attr, value) => {
        const vcpu = this.vcpuByMpidr(attr);
        const val = readU32(value, 'LEVEL_INFO');
        // The line level is restored whatever the configuration, so restores may come in any order.
        each(vcpu, firstIntid(attr), (b, id, bit) => {
          b.lineLevel[id] = (val >>> bit) & 1;
        });
      },
      get: (attr) => {
        const vcpu = this.vcpuByMpidr(attr);
        let v = 0;
        each(vcpu, firstIntid(attr), (b, id, bit) => {
          if (!b.edge[id] && b.lineLevel[id]) v |= 1 << bit;
        });
        return u32Bytes(v);
      },
      has: (attr) => check(infoOf(attr) === VGIC_LEVEL_INFO_LINE_LEVEL, 'ENXIO', `LEVEL_INFO type ${infoOf(attr)} is unknown (§10.8)`),
    };
  }

  // -- lifecycle (§10.11) ---------------------------------------------------------------------

  /**
   * vgic_init: fixes the SPI count (default 256 interrupts), sets up every vCPU's private
   * interrupts. Idempotent. Afterwards vCPU creation and NR_IRQS are EBUSY (§10.7).
   */
  private init(): void {
    const s = this.state;
    if (s.initialized) return;
    if (s.nrSpis === 0) s.nrSpis = VGIC_NR_IRQS_LEGACY - VGIC_NR_PRIVATE_IRQS;
    s.allocSpis();
    for (const v of this.host.vcpus()) s.cpu(v);
    s.initialized = true;
  }

  /** KVM_ARM_SET_DEVICE_ADDR (§9.3): GICv2 DIST/CPU; ENODEV for an unknown type or a non-v2 model. */
  legacySetAddr(type: number, addr: bigint): void {
    this.layout.legacySet(type, addr);
  }

  /**
   * A vCPU joined host.vcpus() (kvm_vgic_vcpu_init): a GICv3 gives it a free redistributor and
   * re-validates the layout (EINVAL, nothing changed). The VM removes the vCPU on an error.
   */
  onVcpuCreated(vcpu: VgicVcpu): void {
    check(!this.state.initialized, 'EBUSY', 'vCPUs cannot be added once the VGIC is initialised (§1.1 rule 5)');
    this.layout.onVcpuCreated(vcpu);
  }

  /**
   * kvm_vgic_map_resources, at the first KVM_RUN of any vCPU (§10.11): the layout checks in the
   * kernel's order, then EBUSY for an uninitialised GICv3; a GICv2 initialises here. Idempotent.
   */
  mapResources(): void {
    if (this.state.ready) return;
    this.layout.checkMapResources();
    if (this.model === 'v3') this.needInit('first KVM_RUN');
    else this.init();
    this.distBaseNum = Number(this.layout.distBase);
    this.cpuBaseNum = this.model === 'v2' ? Number(this.layout.cpuBase) : -1;
    this.state.locked(() => {
      this.publishAffinities();
      this.publishTopology();
      this.state.ready = true;
    });
  }

  /** Each vCPU's MPIDR affinity into its shared words (SGI targets, IROUTER resolution). */
  private publishAffinities(): void {
    for (const v of this.host.vcpus()) {
      const c = this.state.cpu(v);
      c.w[C_AFFINITY] = packedAffinity(v.mpidr());
    }
  }

  /**
   * At map_resources: GICR_TYPER as the vCPU threads will read it, and every SPI's IROUTER
   * re-resolved against the MPIDRs now set (userspace may have restored them after the GIC).
   */
  private publishTopology(): void {
    const s = this.state;
    for (const v of this.host.vcpus()) {
      const [lo, hi] = gicrTyper(s, v);
      const w = s.cpu(v).w;
      w[C_TYPER_LO] = lo;
      w[C_TYPER_HI] = hi;
    }
    const b = s.spis;
    if (this.model === 'v3' && b) {
      for (let i = VGIC_NR_PRIVATE_IRQS; i < s.nrIrqs; i++) b.route[i] = s.vcpuIndexByAffinity(b.mpidr[i]);
    }
  }

  /**
   * The shared state for the vCPU threads (IrqchipPort.shared): undefined until the VGIC is ready,
   * then always the same object (a thread is sent it once).
   */
  shared(): VgicSharedDesc | undefined {
    if (!this.state.ready) return undefined;
    if (!this.desc) {
      const s = this.state;
      const vcpus = this.host.vcpus().map((v) => {
        const c = s.cpu(v);
        return { id: v.id, index: v.index, state: c.buffer, ctl: c.ctl.buffer as SharedArrayBuffer };
      });
      const redist = this.layout.regions.map((r) => ({ base: r.baseNum, owners: r.owners.map((o) => o.index) }));
      this.desc = {
        kind: 'vgic', model: this.model, dist: s.d.buffer as SharedArrayBuffer, spis: s.spis!.buffer, nrIrqs: s.nrIrqs, vcpus,
        frames: { dist: this.distBaseNum, cpu: this.cpuBaseNum, redist },
      };
    }
    return this.desc;
  }

  /**
   * kvm_timer_enable's kvm_vgic_set_owner for one vCPU (§7.2 step 5): its timers own these PPIs
   * from now on, so KVM_IRQ_LINE into them is dropped, and the vCPU threads raise them.
   */
  claimTimerPpis(vcpu: VgicVcpu, vtimer: number, ptimer: number): void {
    this.state.locked(() => {
      const s = this.state;
      s.d[D_VTIMER_PPI] = vtimer;
      s.d[D_PTIMER_PPI] = ptimer;
      s.cpu(vcpu).w[C_OWNED_PPIS] = ((1 << vtimer) | (1 << ptimer)) >>> 0;
    });
  }

  // -- injection (§8.2) -----------------------------------------------------------------------

  /**
   * KVM_IRQ_LINE after decoding: an SPI (vcpu ignored) or a PPI of `vcpu`. EINVAL for an INTID
   * outside the type's range; a GICv2 initialises lazily, an uninitialised GICv3 is EBUSY.
   */
  irqLine(type: 'spi' | 'ppi', vcpu: VgicVcpu | undefined, intid: number, level: boolean): void {
    if (type === 'spi') {
      check(intid >= VGIC_NR_PRIVATE_IRQS, 'EINVAL', `INTID ${intid} is not an SPI (§8.2)`);
    } else {
      check(vcpu !== undefined, 'EINVAL', 'KVM_IRQ_LINE PPI: no such vCPU (§8.2)');
      check(intid >= VGIC_NR_SGIS && intid < VGIC_NR_PRIVATE_IRQS, 'EINVAL', `INTID ${intid} is not a PPI (§8.2)`);
    }
    if (!this.state.initialized) {
      check(this.model === 'v2', 'EBUSY', 'KVM_IRQ_LINE into a GICv3 before CTRL_INIT (§8.2)');
      this.init(); // vgic_lazy_init
    }
    const s = this.state;
    const bank = type === 'spi' ? s.spis : s.cpu(vcpu!).priv;
    check(bank !== null && intid < (type === 'spi' ? s.nrIrqs : VGIC_NR_PRIVATE_IRQS), 'EINVAL', `SPI ${intid} does not exist: nr_irqs is ${s.nrIrqs} (§8.2)`);
    s.locked(() => {
      if (type === 'ppi') {
        const c = s.cpu(vcpu!);
        // vgic_validate_injection: a PPI a timer owns is not userspace's to drive (dropped, 0).
        if ((c.w[C_OWNED_PPIS] >>> intid) & 1) return;
        injectLine(bank, intid, level);
        deliver(s, c);
        return;
      }
      injectLine(bank, intid, level);
      const t = bank.route[intid];
      const target = t >= 0 ? s.allCpus()[t] : undefined;
      if (target !== undefined) deliver(s, target);
    });
  }

  // -- guest MMIO -----------------------------------------------------------------------------

  // The frame, banked vCPU and offset the last locate() found: scratch fields, so that the
  // per-access path allocates nothing.
  private hitFrame: VgicRegisterFrame = VGIC_V3_DIST;
  private hitVcpu: VgicVcpu | undefined;
  private hitOffset = 0;
  private readonly out64 = new Int32Array(2);

  /**
   * Which frame covers guest-physical `addr`: the distributor and GICv2 CPU interface once the
   * VGIC is ready (KVM registers them in map_resources), a GICv3 redistributor as soon as it is
   * assigned (vgic_register_redist_iodev). The redistributor's owner is the banked vCPU.
   */
  private locate(addr: number, vcpu: VgicVcpu): boolean {
    if (this.state.ready) {
      let off = addr - this.distBaseNum;
      if (off >= 0 && off < this.distFrame.size) return this.hit(this.distFrame, vcpu, off);
      off = addr - this.cpuBaseNum;
      if (this.model === 'v2' && off >= 0 && off < VGIC_V2_CPU.size) return this.hit(VGIC_V2_CPU, vcpu, off);
    }
    const rd = this.model === 'v3' ? this.layout.redistAt(addr) : undefined;
    return rd !== undefined && this.hit(VGIC_V3_REDIST, rd.vcpu, rd.offset);
  }

  private hit(frame: VgicRegisterFrame, vcpu: VgicVcpu, offset: number): true {
    this.hitFrame = frame;
    this.hitVcpu = vcpu;
    this.hitOffset = offset;
    return true;
  }

  /**
   * Guest read of `size` bytes (1, 2, 4 or 8) at guest-physical `addr`; undefined if no frame of
   * this GIC covers it. Accesses no register accepts read as zero and are counted. An 8-byte
   * result is low + high × 2^32, exact only below 2^53: use mmioRead64 for 64-bit registers.
   */
  mmioRead(addr: number, size: number, vcpu: VgicVcpu): number | undefined {
    if (size === 8) {
      const r = this.mmioRead64(addr, vcpu);
      return r && r[0] + r[1] * 0x100000000;
    }
    if (!this.locate(addr, vcpu)) return undefined;
    return guestRead(this.state, this.hitFrame, this.hitVcpu!, this.hitOffset, size);
  }

  /** Guest write; false if no frame of this GIC covers `addr`. Unclaimed accesses are ignored and counted. */
  mmioWrite(addr: number, size: number, value: number, vcpu: VgicVcpu): boolean {
    if (size === 8) return this.mmioWrite64(addr, value >>> 0, Math.floor(value / 0x100000000) >>> 0, vcpu);
    if (!this.locate(addr, vcpu)) return false;
    guestWrite(this.state, this.hitFrame, this.hitVcpu!, this.hitOffset, size, value);
    return true;
  }

  /** Guest 64-bit read as [low, high] words; undefined if no frame covers `addr`. */
  mmioRead64(addr: number, vcpu: VgicVcpu): [number, number] | undefined {
    if (!this.locate(addr, vcpu)) return undefined;
    guestRead64(this.state, this.hitFrame, this.hitVcpu!, this.hitOffset, this.out64);
    return [this.out64[0] >>> 0, this.out64[1] >>> 0];
  }

  /** Guest 64-bit write of [low, high]; false if no frame covers `addr`. */
  mmioWrite64(addr: number, lo: number, hi: number, vcpu: VgicVcpu): boolean {
    if (!this.locate(addr, vcpu)) return false;
    guestWrite64(this.state, this.hitFrame, this.hitVcpu!, this.hitOffset, lo, hi);
    return true;
  }

  // -- tools ----------------------------------------------------------------------------------

  /** Human-readable state for tools (kvmctl, ListDevices). */
  describe(): Record<string, string> {
    const base = (v: bigint): string => (v === VGIC_ADDR_UNDEF ? 'unset' : hex(v));
    const out: Record<string, string> = {
      model: this.model === 'v2' ? 'GICv2' : 'GICv3',
      dist_base: base(this.layout.distBase),
      nr_irqs: String(this.state.nrIrqs),
      initialized: String(this.state.initialized),
      ready: String(this.state.ready),
      max_vcpus: String(this.maxVcpus),
      implementation_rev: String(this.state.implementationRev),
      unhandled_mmio: String(this.unhandledMmio),
    };
    if (this.model === 'v2') {
      out.cpu_base = base(this.layout.cpuBase);
    } else {
      out.redist_regions = this.layout.regions.map((r) => `#${r.index} ${hex(r.base)} ${r.count === 0 ? 'legacy' : `count=${r.count}`} used=${r.freeIndex}`).join('; ') || 'none';
      out.redistributors = this.host
        .vcpus()
        .map((v) => `vcpu${v.id}=${base(this.layout.redistBase(v))}`)
        .join(' ');
    }
    return out;
  }
}
