/**
 * gRPC metrics as a grpc-js server interceptor, so handlers stay clean: for every call (unary
 * and streaming) it counts grpc_server_started_total, grpc_server_handled_total by status code,
 * grpc_server_handling_seconds, messages each way, and kvm_errno_total from the `kvm-errno`
 * trailer that toServiceError sets (errno-status.ts).
 *
 * Install with `new grpc.Server({ interceptors: [metricsInterceptor(metrics)] })`.
 *
 * Calls that end without passing a status through the interceptor chain are counted too:
 * grpc-js sends DEADLINE_EXCEEDED from the transport and a client cancellation just closes the
 * stream; both surface here as onCancel, told apart by the call's deadline.
 */
import { ServerInterceptingCall, status as Status } from '@grpc/grpc-js';
import type { Metadata, ServerInterceptor, ServiceDefinition } from '@grpc/grpc-js';
import type { KvmMetrics } from './metrics';
import { KVM_ERRNO_TRAILER, STATUS_DETAILS_TRAILER, decodeStatusDetails } from './errno-status';

/** grpc_type label values (go-grpc-prometheus). */
export type GrpcType = 'unary' | 'client_stream' | 'server_stream' | 'bidi_stream';

export function grpcType(method: { requestStream: boolean; responseStream: boolean }): GrpcType {
  if (method.requestStream) return method.responseStream ? 'bidi_stream' : 'client_stream';
  return method.responseStream ? 'server_stream' : 'unary';
}

/** "/kvm.v1.SystemService/CreateVm" -> ["kvm.v1.SystemService", "CreateVm"]. */
export function splitMethodPath(path: string): { service: string; method: string } {
  const slash = path.lastIndexOf('/');
  if (slash <= 0) return { service: 'unknown', method: path.replace(/^\//, '') || 'unknown' };
  return { service: path.slice(1, slash), method: path.slice(slash + 1) };
}

/** The grpc_code label: the status name ("OK", "NOT_FOUND", ...), or the number if unknown. */
function codeName(code: number): string {
  return Status[code] ?? String(code);
}

function firstString(md: Metadata | null | undefined, key: string): string | undefined {
  const v = md?.get(key)[0];
  return typeof v === 'string' ? v : undefined;
}

/** Creates the interceptor recording into `metrics`. */
export function metricsInterceptor(metrics: KvmMetrics): ServerInterceptor {
  return (methodDescriptor, call) => {
    const { service, method } = splitMethodPath(methodDescriptor.path);
    const labels = { grpc_service: service, grpc_method: method, grpc_type: grpcType(methodDescriptor) };
    const startedAt = performance.now();
    let finished = false;
    metrics.grpc_server_started_total.inc(labels);

    const finish = (code: number, trailers: Metadata | null | undefined): void => {
      // Once: a handler may still send a status after the call was cancelled, and grpc-js
      // reports onCancel after every call, including completed ones.
      if (finished) return;
      finished = true;
      metrics.grpc_server_handled_total.inc({ ...labels, grpc_code: codeName(code) });
      metrics.grpc_server_handling_seconds.observe(labels, (performance.now() - startedAt) / 1000);
      if (code === Status.OK) return;
      const errno = firstString(trailers, KVM_ERRNO_TRAILER);
      if (errno !== undefined) metrics.kvm_errno_total.inc({ errno, grpc_service: service, grpc_method: method });
      if (code === Status.RESOURCE_EXHAUSTED) {
        const bin = trailers?.get(STATUS_DETAILS_TRAILER)[0];
        if (Buffer.isBuffer(bin)) {
          try {
            const quota = decodeStatusDetails(bin).errorInfo?.metadata.quota;
            if (quota !== undefined) metrics.kvm_quota_exceeded_total.inc({ quota });
          } catch {
            // Not ours to police: a malformed details blob only loses this count.
          }
        }
      }
    };

    return new ServerInterceptingCall(call, {
      start: (next) => {
        next({
          onReceiveMessage: (message, nextMessage) => {
            metrics.grpc_server_msg_received_total.inc(labels);
            nextMessage(message);
          },
          onCancel: () => {
            const d = call.getDeadline();
            const deadline = d instanceof Date ? d.getTime() : d;
            // grpc-js' deadline timer fires at (or just after) the deadline; 2 ms of slack for
            // clock granularity.
            finish(Date.now() >= deadline - 2 ? Status.DEADLINE_EXCEEDED : Status.CANCELLED, null);
          },
        });
      },
      sendMessage: (message, next) => {
        metrics.grpc_server_msg_sent_total.inc(labels);
        next(message);
      },
      sendStatus: (status, next) => {
        finish(status.code, status.metadata);
        next(status);
      },
    });
  };
}

/**
 * Creates the started/handled{OK} series of every method at 0 (go-grpc-prometheus'
 * InitializeMetrics), so dashboards show methods that were never called yet.
 *
 * @example
 *   initializeGrpcMetrics(metrics, kvmServices.SystemService);
 */
export function initializeGrpcMetrics(metrics: KvmMetrics, service: ServiceDefinition): void {
  for (const def of Object.values(service)) {
    const { service: svc, method } = splitMethodPath(def.path);
    const labels = { grpc_service: svc, grpc_method: method, grpc_type: grpcType(def) };
    metrics.grpc_server_started_total.inc(labels, 0);
    metrics.grpc_server_handled_total.inc({ ...labels, grpc_code: 'OK' }, 0);
  }
}
