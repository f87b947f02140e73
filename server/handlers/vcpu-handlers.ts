/**
 * kvm.v1.VcpuService: a vCPU fd (spec §5.3-§7, §11, §13). Every call but Kick takes the vCPU's
 * lock, like the kernel's vcpu->mutex: a call made during a Run waits for it.
 */
import type { UntypedServiceImplementation, ServerUnaryCall } from '@grpc/grpc-js';
import { unary, u64, bytes, ServerContext, Msg } from '../rpc';
import { KvmError } from '../../vmcore/errno';
import { KVM_EXIT_NAME, KVM_VCPU_EVENTS_SIZE } from '../../vmcore/kvm-constants';
import type { Vcpu, RunResult } from '../../vmcore/vcpu';
import { coalescedEntryMsg } from './vm-handlers';

/** A Run ends a margin before the call's deadline, so the client gets the KVM_EXIT_INTR rather
 *  than DEADLINE_EXCEEDED: 10% of the time left, within [25, 100] ms (a loaded machine delays the
 *  reply by tens of ms). */
export const DEADLINE_MARGIN_MIN_MS = 25;
export const DEADLINE_MARGIN_MAX_MS = 100;

/** kvm.proto VcpuEvents -> the 64-byte struct kvm_vcpu_events (§13.1). */
export function packEvents(e: Msg | undefined): Uint8Array {
  const b = new Uint8Array(KVM_VCPU_EVENTS_SIZE);
  const dv = new DataView(b.buffer);
  const u8 = (name: string, v: number | undefined, off: number): void => {
    const n = v ?? 0;
    if (n > 0xff) throw new KvmError('EINVAL', `${name} = ${n} does not fit its u8 field`);
    b[off] = n;
  };
  u8('serror_pending', e?.serrorPending, 0);
  u8('serror_has_esr', e?.serrorHasEsr, 1);
  u8('ext_dabt_pending', e?.extDabtPending, 2);
  const pad = bytes(e?.pad);
  if (pad.length > 5) throw new KvmError('EINVAL', 'exception.pad has 5 bytes');
  b.set(pad, 3);
  dv.setBigUint64(8, u64(e?.serrorEsr), true);
  const reserved: number[] = e?.reserved ?? [];
  if (reserved.length > 12) throw new KvmError('EINVAL', 'reserved has 12 words');
  reserved.forEach((w, i) => dv.setUint32(16 + 4 * i, w >>> 0, true));
  return b;
}

export function unpackEvents(b: Uint8Array): Msg {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    serrorPending: b[0], serrorHasEsr: b[1], extDabtPending: b[2], pad: Buffer.from(b.subarray(3, 8)),
    serrorEsr: String(dv.getBigUint64(8, true)), reserved: Array.from({ length: 12 }, (_, i) => dv.getUint32(16 + 4 * i, true)),
  };
}

function runResponse(r: RunResult, coalesced: Msg[]): Msg {
  const m: Msg = {
    errno: r.errno, exitReason: KVM_EXIT_NAME[r.exitReason] ?? 'KVM_EXIT_UNKNOWN', flags: 0, deviceIrqLevel: '0',
    coalesced, instructions: String(r.instructions),
  };
  if (r.mmio) m.mmio = { physAddr: String(r.mmio.physAddr), data: Buffer.from(r.mmio.data), len: r.mmio.len, isWrite: r.mmio.isWrite };
  if (r.systemEvent) m.systemEvent = { type: r.systemEvent.type, data: r.systemEvent.data.map(String) };
  if (r.failEntry) m.failEntry = { hardwareEntryFailureReason: String(r.failEntry.reason), cpu: r.failEntry.cpu };
  if (r.internal) m.internal = { suberror: r.internal.suberror, data: r.internal.data.map(String), description: r.internal.description };
  if (r.hypercall) m.hypercall = { nr: String(r.hypercall.nr), flags: String(r.hypercall.flags) };
  if (r.armNisv) m.armNisv = { esrIss: String(r.armNisv.esrIss), faultIpa: String(r.armNisv.faultIpa) };
  return m;
}

