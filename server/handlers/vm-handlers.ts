/**
 * kvm.v1.VmService: a VM fd (spec §3.3, §4, §5.1-§5.2, §8, §9, §12).
 */
import type { UntypedServiceImplementation, ServerReadableStream, ServerWritableStream, sendUnaryData } from '@grpc/grpc-js';
import { unary, u64, bytes, ServerContext, Msg } from '../rpc';
import { toServiceError } from '../errno-status';
import { KVM_COALESCED_MMIO_MAX } from '../../vmcore/kvm-constants';
import { Vm } from '../../vmcore/vm';
import { KvmError } from '../../vmcore/errno';
import { vmSummary } from './system-handlers';

/** Guest-memory stream chunk size (kvm.proto: <= 1 MiB, well under grpc-js's 4 MiB default). */
export const MEMORY_CHUNK = 1 << 20;

const zone = (z: Msg | undefined): { addr: bigint; size: number; pio: number } => ({ addr: u64(z?.addr), size: z?.size ?? 0, pio: z?.pio ?? 0 });
const entry = (e: { physAddr: bigint; len: number; pio: number; data: Uint8Array }): Msg =>
  ({ physAddr: String(e.physAddr), len: e.len, pio: e.pio, data: Buffer.from(e.data) });

export function vmHandlers(ctx: ServerContext): UntypedServiceImplementation {
  const { kvm, metrics } = ctx;
  const vmOf = (req: Msg): Vm => kvm.vm(u64(req.vm));
  const memoryGauge = (): void => void metrics.kvm_guest_memory_bytes.set(kvm.guestMemoryBytes);

  return {
    DescribeVm: unary(ctx, 'DescribeVm', (req) => {
      const vm = vmOf(req);
      return {
        summary: vmSummary(vm),
        slots: vm.slots.list().map((s) => ({
          slot: s.slot, flags: s.flags, guestPhysAddr: String(s.guestPhysAddr), memorySize: String(s.memorySize), userspaceAddr: String(s.userspaceAddr),
        })),
        vcpus: vm.vcpus().map((v) => ({
          vcpuId: v.id, index: v.index, initialized: v.initialized, mpState: v.mpState, hasRun: v.hasRun, running: v.running,
          mpidr: String(v.mpidr()), pc: String(v.pc), exits: Object.fromEntries([...v.exits].map(([k, n]) => [k, String(n)])),
        })),
        devices: vm.listDevices(),
        coalescedZones: vm.coalesced.zones().map((z) => ({ addr: String(z.addr), size: z.size, pio: z.pio })),
        enabledCaps: [...vm.enabledCaps],
      };
    }),
    CheckExtension: unary(ctx, 'CheckExtension', (req) => ({ value: vmOf(req).checkExtension(req.cap) })),
    EnableCap: unary(ctx, 'EnableCap', (req) => {
      vmOf(req).enableCap(req.cap, req.flags, (req.args ?? []).map(u64));
      return {};
    }),
    SetUserMemoryRegion: unary(ctx, 'SetUserMemoryRegion', (req) => {
      vmOf(req).setUserMemoryRegion({
        slot: req.slot, flags: req.flags, guestPhysAddr: u64(req.guestPhysAddr), memorySize: u64(req.memorySize), userspaceAddr: u64(req.userspaceAddr),
      });
      memoryGauge();
      return {};
    }),
    WriteGuestMemory: (call: ServerReadableStream<Msg, Msg>, callback: sendUnaryData<Msg>) => {
      // Chunks are applied in order as they arrive, like write(2) to the mapping: a failing
      // chunk ends the call and the bytes before it stay written (bytes_written in the error).
      let vm: Vm | undefined;
      let written = 0n;
      let failed = false;
      call.on('data', (m: Msg) => {
        if (failed) return;
        try {
          vm ??= vmOf(m);
          if (m.vm && m.vm !== '0' && u64(m.vm) !== vm.handle) throw new KvmError('EINVAL', 'one WriteGuestMemory stream writes one VM');
          const data = bytes(m.data);
          vm.writeMemory(u64(m.guestPhysAddr), data);
          written += BigInt(data.length);
        } catch (e) {
          failed = true;
          const err = toServiceError(e, ctx.log, { rpc: 'WriteGuestMemory', vm: m.vm });
          err.metadata?.set('bytes-written', String(written));
          callback(err);
        }
      });
      call.on('end', () => {
        if (!failed) callback(null, { bytesWritten: String(written) });
      });
      call.on('error', () => void (failed = true));
    },
    ReadGuestMemory: (call: ServerWritableStream<Msg, Msg>) => {
      const req = call.request;
      try {
        const vm = vmOf(req);
        const gpa = u64(req.guestPhysAddr);
        const size = u64(req.size);
        // Validate the whole range before streaming anything (EFAULT names the first hole).
        vm.readMemory(gpa, 0);
        if (size > 0n) vm.readMemory(gpa + size - 1n, 1);
        let off = 0n;
        const pump = (): void => {
          try {
            while (off < size) {
              const n = Number(size - off < BigInt(MEMORY_CHUNK) ? size - off : BigInt(MEMORY_CHUNK));
              const data = vm.readMemory(gpa + off, n);
              const ok = call.write({ guestPhysAddr: String(gpa + off), data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) });
              off += BigInt(n);
              if (!ok) return void call.once('drain', pump);
            }
            call.end();
          } catch (e) {
            call.emit('error', toServiceError(e, ctx.log, { rpc: 'ReadGuestMemory', vm: req.vm }));
          }
        };
        pump();
      } catch (e) {
        call.emit('error', toServiceError(e, ctx.log, { rpc: 'ReadGuestMemory', vm: req.vm }));
      }
    },
    GetDirtyLog: unary(ctx, 'GetDirtyLog', (req) => ({ dirtyBitmap: Buffer.from(vmOf(req).getDirtyLog(req.slot)) })),
    ClearDirtyLog: unary(ctx, 'ClearDirtyLog', (req) => {
      vmOf(req).clearDirtyLog(req.slot, u64(req.firstPage), req.numPages, bytes(req.dirtyBitmap));
      return {};
    }),
    CreateVcpu: unary(ctx, 'CreateVcpu', (req) => {
      const v = vmOf(req).createVcpu(req.vcpuId);
      metrics.kvm_vcpus.inc();
      return { vcpuId: v.id, index: v.index };
    }),
    ArmPreferredTarget: unary(ctx, 'ArmPreferredTarget', (req) => vmOf(req).preferredTarget()),
    CreateIrqchip: unary(ctx, 'CreateIrqchip', (req) => {
      vmOf(req).createIrqchip();
      return {};
    }),
    IrqLine: unary(ctx, 'IrqLine', (req) => {
      vmOf(req).irqLine(req.irq >>> 0, req.level);
      return {};
    }),
    ArmSetDeviceAddr: unary(ctx, 'ArmSetDeviceAddr', (req) => {
      vmOf(req).armSetDeviceAddr(u64(req.id), u64(req.addr));
      return {};
    }),
    CreateDevice: unary(ctx, 'CreateDevice', (req) => ({ fd: vmOf(req).createDevice(req.type, req.flags) })),
    SetDeviceAttr: unary(ctx, 'SetDeviceAttr', (req) => {
      vmOf(req).setAttr(req.attr?.group ?? 0, u64(req.attr?.attr), bytes(req.value));
      return {};
    }),
    GetDeviceAttr: unary(ctx, 'GetDeviceAttr', (req) => ({ value: Buffer.from(vmOf(req).getAttr(req.attr?.group ?? 0, u64(req.attr?.attr))) })),
    HasDeviceAttr: unary(ctx, 'HasDeviceAttr', (req) => {
      vmOf(req).hasAttr(req.attr?.group ?? 0, u64(req.attr?.attr));
      return {};
    }),
    RegisterCoalescedMmio: unary(ctx, 'RegisterCoalescedMmio', (req) => {
      vmOf(req).registerCoalescedMmio(zone(req.zone));
      return {};
    }),
    UnregisterCoalescedMmio: unary(ctx, 'UnregisterCoalescedMmio', (req) => {
      vmOf(req).unregisterCoalescedMmio(zone(req.zone));
      return {};
    }),
    ReadCoalescedRing: unary(ctx, 'ReadCoalescedRing', (req) => {
      const vm = vmOf(req);
      vm.checkAlive();
      const r = vm.coalesced.read(req.maxEntries || undefined);
      if (req.consume) vm.coalesced.consume(r.entries.length);
      return { first: r.first, last: r.last, entries: r.entries.map(entry), ringSize: KVM_COALESCED_MMIO_MAX };
    }),
  };
}

export { entry as coalescedEntryMsg };
