/**
 * Builds and starts the whole service: the gRPC server with the four kvm.v1 services, health,
 * reflection and the metrics interceptor; the /metrics endpoint; and the KVM system behind them.
 * main.ts runs it from the command line; integration tests start it on 127.0.0.1:0.
 */
import * as grpc from '@grpc/grpc-js';
import { KvmSystem } from '../vmcore/kvm-system';
import type { Config } from './config';
import { grpcServerOptions } from './config';
import type { Logger } from './logger';
import { createMetrics, KvmMetrics } from './metrics';
import { metricsInterceptor, initializeGrpcMetrics } from './metrics-interceptor';
import { startMetricsHttp, MetricsHttpServer } from './metrics-http';
import { KvmHealth } from './health';
import { addReflection } from './reflection';
import { kvmServices } from './proto';
import { machinePorts } from './machine';
import { systemHandlers } from './handlers/system-handlers';
import { vmHandlers } from './handlers/vm-handlers';
import { vcpuHandlers } from './handlers/vcpu-handlers';
import { deviceHandlers } from './handlers/device-handlers';
import type { ServerContext } from './rpc';

/** Guest instructions per chunk between checks of kicks and deadlines (bench/cpu-loop: ~1-2 ms). */
export const RUN_CHUNK = 100_000;

export interface RunningServer {
  readonly port: number;
  readonly metricsPort: number | undefined;
  readonly kvm: KvmSystem;
  readonly metrics: KvmMetrics;
  readonly health: KvmHealth;
  /** Graceful shutdown: NOT_SERVING, kick every vCPU, drain calls (forced after the grace), close. */
  shutdown(): Promise<void>;
}

export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const metrics = createMetrics();
  const kvm = new KvmSystem(machinePorts(), {
    maxVms: config.limits.maxVms,
    maxVcpusPerVm: config.limits.maxVcpusPerVm,
    maxMemoryPerVm: config.limits.maxMemoryPerVmBytes,
    maxMemoryTotal: config.limits.maxMemoryTotalBytes,
    chunk: RUN_CHUNK,
  }, {
    exit: (_vm, _vcpu, r) => metrics.kvm_exits_total.inc({ reason: exitName(r.exitReason) }),
    threadCounters: (_vm, e) => {
      if (e.instructions) metrics.kvm_guest_instructions_total.inc(e.instructions);
      if (e.coalesced) metrics.kvm_coalesced_mmio_entries_total.inc(e.coalesced);
      if (e.ringFull) metrics.kvm_coalesced_mmio_ring_full_total.inc(e.ringFull);
    },
    dead: (vm, reason) => log.error({ vm: String(vm.handle), reason }, 'VM marked dead'),
  });
  const ctx: ServerContext = { kvm, log, metrics, config };

  const server = new grpc.Server(grpcServerOptions(config, { interceptors: [metricsInterceptor(metrics)] }));
  server.addService(kvmServices.SystemService, systemHandlers(ctx));
  server.addService(kvmServices.VmService, vmHandlers(ctx));
  server.addService(kvmServices.VcpuService, vcpuHandlers(ctx));
  server.addService(kvmServices.DeviceService, deviceHandlers(ctx));
  for (const s of Object.values(kvmServices)) initializeGrpcMetrics(metrics, s);
  const health = new KvmHealth();
  health.addToServer(server);
  addReflection(server);

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(config.listen, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  if (!config.listen.startsWith('127.') && !config.listen.startsWith('localhost') && !config.listen.startsWith('[::1]')) {
    log.warn({ listen: config.listen }, 'serving plaintext gRPC on a non-loopback address (TLS comes with the production issue)');
  }
  let http: MetricsHttpServer | undefined;
  if (config.metricsListen) http = await startMetricsHttp(metrics.registry, config.metricsListen, log);
  health.setServing();
  log.info({ port, metricsPort: http?.port }, 'kvm-arm64-grpc serving');

  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => (stopping ??= (async () => {
    log.info('shutting down: NOT_SERVING, kicking vCPUs, draining calls');
    health.setNotServing();
    for (const vm of kvm.list()) for (const v of vm.vcpus()) v.kick();
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        log.warn({ graceMs: config.shutdownGraceMs }, 'grace period over: forcing shutdown');
        server.forceShutdown();
        resolve();
      }, config.shutdownGraceMs);
      force.unref();
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
    await kvm.destroyAll();
    await http?.stop();
    log.info('shut down');
  })());

  return { port, metricsPort: http?.port, kvm, metrics, health, shutdown };
}

import { KVM_EXIT_NAME } from '../vmcore/kvm-constants';
const exitName = (r: number): string => KVM_EXIT_NAME[r] ?? String(r);