/** The absolute time a Run must end: the server's slice, and a margin before the call's deadline. */
function runDeadline(call: ServerUnaryCall<Msg, Msg>, sliceMs: number): number {
  const now = Date.now();
  let end = now + sliceMs;
  const d = call.getDeadline();
  const dl = d instanceof Date ? d.getTime() : d;
  if (Number.isFinite(dl)) end = Math.min(end, dl - Math.min(DEADLINE_MARGIN_MAX_MS, Math.max(DEADLINE_MARGIN_MIN_MS, (dl - now) / 10)));
  return end;
}

export function vcpuHandlers(ctx: ServerContext): UntypedServiceImplementation {
  const { kvm, metrics } = ctx;
  const vcpuOf = (req: Msg): Vcpu => {
    const vm = kvm.vm(u64(req.vm));
    const v = vm.vcpu(req.vcpuId);
    if (!v) throw new KvmError('EBADF', `no vCPU ${req.vcpuId} in VM ${req.vm}`);
    return v;
  };
  /** A vCPU ioctl: under the vCPU lock. */
  const locked = (rpc: string, fn: (v: Vcpu, req: Msg, call: ServerUnaryCall<Msg, Msg>) => Msg | Promise<Msg>) =>
    unary(ctx, rpc, (req, call) => {
      const v = vcpuOf(req);
      return v.lock.with(() => fn(v, req, call));
    });

  return {
    ArmVcpuInit: locked('ArmVcpuInit', (v, req) => {
      v.init(req.target, req.features ?? []);
      return {};
    }),
    ArmVcpuFinalize: locked('ArmVcpuFinalize', (v, req) => {
      v.finalize(req.feature);
      return {};
    }),
    GetOneReg: locked('GetOneReg', (v, req) => ({ value: Buffer.from(v.getOneReg(u64(req.id))) })),
    SetOneReg: locked('SetOneReg', (v, req) => {
      v.setOneReg(u64(req.id), bytes(req.value));
      return {};
    }),
    GetRegList: locked('GetRegList', (v, req) => ({ reg: v.getRegList(u64(req.n)).map(String) })),
    Run: locked('Run', async (v, req, call) => {
      const cancelled = new Promise<void>((resolve) => call.on('cancelled', () => resolve()));
      const end = metrics.kvm_run_seconds.startTimer();
      const r = await v.run({ immediateExit: req.immediateExit, mmioData: bytes(req.mmioData), deadline: runDeadline(call, ctx.config.runSliceMs), cancelled });
      end({ reason: KVM_EXIT_NAME[r.exitReason] ?? String(r.exitReason) });
      let coalesced: Msg[] = [];
      if (req.drainCoalesced) {
        const ring = v.vm.coalesced.read();
        v.vm.coalesced.consume(ring.entries.length);
        coalesced = ring.entries.map(coalescedEntryMsg);
      }
      return runResponse(r, coalesced);
    }),
    // The kick path does not take the vCPU lock: it is how a Run in progress is interrupted.
    Kick: unary(ctx, 'Kick', (req) => ({ wasRunning: vcpuOf(req).kick() })),
    GetVcpuEvents: locked('GetVcpuEvents', (v) => ({ events: unpackEvents(v.getEvents()) })),
    SetVcpuEvents: locked('SetVcpuEvents', (v, req) => {
      v.setEvents(packEvents(req.events));
      if ((req.events?.serrorPending ?? 0) !== 0) metrics.kvm_serrors_injected_total.inc();
      return {};
    }),
    GetMpState: locked('GetMpState', (v) => ({ mpState: v.getMpState() })),
    SetMpState: locked('SetMpState', (v, req) => {
      v.setMpState(req.mpState);
      return {};
    }),
    SetDeviceAttr: locked('SetDeviceAttr', (v, req) => {
      v.setAttr(req.attr?.group ?? 0, u64(req.attr?.attr), bytes(req.value));
      return {};
    }),
    GetDeviceAttr: locked('GetDeviceAttr', (v, req) => ({ value: Buffer.from(v.getAttr(req.attr?.group ?? 0, u64(req.attr?.attr))) })),
    HasDeviceAttr: locked('HasDeviceAttr', (v, req) => {
      v.hasAttr(req.attr?.group ?? 0, u64(req.attr?.attr));
      return {};
    }),
  };
}
