/**
 * The typed TypeScript client of kvm-arm64-grpc: handles for the system, a VM, a vCPU and a
 * device, mirroring the fds of /dev/kvm. Every failure is a KvmError carrying the errno the
 * kernel would have returned.
 *
 * @example
 * const kvm = await KvmClient.connect('127.0.0.1:50051');
 * const vm = await kvm.createVm();
 * await vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: 0x40000000n, memorySize: 0x100000n, userspaceAddr: 0x7f0000000000n });
 * await vm.writeMemory(0x40000000n, program);
 * const vcpu = await vm.createVcpu(0);
 * await vcpu.init();
 * await vcpu.setReg(REG.PC, 0x40000000n);
 * const exit = await vcpu.run();
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { decodeStatusDetails } from '../proto/status-details';

/** proto/ beside clients/ from sources; two levels up from dist/clients/ (tsc copies no .proto). */
const PROTO_ROOT = [path.resolve(__dirname, '..', 'proto'), path.resolve(__dirname, '..', '..', 'proto')]
  .find((d) => fs.existsSync(path.join(d, 'kvm/v1/kvm.proto'))) ?? path.resolve(__dirname, '..', 'proto');
const definition = protoLoader.loadSync('kvm/v1/kvm.proto', {
  includeDirs: [PROTO_ROOT], keepCase: false, longs: String, enums: String, defaults: true, oneofs: true,
});
const pkg = grpc.loadPackageDefinition(definition) as unknown as { kvm: { v1: Record<string, grpc.ServiceClientConstructor> } };

/** Options of {@link KvmClient.connect}. */
export interface ConnectOptions {
  /** Channel credentials; plaintext if omitted. Use grpc.credentials.createSsl(ca, key, cert) for (m)TLS. */
  credentials?: grpc.ChannelCredentials;
  /** Default deadline of each call, in ms (Run uses its own, see {@link RunOptions}). Default 30 s. */
  deadlineMs?: number;
  /** Extra channel options (e.g. message sizes). */
  channelOptions?: grpc.ChannelOptions;
}

/**
 * A failed call: the errno of the ioctl (`errno` name, `errnoNumber`), the gRPC `code`, and
 * any extra facts the server attached (`info`, e.g. `n` for KVM_GET_REG_LIST's E2BIG).
 *
 * @example
 * try { await vm.createVcpu(600); } catch (e) { if (e instanceof KvmError && e.errno === 'EINVAL') ... }
 */
export class KvmError extends Error {
  constructor(
    message: string,
    readonly code: grpc.status,
    readonly errno: string,
    readonly errnoNumber: number,
    readonly info: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'KvmError';
  }

  /** Builds a KvmError from a grpc-js error (ErrorInfo in grpc-status-details-bin, else the kvm-errno trailer). */
  static from(err: grpc.ServiceError): KvmError {
    const md = err.metadata;
    const bin = md?.get('grpc-status-details-bin')[0];
    if (bin instanceof Buffer) {
      const d = decodeStatusDetails(bin);
      if (d.errorInfo) {
        const { reason, metadata } = d.errorInfo;
        return new KvmError(err.details || err.message, err.code, reason, Number(metadata.errno ?? 0), metadata);
      }
    }
    const trailer = md?.get('kvm-errno')[0];
    return new KvmError(err.details || err.message, err.code, typeof trailer === 'string' ? trailer : '', 0);
  }
}

type Callback<T> = (err: grpc.ServiceError | null, res: T) => void;
type AnyClient = grpc.Client & Record<string, (req: unknown, md: grpc.Metadata, opts: grpc.CallOptions, cb: Callback<unknown>) => grpc.ClientUnaryCall>;

const u64 = (v: bigint | number): string => BigInt(v).toString();
const big = (s: string | number | undefined): bigint => BigInt(s ?? 0);
const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** The system handle: the counterpart of the /dev/kvm fd. */
export class KvmClient {
  private readonly system: AnyClient;
  readonly vmService: AnyClient;
  readonly vcpuService: AnyClient;
  readonly deviceService: AnyClient;
  readonly deadlineMs: number;

