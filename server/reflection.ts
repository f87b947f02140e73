/**
 * gRPC server reflection (grpc.reflection.v1 and v1alpha, via @grpc/reflection), so tools such
 * as grpcurl, Postman or `buf curl` can list and call the API without a copy of kvm.proto:
 *
 *   grpcurl -plaintext localhost:50051 list
 *   grpcurl -plaintext -d '{}' localhost:50051 kvm.v1.SystemService/GetApiVersion
 *
 * It describes kvm.v1 and grpc.health.v1 (the services this server hosts besides reflection).
 */
import { ReflectionService } from '@grpc/reflection';
import type { PackageDefinition } from '@grpc/proto-loader';
import type { Server } from '@grpc/grpc-js';
import { kvmPackageDefinition } from './proto';
import { healthPackageDefinition } from './health';

/** Registers the reflection service over `packageDefinition` (default: kvm.v1 + health). */
export function addReflection(
  server: Pick<Server, 'addService'>,
  packageDefinition: PackageDefinition = { ...kvmPackageDefinition, ...healthPackageDefinition() },
): ReflectionService {
  const reflection = new ReflectionService(packageDefinition);
  reflection.addToServer(server);
  return reflection;
}
