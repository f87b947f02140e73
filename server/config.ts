/**
 * Server configuration: command-line flags, then environment variables, then defaults that work
 * out of the box (`node dist/server/main.js` with nothing set serves on 0.0.0.0:50051 and
 * exposes /metrics on 0.0.0.0:9464).
 *
 * Every option is one row of OPTIONS (flag, environment variable, default, parser, help), and
 * the --help text is generated from the same rows, so they cannot drift apart.
 *
 * Sizes and byte limits are plain numbers (safe integers, checked): they are configuration, not
 * guest addresses; compare them with a request's uint64 through BigInt(limit) at the edge.
 */
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import type { ServerOptions } from '@grpc/grpc-js';
import { HOST } from '../vmcore/host-choices';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface Limits {
  /** VMs alive at once (KVM_CREATE_VM beyond it: ENOSPC, RESOURCE_EXHAUSTED). */
  maxVms: number;
  /** vCPUs per VM (KVM_CREATE_VCPU beyond it: ENOSPC, RESOURCE_EXHAUSTED). */
  maxVcpusPerVm: number;
  /** Guest memory (sum of memslot sizes) per VM, bytes (ENOMEM, RESOURCE_EXHAUSTED). */
  maxMemoryPerVmBytes: number;
  /** Guest memory over all VMs, bytes (ENOMEM, RESOURCE_EXHAUSTED). */
  maxMemoryTotalBytes: number;
}

export interface Config {
  /** --help was given: print HELP_TEXT and exit 0; the other fields hold the defaults. */
  help: boolean;
  /** gRPC listen address for grpc-js bindAsync: host:port, [v6]:port or unix:/path. */
  listen: string;
  /** host:port of the Prometheus /metrics endpoint, or null when disabled ("off"). */
  metricsListen: string | null;
  limits: Limits;
  grpc: {
    maxReceiveMessageBytes: number;
    maxSendMessageBytes: number;
    keepaliveTimeMs: number;
    keepaliveTimeoutMs: number;
    maxConnectionIdleMs: number;
  };
  /** Longest wall time of one Run before it returns EINTR / KVM_EXIT_INTR, ms. */
  runSliceMs: number;
  logLevel: LogLevel;
  /** How long a graceful shutdown waits for in-flight calls before forcing, ms. */
  shutdownGraceMs: number;
}

/** A bad flag or environment value. main prints `message` and exits with `exitCode` (2). */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Server limits, by the name a RESOURCE_EXHAUSTED error carries in ErrorInfo.metadata["quota"]
 * (see quotaExceeded in errno-status.ts). The errno is the one kvm.proto documents for each: a
 * count limit is ENOSPC, a memory limit ENOMEM.
 */
export const QUOTAS = {
  max_vms: { flag: '--max-vms', env: 'KVM_MAX_VMS', errno: 'ENOSPC', unit: 'VMs' },
  max_vcpus_per_vm: { flag: '--max-vcpus-per-vm', env: 'KVM_MAX_VCPUS_PER_VM', errno: 'ENOSPC', unit: 'vCPUs' },
  max_memory_per_vm: { flag: '--max-memory-per-vm', env: 'KVM_MAX_MEMORY_PER_VM', errno: 'ENOMEM', unit: 'bytes' },
  max_memory_total: { flag: '--max-memory-total', env: 'KVM_MAX_MEMORY_TOTAL', errno: 'ENOMEM', unit: 'bytes' },
} as const;
export type QuotaName = keyof typeof QUOTAS;

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

// --- parsers: each gets the raw string and where it came from, returns the value or throws ---

type Parser<T> = (raw: string, ctx: ParseContext) => T;
interface ParseContext {
  /** "--max-vms" or "KVM_MAX_VMS", for the error message. */
  source: string;
  totalmem: number;
}

function bad(ctx: ParseContext, raw: string, want: string): never {
  throw new ConfigError(`invalid value ${JSON.stringify(raw)} for ${ctx.source}: expected ${want}`);
}