  private constructor(readonly address: string, opts: ConnectOptions) {
    const creds = opts.credentials ?? grpc.credentials.createInsecure();
    const options = { 'grpc.max_receive_message_length': 8 << 20, 'grpc.max_send_message_length': 8 << 20, ...opts.channelOptions };
    const mk = (name: string): AnyClient => new pkg.kvm.v1[name](address, creds, options) as unknown as AnyClient;
    this.system = mk('SystemService');
    this.vmService = mk('VmService');
    this.vcpuService = mk('VcpuService');
    this.deviceService = mk('DeviceService');
    this.deadlineMs = opts.deadlineMs ?? 30_000;
  }

  /**
   * Connects to a server (waits until the channel is ready or the deadline passes).
   * @example const kvm = await KvmClient.connect('127.0.0.1:50051');
   */
  static async connect(address: string, opts: ConnectOptions = {}): Promise<KvmClient> {
    const c = new KvmClient(address, opts);
    await new Promise<void>((resolve, reject) =>
      c.system.waitForReady(Date.now() + (opts.deadlineMs ?? 10_000), (e) => (e ? reject(e) : resolve())));
    return c;
  }

  /** Closes the channels. */
  close(): void {
    for (const c of [this.system, this.vmService, this.vcpuService, this.deviceService]) c.close();
  }

  /** @internal Calls a unary RPC; maps errors to KvmError. */
  call<T>(client: AnyClient, method: string, req: unknown, deadlineMs = this.deadlineMs, onCall?: (c: grpc.ClientUnaryCall) => void): Promise<T> {
    return new Promise((resolve, reject) => {
      const c = client[method](req, new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) =>
        err ? reject(KvmError.from(err)) : resolve(res as T));
      onCall?.(c);
    });
  }

  /** KVM_GET_API_VERSION: 12. @example await kvm.apiVersion() // 12 */
  async apiVersion(): Promise<number> {
    return (await this.call<{ version: number }>(this.system, 'getApiVersion', {})).version;
  }

  /** KVM_CHECK_EXTENSION on the system fd. @example await kvm.checkExtension(165) // IPA limit */
  async checkExtension(cap: number): Promise<number> {
    return Number((await this.call<{ value: string }>(this.system, 'checkExtension', { cap })).value);
  }

  /** KVM_GET_VCPU_MMAP_SIZE. @example await kvm.vcpuMmapSize() // 8192 */
  async vcpuMmapSize(): Promise<number> {
    return (await this.call<{ size: number }>(this.system, 'getVcpuMmapSize', {})).size;
  }

  /** KVM_CREATE_VM; type = IPA size in bits 7:0 (0 = 40). @example const vm = await kvm.createVm(); */
  async createVm(type: number | bigint = 0): Promise<VmHandle> {
    const r = await this.call<{ vm: string; ipaBits: number }>(this.system, 'createVm', { type: u64(type) });
    return new VmHandle(this, big(r.vm), r.ipaBits);
  }

  /** Lists the server's VMs. @example (await kvm.listVms()).map((v) => v.vm) */
  async listVms(): Promise<Array<{ vm: bigint; ipaBits: number; vcpuCount: number; memoryBytes: bigint; state: string; irqchip: string }>> {
    const r = await this.call<{ vms: Array<Record<string, string & number>> }>(this.system, 'listVms', {});
    return r.vms.map((v) => ({ vm: big(v.vm), ipaBits: v.ipaBits, vcpuCount: v.vcpuCount, memoryBytes: big(v.memoryBytes), state: v.state, irqchip: v.irqchip }));
  }

  /** A handle on an existing VM. @example const vm = kvm.vm(3n); */
  vm(handle: bigint): VmHandle {
    return new VmHandle(this, handle, 0);
  }

  /** close() of a VM fd. @example await kvm.destroyVm(vm.handle) */
  async destroyVm(handle: bigint): Promise<void> {
    await this.call(this.system, 'destroyVm', { vm: u64(handle) });
  }
}

/** struct kvm_userspace_memory_region. */
export interface MemoryRegion {
  slot: number;
  flags?: number;
  guestPhysAddr: bigint;
  memorySize: bigint;
  userspaceAddr: bigint;
}

