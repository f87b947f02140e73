/**
 * Every metric of the server, declared once (house style: "metrics declared as one schema").
 * The rest of the code increments them by their Prometheus name:
 *
 *   metrics.kvm_exits_total.inc({ reason: 'KVM_EXIT_MMIO' });
 *   metrics.kvm_vms.inc();
 *
 * Names follow `<prefix>_<thing>_<unit>`: `_total` for counters, `_seconds` and `_bytes` for
 * units. gRPC metrics use the grpc-ecosystem names (go-grpc-prometheus) so existing dashboards
 * work; they are recorded by the interceptor in metrics-interceptor.ts, never by handlers.
 *
 * Each createMetrics() call has its own Registry (no global state, tests get fresh counters),
 * plus prom-client's default process metrics (CPU, memory, GC, event-loop lag).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { KVM_EXIT } from '../vmcore/kvm-constants';
import type { KvmExitName } from '../vmcore/kvm-constants';

const GRPC_LABELS = ['grpc_service', 'grpc_method', 'grpc_type'] as const;

interface MetricSpec {
  type: 'counter' | 'gauge' | 'histogram';
  help: string;
  labelNames: readonly string[];
  buckets?: readonly number[];
}

/** The schema: name -> kind, help text, labels (and histogram buckets). */
export const METRICS = {
  // --- gRPC (metrics-interceptor.ts) ---
  grpc_server_started_total: {
    type: 'counter',
    help: 'RPCs started on the server.',
    labelNames: GRPC_LABELS,
  },
  grpc_server_handled_total: {
    type: 'counter',
    help: 'RPCs completed on the server, by status code (OK, INVALID_ARGUMENT, ...).',
    labelNames: [...GRPC_LABELS, 'grpc_code'],
  },
  grpc_server_handling_seconds: {
    type: 'histogram',
    help: 'Time from the start of an RPC to its status, seconds.',
    labelNames: GRPC_LABELS,
    // Control calls take well under a millisecond; a Run lasts up to the run slice (1 s by
    // default); guest-memory streams can take longer.
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  },
  grpc_server_msg_received_total: {
    type: 'counter',
    help: 'Request messages received (more than one per call on client streams).',
    labelNames: GRPC_LABELS,
  },
  grpc_server_msg_sent_total: {
    type: 'counter',
    help: 'Response messages sent (more than one per call on server streams).',
    labelNames: GRPC_LABELS,
  },
  kvm_errno_total: {
    type: 'counter',
    help: 'RPCs that failed with a KVM errno (from the kvm-errno trailer), by errno name and RPC.',
    // grpc_service too: CheckExtension and Set/Get/HasDeviceAttr exist on several services.
    labelNames: ['errno', 'grpc_service', 'grpc_method'],
  },
  kvm_quota_exceeded_total: {
    type: 'counter',
    help: 'Calls rejected because a server limit was reached, by limit (max_vms, ...).',
    labelNames: ['quota'],
  },

  // --- VMs (the VM registry sets these) ---
  kvm_vms: {
    type: 'gauge',
    help: 'VMs that exist.',
    labelNames: [],
  },
  kvm_vcpus: {
    type: 'gauge',
    help: 'vCPUs that exist, over all VMs.',
    labelNames: [],
  },
  kvm_guest_memory_bytes: {
    type: 'gauge',
    help: 'Guest memory in memslots, over all VMs, bytes.',
    labelNames: [],
  },

  // --- vCPU execution (the Run path counts these where each exit is handled) ---
  kvm_exits_total: {
    type: 'counter',
    help: 'KVM_RUN returns to userspace, by exit reason (KVM_EXIT_* name).',
    labelNames: ['reason'],
  },
  kvm_run_seconds: {
    type: 'histogram',
    help: 'Wall time of one KVM_RUN (a Run call), by the exit reason it ended with, seconds.',
    labelNames: ['reason'],
    // From an MMIO exit within microseconds to a full run slice and a stopped vCPU.
    buckets: [0.00001, 0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  },
  kvm_guest_instructions_total: {
    type: 'counter',
    help: 'Guest instructions executed, over all vCPUs.',
    labelNames: [],
  },
  kvm_coalesced_mmio_entries_total: {
    type: 'counter',
    help: 'MMIO writes recorded in a coalesced-MMIO ring instead of exiting.',
    labelNames: [],
  },
  kvm_coalesced_mmio_ring_full_total: {
    type: 'counter',
    help: 'Coalesced-MMIO writes that fell back to a KVM_EXIT_MMIO because the ring was full.',
    labelNames: [],
  },
  kvm_serrors_injected_total: {
    type: 'counter',
    help: 'SErrors injected into guests (KVM_SET_VCPU_EVENTS serror_pending).',
    labelNames: [],
  },
} as const satisfies Record<string, MetricSpec>;

type Schema = typeof METRICS;
type LabelsOf<S> = S extends { labelNames: readonly (infer L)[] } ? L & string : never;
type MetricOf<S> = S extends { type: 'counter' }
  ? Counter<LabelsOf<S>>
  : S extends { type: 'gauge' }
    ? Gauge<LabelsOf<S>>
    : Histogram<LabelsOf<S>>;

/** The metrics, each typed with its label names, plus the registry that serves them. */
export type KvmMetrics = { readonly [K in keyof Schema]: MetricOf<Schema[K]> } & { readonly registry: Registry };

export interface MetricsOptions {
  /** prom-client's default Node.js process metrics (default true). */
  defaultMetrics?: boolean;
}

/**
 * Creates the registry and every metric of METRICS in it.
 *
 * @example
 *   const metrics = createMetrics();
 *   metrics.kvm_exits_total.inc({ reason: 'KVM_EXIT_MMIO' });
 *   const text = await metrics.registry.metrics();
 */
export function createMetrics(options: MetricsOptions = {}): KvmMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) {
    // Includes nodejs_eventloop_lag_seconds (and its percentiles): the gRPC event loop must
    // never run guest code, and lag is how one would notice that it does. 10 ms resolution.
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  }
  const out: Record<string, unknown> = { registry };
  for (const [name, spec] of Object.entries(METRICS) as [string, MetricSpec][]) {
    const config = { name, help: spec.help, labelNames: [...spec.labelNames], registers: [registry] };
    if (spec.type === 'counter') out[name] = new Counter(config);
    else if (spec.type === 'gauge') out[name] = new Gauge(config);
    else out[name] = new Histogram({ ...config, buckets: [...(spec.buckets ?? [])] });
  }
  const metrics = out as KvmMetrics;
  // Every exit reason exists from the start at 0, so rate() and absent-series alerts work
  // before the first exit of a kind.
  for (const reason of Object.keys(KVM_EXIT) as KvmExitName[]) metrics.kvm_exits_total.inc({ reason }, 0);
  return metrics;
}