function int(min: number, max: number): Parser<number> {
  return (raw, ctx) => {
    const s = raw.trim().replace(/_/g, '');
    if (!/^\d+$/.test(s)) bad(ctx, raw, `an integer in ${min}..${max}`);
    const n = Number(s);
    if (!Number.isSafeInteger(n) || n < min || n > max) bad(ctx, raw, `an integer in ${min}..${max}`);
    return n;
  };
}

const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1,
  k: KiB, kb: KiB, kib: KiB,
  m: MiB, mb: MiB, mib: MiB,
  g: GiB, gb: GiB, gib: GiB,
  t: 1024 * GiB, tb: 1024 * GiB, tib: 1024 * GiB,
};

/**
 * A byte size: "8388608", "8MiB", "8M", "4GiB", "1.5G". Units are binary (K = 1024) whether or
 * not the "i" is written: memory is counted in pages, nobody means 10^9 here. With allowPercent,
 * "75%" means that share of the host's RAM (os.totalmem()).
 */
function size(min: number, max: number, allowPercent = false): Parser<number> {
  const want = `a size in bytes (e.g. 8MiB, 4GiB)${allowPercent ? ' or a percentage of host RAM (e.g. 75%)' : ''}, ${min}..${max}`;
  return (raw, ctx) => {
    const s = raw.trim().replace(/_/g, '').toLowerCase();
    let n: number;
    const pct = /^(\d+(?:\.\d+)?)%$/.exec(s);
    const sz = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/.exec(s);
    if (pct && allowPercent) {
      const p = Number(pct[1]);
      if (!(p > 0 && p <= 100)) bad(ctx, raw, want);
      n = Math.floor((ctx.totalmem * p) / 100);
    } else if (sz && sz[2] in SIZE_UNITS) {
      n = Math.floor(Number(sz[1]) * SIZE_UNITS[sz[2]]);
    } else {
      bad(ctx, raw, want);
    }
    if (!Number.isSafeInteger(n) || n < min || n > max) bad(ctx, raw, want);
    return n;
  };
}

/** host:port (port 0..65535; IPv6 hosts in brackets), or unix:/path when allowUnix. */
function address(allowUnix: boolean, allowOff: boolean): Parser<string | null> {
  const want = `host:port (e.g. 0.0.0.0:50051, [::]:50051)${allowUnix ? ' or unix:/path' : ''}${allowOff ? ' or "off"' : ''}`;
  return (raw, ctx) => {
    const s = raw.trim();
    if (allowOff && s.toLowerCase() === 'off') return null;
    if (allowUnix && /^unix:.+/.test(s)) return s;
    const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(s);
    if (!m || Number(m[2]) > 65535) bad(ctx, raw, want);
    return s;
  };
}

function oneOf<T extends string>(values: readonly T[]): Parser<T> {
  return (raw, ctx) => {
    const s = raw.trim().toLowerCase() as T;
    if (!values.includes(s)) bad(ctx, raw, `one of ${values.join(', ')}`);
    return s;
  };
}

// --- the option table ---

interface Option<T> {
  flag: string;
  /** The value's name in --help: <addr>, <n>, <size>, <ms>, <level>. */
  arg: string;
  env: string;
  /** The default as the user would type it (shown in --help), parsed like any other value. */
  def: string;
  parse: Parser<T>;
  help: string;
  set: (c: Config, v: T) => void;
}
function opt<T>(o: Option<T>): Option<unknown> {
  return o as Option<unknown>;
}

