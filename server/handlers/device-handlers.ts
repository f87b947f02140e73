/**
 * kvm.v1.DeviceService: a device fd from KVM_CREATE_DEVICE (spec §9.2, §10).
 */
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { unary, u64, bytes, ServerContext } from '../rpc';

export function deviceHandlers(ctx: ServerContext): UntypedServiceImplementation {
  const vm = (v: string) => ctx.kvm.vm(u64(v));
  return {
    SetDeviceAttr: unary(ctx, 'SetDeviceAttr', (req) => {
      vm(req.vm).deviceSetAttr(req.fd, req.attr?.group ?? 0, u64(req.attr?.attr), bytes(req.value));
      return {};
    }),
    GetDeviceAttr: unary(ctx, 'GetDeviceAttr', (req) => ({
      value: Buffer.from(vm(req.vm).deviceGetAttr(req.fd, req.attr?.group ?? 0, u64(req.attr?.attr), bytes(req.value))),
    })),
    HasDeviceAttr: unary(ctx, 'HasDeviceAttr', (req) => {
      vm(req.vm).deviceHasAttr(req.fd, req.attr?.group ?? 0, u64(req.attr?.attr));
      return {};
    }),
  };
}
