/**
 * The standard gRPC health service (grpc.health.v1.Health, via grpc-health-check), for load
 * balancers, Kubernetes probes and `grpc_health_probe`.
 *
 * Statuses are kept for the whole server ("") and for each kvm.v1 service. They start
 * NOT_SERVING: main calls setServing() once the server is bound, and setNotServing() first
 * thing on SIGTERM, so probes stop routing new clients while in-flight calls drain (graceful
 * shutdown).
 */
import * as path from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import type { ServingStatus } from 'grpc-health-check';
import type { Server } from '@grpc/grpc-js';
import { KVM_FULL_SERVICE_NAMES, PROTO_LOADER_OPTIONS } from './proto';

export const HEALTH_SERVICE_NAME = 'grpc.health.v1.Health';

export class KvmHealth {
  private readonly impl: HealthImplementation;
  /** "" (the whole server) and the fully qualified kvm.v1 service names. */
  readonly services: readonly string[];

  constructor(services: readonly string[] = KVM_FULL_SERVICE_NAMES) {
    this.services = ['', ...services];
    this.impl = new HealthImplementation(Object.fromEntries(this.services.map((s) => [s, 'NOT_SERVING'])));
  }

  /** Registers grpc.health.v1.Health (Check and Watch) on the server. */
  addToServer(server: Pick<Server, 'addService'>): void {
    this.impl.addToServer(server as Parameters<HealthImplementation['addToServer']>[0]);
  }

  /** Every service (and the server as a whole) SERVING: call once bound and ready. */
  setServing(): void {
    this.setAll('SERVING');
  }

  /** Every service NOT_SERVING: call first when shutting down (Watch streams are told at once). */
  setNotServing(): void {
    this.setAll('NOT_SERVING');
  }

  /** One service's status ("" for the whole server). */
  setStatus(service: string, status: ServingStatus): void {
    this.impl.setStatus(service, status);
  }

  private setAll(status: ServingStatus): void {
    for (const s of this.services) this.impl.setStatus(s, status);
  }
}

/** The package definition of health.proto (for reflection and test clients). */
export function healthPackageDefinition(): protoLoader.PackageDefinition {
  return protoLoader.loadSync('health/v1/health.proto', {
    ...PROTO_LOADER_OPTIONS,
    includeDirs: [path.dirname(path.dirname(path.dirname(healthProtoPath)))],
  });
}