/**
 * Why each default is what it is:
 *
 * - limits.maxVms 64: every VM is an interpreter plus its guest RAM inside this one process;
 *   64 keeps a forgotten-VM leak from a buggy client bounded while serving any realistic test
 *   farm. The memory limits are what really protects the host.
 * - limits.maxVcpusPerVm 512 (= HOST.MAX_VCPUS): a lower default would make KVM_CREATE_VCPU fail
 *   with ENOSPC where the kernel succeeds (KVM_CAP_MAX_VCPUS says 512 with a GICv3, §5.1), so a
 *   conforming VMM would see a non-KVM error. A vCPU that does not run costs only its register
 *   file (a few KiB); CPU is spent only by Run calls, which are bounded by runSliceMs. Lower it
 *   on small hosts; it cannot exceed HOST.MAX_VCPUS (the kernel's own limit applies first).
 * - limits.maxMemoryPerVmBytes 4 GiB: a typical test guest; guest RAM is backed by real buffers
 *   in this process. limits.maxMemoryTotalBytes 75% of host RAM leaves room for the rest of the
 *   process and the OS instead of ending in the OOM killer.
 * - 8 MiB messages both ways: the largest legitimate messages are guest-memory chunks (<= 1 MiB,
 *   kvm.proto), dirty bitmaps (128 KiB for a 4 GiB slot) and register lists; 8 MiB leaves room
 *   without letting one call allocate unbounded memory (grpc-js' default send limit is
 *   unlimited, receive 4 MiB).
 * - keepalive 60 s / 20 s: the server pings a silent connection every 60 s and drops it if no
 *   ack comes within 20 s. A VMM that died or lost its network (half-open TCP) would otherwise
 *   keep its streams (WriteGuestMemory, ReadGuestMemory) and a blocked Run open for hours; with
 *   keepalive its calls are cancelled, and a cancelled Run ends with EINTR (§7.9). grpc-js'
 *   default is no server pings at all.
 * - "permit without calls" has no knob on purpose: grpc-js' server pings idle connections too
 *   (its keepalive is per connection, not per call) and enforces no ping policy on clients
 *   (no GOAWAY "too_many_pings"), so clients may keep idle connections alive with their own
 *   pings; the option only matters on the client side (grpc-js reads it only in its client
 *   transport), so a client library that wants idle connections kept alive sets it there.
 * - max connection idle 5 min: a connection with no call for 5 minutes gets a GOAWAY and the
 *   client reconnects transparently on its next call. VMs are handles that outlive connections,
 *   so nothing is lost; this reclaims sockets of clients that left without closing.
 *   (max connection age stays unlimited: it exists to rebalance load across backends, and this
 *   server is a single stateful backend; it would also cut long streams.)
 * - runSliceMs 1000: a Run returns EINTR / KVM_EXIT_INTR after at most one second even if the
 *   guest never exits, as a signal would make KVM_RUN return (§7.9); VMMs loop on EINTR anyway.
 *   It bounds how long one call holds a vCPU, how stale a VM's metrics get, and how long a
 *   graceful shutdown waits for a Run. Each slice costs one round trip, so 1 s keeps that
 *   overhead below 0.1% of guest time on a LAN.
 * - shutdownGraceMs 10000: longer than a run slice (every Run returns within it) plus a large
 *   guest-memory stream; then the remaining calls are cancelled.
 */