/** One coalesced-MMIO ring entry. */
export interface CoalescedEntry {
  physAddr: bigint;
  len: number;
  pio: number;
  data: Uint8Array;
}

/** A VM handle: the counterpart of a VM fd. */
export class VmHandle {
  constructor(readonly kvm: KvmClient, readonly handle: bigint, readonly ipaBits: number) {}

  private call<T>(method: string, req: Record<string, unknown> = {}): Promise<T> {
    return this.kvm.call<T>(this.kvm.vmService, method, { vm: u64(this.handle), ...req });
  }

  /** Describes the VM (slots, vCPUs, devices, zones). @example (await vm.describe()).vcpus */
  describe(): Promise<Record<string, unknown>> {
    return this.call('describeVm');
  }

  /** KVM_CHECK_EXTENSION on the VM fd. @example await vm.checkExtension(66) // MAX_VCPUS */
  async checkExtension(cap: number): Promise<number> {
    return Number((await this.call<{ value: string }>('checkExtension', { cap })).value);
  }

  /** KVM_ENABLE_CAP. @example await vm.enableCap(177) // NISV_TO_USER */
  async enableCap(cap: number, args: bigint[] = [], flags = 0): Promise<void> {
    await this.call('enableCap', { cap, flags, args: args.map(u64) });
  }

  /** KVM_SET_USER_MEMORY_REGION. @example await vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: 0x40000000n, memorySize: 1n << 20n, userspaceAddr: 0x10000000n }) */
  async setUserMemoryRegion(r: MemoryRegion): Promise<void> {
    await this.call('setUserMemoryRegion', {
      slot: r.slot, flags: r.flags ?? 0, guestPhysAddr: u64(r.guestPhysAddr), memorySize: u64(r.memorySize), userspaceAddr: u64(r.userspaceAddr),
    });
  }

  /** Writes guest memory in 1 MiB chunks over one client stream. @example await vm.writeMemory(0x40000000n, bytes) */
  writeMemory(gpa: bigint, data: Uint8Array, onProgress?: (done: number, total: number) => void): Promise<bigint> {
    return new Promise((resolve, reject) => {
      const client = this.kvm.vmService as unknown as { writeGuestMemory(md: grpc.Metadata, o: grpc.CallOptions, cb: Callback<{ bytesWritten: string }>): grpc.ClientWritableStream<unknown> };
      const stream = client.writeGuestMemory(new grpc.Metadata(), { deadline: Date.now() + this.kvm.deadlineMs }, (err, res) =>
        err ? reject(KvmError.from(err)) : resolve(big(res.bytesWritten)));
      const CHUNK = 1 << 20;
      const n = Math.max(1, Math.ceil(data.length / CHUNK));
      let i = 0;
      const pump = (): void => {
        while (i < n) {
          const off = i * CHUNK;
          const end = Math.min(off + CHUNK, data.length);
          i++;
          const ok = stream.write({ vm: u64(this.handle), guestPhysAddr: u64(gpa + BigInt(off)), data: buf(data.subarray(off, end)) });
          onProgress?.(end, data.length);
          if (!ok) return void stream.once('drain', pump);
        }
        stream.end();
      };
      pump();
    });
  }

