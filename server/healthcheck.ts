/**
 * A tiny grpc.health.v1 client for container HEALTHCHECKs and scripts:
 *
 *   node dist/server/healthcheck.js [host:port | unix:/path] [service]
 *
 * Asks Health/Check once, with a 3 s deadline, and exits 0 iff the answer is SERVING; any other
 * answer or failure prints one line saying why on stderr and exits 1 (2 for bad arguments).
 * Without a target it checks the address the server in the same environment listens on
 * (KVM_GRPC_LISTEN, default 0.0.0.0:50051, read through config.ts), with the wildcard host
 * replaced by loopback. Without a service it checks the whole server ("").
 *
 * Kubernetes uses its native gRPC probes instead (deploy/kubernetes/deployment.yaml); this is
 * for Docker/podman HEALTHCHECK, CI smoke tests and people.
 */
import * as grpc from '@grpc/grpc-js';
import { loadConfig, ConfigError } from './config';
import { healthPackageDefinition } from './health';

/** How long one check may take, connection included. */
export const HEALTHCHECK_DEADLINE_MS = 3000;

/** Exit statuses of the command. */
export const HEALTHCHECK_EXIT = { SERVING: 0, UNHEALTHY: 1, USAGE: 2 } as const;

export const HEALTHCHECK_USAGE = [
  'Usage: node dist/server/healthcheck.js [host:port | unix:/path] [service]',
  '',
  'Calls grpc.health.v1.Health/Check once (3 s deadline). Exit 0 iff SERVING, 1 otherwise',
  '(NOT_SERVING, unknown service, unreachable, timeout), 2 on bad arguments.',
  'Default target: the server\'s KVM_GRPC_LISTEN (default 0.0.0.0:50051) with 0.0.0.0 / [::]',
  'replaced by loopback. Default service: "" (the whole server).',
  '',
].join('\n');

export interface HealthCheckResult {
  /** True iff the server answered SERVING. */
  ok: boolean;
  /** The status the server answered (SERVING, NOT_SERVING, UNKNOWN, ...), if it answered. */
  status?: string;
  /** The gRPC status code of a failed call, if the call failed. */
  code?: grpc.status;
  /** One line for people: target, service and outcome. */
  message: string;
}

/**
 * Where to reach a server listening on `listen` from the same host: a wildcard address
 * (0.0.0.0, [::]) cannot be connected to, so it becomes the matching loopback address; anything
 * else (a host, an IP, unix:/path) is used as it is.
 *
 * @example
 *   defaultTarget('0.0.0.0:50051'); // '127.0.0.1:50051'
 *   defaultTarget('[::]:50051');    // '[::1]:50051'
 */
export function defaultTarget(listen: string): string {
  const s = listen.trim();
  const m = /^(0\.0\.0\.0|\[(?:0*:)+0*\]):(\d+)$/.exec(s);
  if (!m) return s;
  return m[1].startsWith('[') ? `[::1]:${m[2]}` : `127.0.0.1:${m[2]}`;
}

/** The generated client's one method used here. */
type HealthClient = grpc.Client & {
  Check(
    request: { service: string },
    options: grpc.CallOptions,
    callback: (err: grpc.ServiceError | null, res?: { status: string }) => void,
  ): grpc.ClientUnaryCall;
};

type HealthPackage = { grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } } };

function describe(target: string, service: string): string {
  return `${target} ${service === '' ? '(whole server)' : `service "${service}"`}`;
}

/**
 * Calls grpc.health.v1.Health/Check on `target` for `service` ("" = the whole server) and never
 * rejects: every outcome is a HealthCheckResult. The deadline covers connecting too, so an
 * address nobody listens on fails within `deadlineMs` (usually at once, UNAVAILABLE).
 *
 * @example
 *   const r = await checkHealth('127.0.0.1:50051');
 *   if (!r.ok) console.error(r.message);
 */