const OPTIONS: Option<unknown>[] = [
  opt({
    flag: 'listen', arg: 'addr', env: 'KVM_GRPC_LISTEN', def: '0.0.0.0:50051', parse: address(true, false),
    help: 'gRPC listen address (host:port, [::]:port, unix:/path)',
    set: (c, v) => { c.listen = v as string; },
  }),
  opt({
    flag: 'metrics-listen', arg: 'addr', env: 'KVM_METRICS_LISTEN', def: '0.0.0.0:9464', parse: address(false, true),
    help: 'Prometheus /metrics HTTP address (host:port), or "off"',
    set: (c, v) => { c.metricsListen = v; },
  }),
  opt({
    flag: 'max-vms', arg: 'n', env: 'KVM_MAX_VMS', def: '64', parse: int(1, 1_000_000),
    help: 'VMs alive at once; beyond it KVM_CREATE_VM fails with ENOSPC',
    set: (c, v) => { c.limits.maxVms = v; },
  }),
  opt({
    flag: 'max-vcpus-per-vm', arg: 'n', env: 'KVM_MAX_VCPUS_PER_VM', def: String(HOST.MAX_VCPUS),
    parse: int(1, HOST.MAX_VCPUS),
    help: `vCPUs per VM (at most ${HOST.MAX_VCPUS}); beyond it ENOSPC`,
    set: (c, v) => { c.limits.maxVcpusPerVm = v; },
  }),
  opt({
    flag: 'max-memory-per-vm', arg: 'size', env: 'KVM_MAX_MEMORY_PER_VM', def: '4GiB',
    parse: size(4 * KiB, Number.MAX_SAFE_INTEGER, true),
    help: 'guest memory per VM (size or % of host RAM); beyond it ENOMEM',
    set: (c, v) => { c.limits.maxMemoryPerVmBytes = v; },
  }),
  opt({
    flag: 'max-memory-total', arg: 'size', env: 'KVM_MAX_MEMORY_TOTAL', def: '75%',
    parse: size(4 * KiB, Number.MAX_SAFE_INTEGER, true),
    help: 'guest memory, all VMs (size or % of host RAM); beyond it ENOMEM',
    set: (c, v) => { c.limits.maxMemoryTotalBytes = v; },
  }),
  opt({
    flag: 'max-receive-message-size', arg: 'size', env: 'KVM_GRPC_MAX_RECEIVE_MESSAGE_SIZE', def: '8MiB',
    parse: size(64 * KiB, 2 * GiB - 1),
    help: 'largest gRPC message the server accepts',
    set: (c, v) => { c.grpc.maxReceiveMessageBytes = v; },
  }),
  opt({
    flag: 'max-send-message-size', arg: 'size', env: 'KVM_GRPC_MAX_SEND_MESSAGE_SIZE', def: '8MiB',
    parse: size(64 * KiB, 2 * GiB - 1),
    help: 'largest gRPC message the server sends',
    set: (c, v) => { c.grpc.maxSendMessageBytes = v; },
  }),
  opt({
    flag: 'keepalive-time-ms', arg: 'ms', env: 'KVM_GRPC_KEEPALIVE_TIME_MS', def: '60000', parse: int(1000, 2 ** 31 - 1),
    help: 'ping a connection silent for this long, to find dead clients',
    set: (c, v) => { c.grpc.keepaliveTimeMs = v; },
  }),
  opt({
    flag: 'keepalive-timeout-ms', arg: 'ms', env: 'KVM_GRPC_KEEPALIVE_TIMEOUT_MS', def: '20000', parse: int(100, 2 ** 31 - 1),
    help: 'drop the connection if a ping is not acked within this',
    set: (c, v) => { c.grpc.keepaliveTimeoutMs = v; },
  }),
  opt({
    flag: 'max-connection-idle-ms', arg: 'ms', env: 'KVM_GRPC_MAX_CONNECTION_IDLE_MS', def: '300000', parse: int(1000, 2 ** 31 - 1),
    help: 'GOAWAY to a connection without calls for this long',
    set: (c, v) => { c.grpc.maxConnectionIdleMs = v; },
  }),
  opt({
    flag: 'run-slice-ms', arg: 'ms', env: 'KVM_RUN_SLICE_MS', def: '1000', parse: int(1, 600_000),
    help: 'longest one Run lasts before returning EINTR (KVM_EXIT_INTR)',
    set: (c, v) => { c.runSliceMs = v; },
  }),
  opt({
    flag: 'log-level', arg: 'level', env: 'KVM_LOG_LEVEL', def: 'info', parse: oneOf(LOG_LEVELS),
    help: `log level: ${LOG_LEVELS.join(', ')}`,
    set: (c, v) => { c.logLevel = v as LogLevel; },
  }),
  opt({
    flag: 'shutdown-grace-ms', arg: 'ms', env: 'KVM_SHUTDOWN_GRACE_MS', def: '10000', parse: int(0, 600_000),
    help: 'on SIGTERM/SIGINT, wait this long for in-flight calls',
    set: (c, v) => { c.shutdownGraceMs = v; },
  }),
];

