/**
 * kvm.v1.SystemService: the /dev/kvm fd (spec §3).
 */
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { unary, u64, ServerContext } from '../rpc';

export function systemHandlers(ctx: ServerContext): UntypedServiceImplementation {
  const { kvm } = ctx;
  return {
    GetApiVersion: unary(ctx, 'GetApiVersion', () => ({ version: kvm.getApiVersion() })),
    CheckExtension: unary(ctx, 'CheckExtension', (req) => ({ value: kvm.checkExtension(req.cap) })),
    GetVcpuMmapSize: unary(ctx, 'GetVcpuMmapSize', () => ({ size: kvm.getVcpuMmapSize() })),
    CreateVm: unary(ctx, 'CreateVm', (req) => {
      const vm = kvm.createVm(u64(req.type));
      ctx.metrics.kvm_vms.set(kvm.list().length);
      ctx.log.info({ vm: String(vm.handle), rpc: 'CreateVm', ipaBits: vm.ipaBits }, 'VM created');
      return { vm: String(vm.handle), ipaBits: vm.ipaBits };
    }),
    ListVms: unary(ctx, 'ListVms', () => ({ vms: kvm.list().map(vmSummary) })),
    DestroyVm: unary(ctx, 'DestroyVm', async (req) => {
      const handle = u64(req.vm);
      const vm = kvm.vm(handle);
      const vcpus = vm.vcpus().length;
      await kvm.destroyVm(handle);
      ctx.metrics.kvm_vms.set(kvm.list().length);
      ctx.metrics.kvm_vcpus.dec(vcpus);
      ctx.metrics.kvm_guest_memory_bytes.set(kvm.guestMemoryBytes);
      ctx.log.info({ vm: String(handle), rpc: 'DestroyVm' }, 'VM destroyed');
      return {};
    }),
  };
}

import type { Vm } from '../../vmcore/vm';

/** VmSummary of kvm.proto. */
export function vmSummary(vm: Vm): Record<string, unknown> {
  return {
    vm: String(vm.handle),
    ipaBits: vm.ipaBits,
    vcpuCount: vm.vcpus().length,
    memoryBytes: String(vm.slots.totalBytes()),
    state: vm.state,
    irqchip: vm.irqchipModel ? `vgic-${vm.irqchipModel}` : '',
    createdUnixMs: String(vm.createdAt),
  };
}