export function checkHealth(
  target: string,
  service = '',
  deadlineMs: number = HEALTHCHECK_DEADLINE_MS,
): Promise<HealthCheckResult> {
  const what = describe(target, service);
  let client: HealthClient;
  try {
    const pkg = grpc.loadPackageDefinition(healthPackageDefinition()) as unknown as HealthPackage;
    client = new pkg.grpc.health.v1.Health(target, grpc.credentials.createInsecure()) as unknown as HealthClient;
  } catch (e) {
    // grpc-js throws at construction on a target it cannot parse.
    return Promise.resolve({ ok: false, message: `${what}: invalid target: ${(e as Error).message}` });
  }
  return new Promise((resolve) => {
    client.Check(
      { service },
      { deadline: Date.now() + deadlineMs },
      (err, res) => {
        client.close();
        if (err) {
          resolve({ ok: false, code: err.code, message: `${what}: ${callFailure(err, deadlineMs)}` });
          return;
        }
        const status = res?.status ?? 'UNKNOWN';
        resolve({ ok: status === 'SERVING', status, message: `${what}: ${status}` });
      },
    );
  });
}

/** Failed Check calls, by gRPC code, in words; other codes read "check failed". */
const CALL_FAILURES: Partial<Record<grpc.status, (deadlineMs: number) => string>> = {
  [grpc.status.NOT_FOUND]: () => 'the server does not know this service',
  [grpc.status.UNIMPLEMENTED]: () => 'the server does not implement grpc.health.v1.Health',
  [grpc.status.DEADLINE_EXCEEDED]: (ms) => `no answer within ${ms} ms`,
  [grpc.status.UNAVAILABLE]: () => 'unreachable',
};

/** Why a Check call failed, with the gRPC code name and grpc-js' details. */
function callFailure(err: grpc.ServiceError, deadlineMs: number): string {
  const words = CALL_FAILURES[err.code]?.(deadlineMs) ?? 'check failed';
  // grpc-js appends an empty "Resolution note: " to connection failures.
  const details = err.details.replace(/\s*Resolution note:\s*$/, '');
  return `${words} (${grpc.status[err.code] ?? err.code}: ${details})`;
}

/**
 * The command: parses argv (without node and the script), checks, writes one line (stdout when
 * SERVING, stderr otherwise) and returns the exit status (HEALTHCHECK_EXIT).
 *
 * @example
 *   process.exitCode = await healthcheckMain(process.argv.slice(2), process.env);
 */
export async function healthcheckMain(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  out: { stdout: (s: string) => void; stderr: (s: string) => void } = {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  },
): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    out.stdout(HEALTHCHECK_USAGE);
    return HEALTHCHECK_EXIT.SERVING;
  }
  const bad = argv.find((a) => a.startsWith('-'));
  if (bad !== undefined || argv.length > 2) {
    out.stderr(`healthcheck: ${bad !== undefined ? `unknown option ${bad}` : 'too many arguments'}\n${HEALTHCHECK_USAGE}`);
    return HEALTHCHECK_EXIT.USAGE;
  }
  let target = argv[0];
  if (target === undefined || target === '') {
    try {
      // Only the listen address is read, so a bad unrelated variable cannot fail the check.
      target = defaultTarget(loadConfig([], { KVM_GRPC_LISTEN: env.KVM_GRPC_LISTEN }).listen);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      out.stderr(`healthcheck: ${e.message}\n`);
      return HEALTHCHECK_EXIT.USAGE;
    }
  }
  const result = await checkHealth(target, argv[1] ?? '');
  if (result.ok) {
    out.stdout(`${result.message}\n`);
    return HEALTHCHECK_EXIT.SERVING;
  }
  out.stderr(`healthcheck: ${result.message}\n`);
  return HEALTHCHECK_EXIT.UNHEALTHY;
}

if (require.main === module) {
  healthcheckMain(process.argv.slice(2), process.env).then(
    (code) => { process.exitCode = code; },
    (e) => {
      process.stderr.write(`healthcheck: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = HEALTHCHECK_EXIT.UNHEALTHY;
    },
  );
}