  /** Reads guest memory (server-streamed). @example const bytes = await vm.readMemory(0x40000000n, 4096) */
  readMemory(gpa: bigint, size: number): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const client = this.kvm.vmService as unknown as { readGuestMemory(req: unknown, o: grpc.CallOptions): grpc.ClientReadableStream<{ guestPhysAddr: string; data: Buffer }> };
      const out = new Uint8Array(size);
      const s = client.readGuestMemory({ vm: u64(this.handle), guestPhysAddr: u64(gpa), size: u64(size) }, { deadline: Date.now() + this.kvm.deadlineMs });
      s.on('data', (m) => out.set(m.data, Number(big(m.guestPhysAddr) - gpa)));
      s.on('error', (e: grpc.ServiceError) => reject(KvmError.from(e)));
      s.on('end', () => resolve(out));
    });
  }

  /** KVM_GET_DIRTY_LOG: the bitmap (bit i = page i of the slot). @example await vm.getDirtyLog(0) */
  async getDirtyLog(slot: number): Promise<Uint8Array> {
    return new Uint8Array((await this.call<{ dirtyBitmap: Buffer }>('getDirtyLog', { slot })).dirtyBitmap);
  }

  /** KVM_CLEAR_DIRTY_LOG: clears the bits set in `bitmap` from `firstPage` on. @example await vm.clearDirtyLog(0, 0n, 64, bits) */
  async clearDirtyLog(slot: number, firstPage: bigint, numPages: number, bitmap: Uint8Array): Promise<void> {
    await this.call('clearDirtyLog', { slot, firstPage: u64(firstPage), numPages, dirtyBitmap: buf(bitmap) });
  }

  /** KVM_CREATE_VCPU. @example const vcpu = await vm.createVcpu(0) */
  async createVcpu(id: number): Promise<VcpuHandle> {
    const r = await this.call<{ vcpuId: number; index: number }>('createVcpu', { vcpuId: id });
    return new VcpuHandle(this, r.vcpuId);
  }

  /** A handle on an existing vCPU. */
  vcpu(id: number): VcpuHandle {
    return new VcpuHandle(this, id);
  }

  /** KVM_ARM_PREFERRED_TARGET. @example (await vm.preferredTarget()).target // 5 */
  preferredTarget(): Promise<{ target: number; features: number[] }> {
    return this.call('armPreferredTarget');
  }

  /** KVM_CREATE_IRQCHIP (a GICv2). */
  async createIrqchip(): Promise<void> {
    await this.call('createIrqchip');
  }

  /** KVM_IRQ_LINE. @example await vm.irqLine((1 << 24) | 40, 1) // SPI 40 high */
  async irqLine(irq: number, level: number): Promise<void> {
    await this.call('irqLine', { irq: irq >>> 0, level });
  }

  /** KVM_ARM_SET_DEVICE_ADDR. @example await vm.armSetDeviceAddr(0n, 0x8000000n) // GICv2 DIST */
  async armSetDeviceAddr(id: bigint, addr: bigint): Promise<void> {
    await this.call('armSetDeviceAddr', { id: u64(id), addr: u64(addr) });
  }

  /** KVM_CREATE_DEVICE. @example const gic = await vm.createDevice(7) // VGIC v3 */
  async createDevice(type: number, flags = 0): Promise<DeviceHandle> {
    const r = await this.call<{ fd: number }>('createDevice', { type, flags });
    return new DeviceHandle(this, r.fd);
  }

  /** KVM_SET_DEVICE_ATTR on the VM (SMCCC filter). */
  async setAttr(group: number, attr: bigint, value: Uint8Array = new Uint8Array(0), flags = 0): Promise<void> {
    await this.call('setDeviceAttr', { attr: { flags, group, attr: u64(attr) }, value: buf(value) });
  }
  /** KVM_GET_DEVICE_ATTR on the VM. */
  async getAttr(group: number, attr: bigint, flags = 0): Promise<Uint8Array> {
    return new Uint8Array((await this.call<{ value: Buffer }>('getDeviceAttr', { attr: { flags, group, attr: u64(attr) } })).value);
  }
  /** KVM_HAS_DEVICE_ATTR on the VM: resolves if present, rejects with ENXIO otherwise. */
  async hasAttr(group: number, attr: bigint, flags = 0): Promise<void> {
    await this.call('hasDeviceAttr', { attr: { flags, group, attr: u64(attr) } });
  }

  /** KVM_REGISTER_COALESCED_MMIO. @example await vm.registerCoalescedMmio(0x9000000n, 0x1000) */
  async registerCoalescedMmio(addr: bigint, size: number, pio = 0): Promise<void> {
    await this.call('registerCoalescedMmio', { zone: { addr: u64(addr), size, pio } });
  }
  /** KVM_UNREGISTER_COALESCED_MMIO. */
  async unregisterCoalescedMmio(addr: bigint, size: number, pio = 0): Promise<void> {
    await this.call('unregisterCoalescedMmio', { zone: { addr: u64(addr), size, pio } });
  }
  /** Reads (and with consume, consumes) the coalesced ring. @example const { entries } = await vm.readCoalescedRing(true) */
  async readCoalescedRing(consume = false, maxEntries = 0): Promise<{ first: number; last: number; ringSize: number; entries: CoalescedEntry[] }> {
    const r = await this.call<{ first: number; last: number; ringSize: number; entries: Array<{ physAddr: string; len: number; pio: number; data: Buffer }> }>(
      'readCoalescedRing', { consume, maxEntries });
    return { ...r, entries: r.entries.map(toEntry) };
  }
}