function helpText(): string {
  const rows = OPTIONS.map((o) => {
    const left = `  --${o.flag} <${o.arg}>`;
    return `${left.padEnd(36)}${o.help}\n${''.padEnd(36)}env ${o.env}, default ${o.def}`;
  });
  return [
    'Usage: kvm-arm64-grpc [options]',
    '',
    'The Linux KVM arm64 API as a gRPC service. Flags override environment variables, which',
    'override the defaults. Sizes take binary units (8MiB, 4GiB; K/M/G/T mean the same).',
    '',
    'Options:',
    ...rows,
    `${'  -h, --help'.padEnd(36)}print this help and exit`,
    '',
  ].join('\n');
}

/** The --help text. */
export const HELP_TEXT: string = helpText();

/**
 * Builds the configuration from argv (without node and the script: process.argv.slice(2)) and
 * the environment. Flags win over environment variables, which win over defaults. Throws
 * ConfigError (exitCode 2) on an unknown flag, a stray argument or an invalid value.
 *
 * @example
 *   const config = loadConfig(process.argv.slice(2), process.env);
 */
export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  host: { totalmem: number } = { totalmem: os.totalmem() },
): Config {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
    for (const o of OPTIONS) options[o.flag] = { type: 'string' };
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  } catch (e) {
    throw new ConfigError(`${(e as Error).message} (see --help)`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;

  const config: Config = {
    help: values.help === true,
    listen: '',
    metricsListen: null,
    limits: { maxVms: 0, maxVcpusPerVm: 0, maxMemoryPerVmBytes: 0, maxMemoryTotalBytes: 0 },
    grpc: { maxReceiveMessageBytes: 0, maxSendMessageBytes: 0, keepaliveTimeMs: 0, keepaliveTimeoutMs: 0, maxConnectionIdleMs: 0 },
    runSliceMs: 0,
    logLevel: 'info',
    shutdownGraceMs: 0,
  };
  for (const o of OPTIONS) {
    const flagValue = values[o.flag];
    const envValue = env[o.env];
    let raw: string;
    let source: string;
    if (typeof flagValue === 'string') {
      raw = flagValue;
      source = `--${o.flag}`;
    } else if (envValue !== undefined && envValue !== '') {
      raw = envValue;
      source = o.env;
    } else {
      raw = o.def;
      source = `default of --${o.flag}`;
    }
    o.set(config, o.parse(raw, { source, totalmem: host.totalmem }));
  }
  return config;
}

/**
 * loadConfig for main: prints HELP_TEXT and exits 0 on --help; prints the error and exits 2 on a
 * bad configuration.
 */
export function loadConfigOrExit(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Config {
  try {
    const config = loadConfig(argv, env);
    if (config.help) {
      process.stdout.write(HELP_TEXT);
      process.exit(0);
    }
    return config;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`kvm-arm64-grpc: ${e.message}\n`);
      process.exit(e.exitCode);
    }
    throw e;
  }
}

/**
 * The grpc-js server options that the configuration implies. Pass `interceptors` (the metrics
 * interceptor) in `extra`.
 *
 * @example
 *   const server = new grpc.Server(grpcServerOptions(config, { interceptors: [metricsInterceptor(metrics)] }));
 */
export function grpcServerOptions(config: Config, extra: ServerOptions = {}): ServerOptions {
  return {
    'grpc.max_receive_message_length': config.grpc.maxReceiveMessageBytes,
    'grpc.max_send_message_length': config.grpc.maxSendMessageBytes,
    'grpc.keepalive_time_ms': config.grpc.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': config.grpc.keepaliveTimeoutMs,
    'grpc.max_connection_idle_ms': config.grpc.maxConnectionIdleMs,
    ...extra,
  };
}
