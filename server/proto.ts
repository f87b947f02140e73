/**
 * The gRPC contract, loaded once from proto/kvm/v1/kvm.proto with @grpc/proto-loader.
 *
 * Loader options (the wire <-> JS mapping every handler relies on):
 * - keepCase false: fields in camelCase (vcpu_id -> vcpuId).
 * - longs String: uint64/int64 arrive as decimal strings (never lossy JS numbers); handlers
 *   convert with BigInt() at the edge. Responses may carry a decimal string, a safe-integer number
 *   or a bigint for 64-bit fields (protobufjs accepts all three).
 * - enums String: enum values by name.
 * - defaults true: absent proto3 fields are present with their default (0, "", []), as the
 *   kernel's zero-initialised structs.
 * - oneofs true: a oneof's virtual field names which member is set.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import type { ServiceDefinition } from '@grpc/grpc-js';

export const KVM_PROTO_FILE = 'kvm/v1/kvm.proto';
export const KVM_PACKAGE = 'kvm.v1';

export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/**
 * The proto/ directory: next to server/ when run from sources (ts-node), two levels up when run
 * from dist/server/ (tsc does not copy .proto files).
 */
function findProtoRoot(): string {
  const candidates = [path.join(__dirname, '..', 'proto'), path.join(__dirname, '..', '..', 'proto')];
  for (const dir of candidates) {
    if (fs.existsSync(path.join(dir, KVM_PROTO_FILE))) return dir;
  }
  throw new Error(`cannot find ${KVM_PROTO_FILE} in ${candidates.join(' or ')}`);
}

export const PROTO_ROOT: string = findProtoRoot();

/** The package definition of kvm.proto (also what reflection serves). */
export const kvmPackageDefinition: protoLoader.PackageDefinition = protoLoader.loadSync(KVM_PROTO_FILE, {
  ...PROTO_LOADER_OPTIONS,
  includeDirs: [PROTO_ROOT],
});

/** Short service names, as in kvm.proto. */
export const KVM_SERVICE_NAMES = ['SystemService', 'VmService', 'VcpuService', 'DeviceService'] as const;
export type KvmServiceName = (typeof KVM_SERVICE_NAMES)[number];

/** Fully qualified service names ("kvm.v1.SystemService", ...), for health and reflection. */
export const KVM_FULL_SERVICE_NAMES: readonly string[] = KVM_SERVICE_NAMES.map((s) => `${KVM_PACKAGE}.${s}`);

function service(name: KvmServiceName): ServiceDefinition {
  const def = kvmPackageDefinition[`${KVM_PACKAGE}.${name}`];
  if (!def || 'format' in def) throw new Error(`${KVM_PROTO_FILE} has no service ${KVM_PACKAGE}.${name}`);
  return def as unknown as ServiceDefinition;
}

/**
 * The service definitions, for `server.addService(kvmServices.SystemService, impl)`.
 *
 * @example
 *   server.addService(kvmServices.VcpuService, { run, kick, ... });
 */
export const kvmServices: Readonly<Record<KvmServiceName, ServiceDefinition>> = {
  SystemService: service('SystemService'),
  VmService: service('VmService'),
  VcpuService: service('VcpuService'),
  DeviceService: service('DeviceService'),
};