const toEntry = (e: { physAddr: string; len: number; pio: number; data: Buffer }): CoalescedEntry =>
  ({ physAddr: big(e.physAddr), len: e.len, pio: e.pio, data: new Uint8Array(e.data) });

/** A typed KVM_RUN exit. */
export interface RunExit {
  /** '' or 'EINTR' (the ioctl's return). */
  errno: string;
  /** KVM_EXIT_* name, e.g. 'KVM_EXIT_MMIO'. */
  reason: string;
  mmio?: { physAddr: bigint; data: Uint8Array; len: number; isWrite: boolean };
  systemEvent?: { type: number; data: bigint[] };
  failEntry?: { hardwareEntryFailureReason: bigint; cpu: number };
  internal?: { suberror: number; data: bigint[]; description: string };
  hypercall?: { nr: bigint; flags: bigint };
  armNisv?: { esrIss: bigint; faultIpa: bigint };
  coalesced: CoalescedEntry[];
  instructions: bigint;
}

/** Options of {@link VcpuHandle.run}. */
export interface RunOptions {
  /** kvm_run.immediate_exit for this call. */
  immediateExit?: boolean;
  /** Completion of a pending MMIO read (kvm_run.mmio.data). */
  mmioData?: Uint8Array;
  /** Also return the drained coalesced ring. */
  drainCoalesced?: boolean;
  /** Deadline of the call in ms: the run ends with KVM_EXIT_INTR a little before it. Default 10 s. */
  deadlineMs?: number;
  /** Aborting cancels the call; the run ends with KVM_EXIT_INTR on the server. */
  signal?: AbortSignal;
}

/** Well-known register ids (ONE_REG, spec §6). */
export const REG = {
  X: (n: number): bigint => 0x6030000000100000n + BigInt(2 * n),
  SP: 0x603000000010003en,
  PC: 0x6030000000100040n,
  PSTATE: 0x6030000000100042n,
  SP_EL1: 0x6030000000100044n,
  ELR_EL1: 0x6030000000100046n,
  SPSR_EL1: 0x6030000000100048n,
  V: (n: number): bigint => 0x6040000000100054n + BigInt(4 * n),
  FPSR: 0x60200000001000d4n,
  FPCR: 0x60200000001000d5n,
  MPIDR_EL1: 0x603000000013c005n,
  SCTLR_EL1: 0x603000000013c080n,
  ESR_EL1: 0x603000000013c290n,
  FAR_EL1: 0x603000000013c300n,
  VBAR_EL1: 0x603000000013c600n,
  PSCI_VERSION: 0x6030000000140000n,
} as const;

/** A vCPU handle: the counterpart of a vCPU fd. */
export class VcpuHandle {
  constructor(readonly vm: VmHandle, readonly id: number) {}

  private call<T>(method: string, req: Record<string, unknown> = {}, deadlineMs?: number, onCall?: (c: grpc.ClientUnaryCall) => void): Promise<T> {
    return this.vm.kvm.call<T>(this.vm.kvm.vcpuService, method, { vm: u64(this.vm.handle), vcpuId: this.id, ...req }, deadlineMs, onCall);
  }

  /** KVM_ARM_VCPU_INIT; default target GENERIC_V8 with PSCI 0.2. @example await vcpu.init() */
  async init(features: number[] = [1 << 2], target = 5): Promise<void> {
    await this.call('armVcpuInit', { target, features });
  }

  /** KVM_ARM_VCPU_FINALIZE. */
  async finalize(feature: number): Promise<void> {
    await this.call('armVcpuFinalize', { feature });
  }

  /** KVM_GET_ONE_REG: raw little-endian bytes. @example await vcpu.getOneReg(REG.PC) */
  async getOneReg(id: bigint): Promise<Uint8Array> {
    return new Uint8Array((await this.call<{ value: Buffer }>('getOneReg', { id: u64(id) })).value);
  }

  /** KVM_SET_ONE_REG with raw bytes. */
  async setOneReg(id: bigint, value: Uint8Array): Promise<void> {
    await this.call('setOneReg', { id: u64(id), value: buf(value) });
  }

  /** Reads a register of up to 8 bytes as a bigint. @example const pc = await vcpu.getReg(REG.PC) */
  async getReg(id: bigint): Promise<bigint> {
    const b = await this.getOneReg(id);
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    return v;
  }

  /** Writes a register from a bigint, sized by the id. @example await vcpu.setReg(REG.X(0), 42n) */
  async setReg(id: bigint, value: bigint): Promise<void> {
    const size = 1 << Number((id >> 52n) & 0xfn);
    const b = new Uint8Array(size);
    for (let i = 0; i < size; i++) b[i] = Number((value >> BigInt(8 * i)) & 0xffn);
    await this.setOneReg(id, b);
  }

  /** KVM_GET_REG_LIST; n = capacity (default: enough). @example (await vcpu.regList()).length */
  async regList(n = 4096n): Promise<bigint[]> {
    return (await this.call<{ reg: string[] }>('getRegList', { n: u64(n) })).reg.map(big);
  }

  /** KVM_RUN. @example const exit = await vcpu.run(); if (exit.reason === 'KVM_EXIT_MMIO') ... */
  async run(opts: RunOptions = {}): Promise<RunExit> {
    const r = await this.call<Record<string, any>>('run', {
      immediateExit: opts.immediateExit ?? false,
      mmioData: buf(opts.mmioData ?? new Uint8Array(0)),
      drainCoalesced: opts.drainCoalesced ?? false,
    }, opts.deadlineMs ?? 10_000, (c) => opts.signal?.addEventListener('abort', () => c.cancel(), { once: true }));
    return toExit(r);
  }

  /** Kick: ends a KVM_RUN in progress with EINTR (or the next one). @example await vcpu.kick() */
  async kick(): Promise<boolean> {
    return (await this.call<{ wasRunning: boolean }>('kick')).wasRunning;
  }

  /** KVM_GET_VCPU_EVENTS. */
  async getEvents(): Promise<VcpuEvents> {
    const e = (await this.call<{ events: Record<string, any> }>('getVcpuEvents')).events;
    return { serrorPending: e.serrorPending, serrorHasEsr: e.serrorHasEsr, extDabtPending: e.extDabtPending, serrorEsr: big(e.serrorEsr), pad: new Uint8Array(e.pad), reserved: e.reserved };
  }

  /** KVM_SET_VCPU_EVENTS. @example await vcpu.setEvents({ serrorPending: 1, serrorHasEsr: 1, serrorEsr: 0x1234n }) */
  async setEvents(e: Partial<VcpuEvents>): Promise<void> {
    await this.call('setVcpuEvents', {
      events: {
        serrorPending: e.serrorPending ?? 0, serrorHasEsr: e.serrorHasEsr ?? 0, extDabtPending: e.extDabtPending ?? 0,
        serrorEsr: u64(e.serrorEsr ?? 0n), pad: buf(e.pad ?? new Uint8Array(0)), reserved: e.reserved ?? [],
      },
    });
  }

  /** KVM_GET_MP_STATE. */
  async getMpState(): Promise<number> {
    return (await this.call<{ mpState: number }>('getMpState')).mpState;
  }
  /** KVM_SET_MP_STATE. */
  async setMpState(mpState: number): Promise<void> {
    await this.call('setMpState', { mpState });
  }

  /** KVM_SET_DEVICE_ATTR on the vCPU. @example await vcpu.setAttr(1, 0n, u32le(27)) */
  async setAttr(group: number, attr: bigint, value: Uint8Array = new Uint8Array(0), flags = 0): Promise<void> {
    await this.call('setDeviceAttr', { attr: { flags, group, attr: u64(attr) }, value: buf(value) });
  }
  /** KVM_GET_DEVICE_ATTR on the vCPU. */
  async getAttr(group: number, attr: bigint, flags = 0): Promise<Uint8Array> {
    return new Uint8Array((await this.call<{ value: Buffer }>('getDeviceAttr', { attr: { flags, group, attr: u64(attr) } })).value);
  }
  /** KVM_HAS_DEVICE_ATTR on the vCPU. */
  async hasAttr(group: number, attr: bigint, flags = 0): Promise<void> {
    await this.call('hasDeviceAttr', { attr: { flags, group, attr: u64(attr) } });
  }
}

/** struct kvm_vcpu_events (arm64), field for field. */
export interface VcpuEvents {
  serrorPending: number;
  serrorHasEsr: number;
  extDabtPending: number;
  serrorEsr: bigint;
  pad: Uint8Array;
  reserved: number[];
}

function toExit(r: Record<string, any>): RunExit {
  const e: RunExit = { errno: r.errno, reason: r.exitReason, coalesced: (r.coalesced ?? []).map(toEntry), instructions: big(r.instructions) };
  if (r.mmio) e.mmio = { physAddr: big(r.mmio.physAddr), data: new Uint8Array(r.mmio.data), len: r.mmio.len, isWrite: r.mmio.isWrite };
  if (r.systemEvent) e.systemEvent = { type: r.systemEvent.type, data: r.systemEvent.data.map(big) };
  if (r.failEntry) e.failEntry = { hardwareEntryFailureReason: big(r.failEntry.hardwareEntryFailureReason), cpu: r.failEntry.cpu };
  if (r.internal) e.internal = { suberror: r.internal.suberror, data: r.internal.data.map(big), description: r.internal.description };
  if (r.hypercall) e.hypercall = { nr: big(r.hypercall.nr), flags: big(r.hypercall.flags) };
  if (r.armNisv) e.armNisv = { esrIss: big(r.armNisv.esrIss), faultIpa: big(r.armNisv.faultIpa) };
  return e;
}

/** A device handle: the counterpart of a device fd (KVM_CREATE_DEVICE). */
export class DeviceHandle {
  constructor(readonly vm: VmHandle, readonly fd: number) {}

  private call<T>(method: string, req: Record<string, unknown>): Promise<T> {
    return this.vm.kvm.call<T>(this.vm.kvm.deviceService, method, { vm: u64(this.vm.handle), fd: this.fd, ...req });
  }

  /** KVM_SET_DEVICE_ATTR. @example await gic.setAttr(0, 2n, u64le(0x8000000n)) // v3 DIST base */
  async setAttr(group: number, attr: bigint, value: Uint8Array = new Uint8Array(0), flags = 0): Promise<void> {
    await this.call('setDeviceAttr', { attr: { flags, group, attr: u64(attr) }, value: buf(value) });
  }
  /** KVM_GET_DEVICE_ATTR; `value` is what the kernel would read through addr first (REDIST_REGION index). */
  async getAttr(group: number, attr: bigint, value: Uint8Array = new Uint8Array(0), flags = 0): Promise<Uint8Array> {
    return new Uint8Array((await this.call<{ value: Buffer }>('getDeviceAttr', { attr: { flags, group, attr: u64(attr) }, value: buf(value) })).value);
  }
  /** KVM_HAS_DEVICE_ATTR: resolves if the attribute exists. */
  async hasAttr(group: number, attr: bigint, flags = 0): Promise<void> {
    await this.call('hasDeviceAttr', { attr: { flags, group, attr: u64(attr) } });
  }
}

/** Little-endian encoders for attribute and register values. @example u32le(27) */
export const u32le = (v: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
};
/** @example u64le(0x8000000n) */
export const u64le = (v: bigint): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  return b;
};
/** @example readU64le(await gic.getAttr(0, 2n)) */
export const readU64le = (b: Uint8Array): bigint => new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(0, true);
/** @example readU32le(await vcpu.getAttr(1, 0n)) */
export const readU32le = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0, true);
