/**
 * Logging: one pino root logger writing JSON lines to stdout, a child per VM and per vCPU
 * (house style: "a pino child per VM and vCPU; nothing inside the interpreter loop").
 *
 * Field names are fixed (LOG_KEYS) so that logs can be queried the same way everywhere:
 * `vm` (the VM handle, a decimal string), `vcpu` (the vCPU id), `rpc` (the RPC name, e.g.
 * "CreateVcpu") and `errno` (an errno name, e.g. "EEXIST"). Errors go under pino's `err` key,
 * which serializes type, message and stack.
 */
import pino from 'pino';
import type { Logger, DestinationStream } from 'pino';
import type { LogLevel } from './config';

export type { Logger } from 'pino';

/** The fixed log keys. */
export const LOG_KEYS = { vm: 'vm', vcpu: 'vcpu', rpc: 'rpc', errno: 'errno' } as const;

/**
 * The root logger. Levels are written as labels ("level":"info") rather than pino's numbers so
 * the lines read without a lookup table; timestamps are ISO 8601.
 *
 * @param destination where the JSON lines go; stdout when omitted (tests pass a stream).
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'kvm-arm64-grpc', pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: pino.stdSerializers.err },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A VM handle as it appears in logs: decimal string (uint64 handles do not fit JSON numbers). */
function vmKey(vm: bigint | string | number): string {
  return typeof vm === 'string' ? vm : vm.toString();
}

/** Child logger for one VM: every line carries `vm`. */
export function vmLogger(root: Logger, vm: bigint | string | number): Logger {
  return root.child({ [LOG_KEYS.vm]: vmKey(vm) });
}

/** Child logger for one vCPU of a VM logger: every line carries `vm` and `vcpu`. */
export function vcpuLogger(vmLog: Logger, vcpu: number): Logger {
  return vmLog.child({ [LOG_KEYS.vcpu]: vcpu });
}

/** Child logger for one RPC (e.g. "CreateVm"): every line carries `rpc`. */
export function rpcLogger(log: Logger, rpc: string): Logger {
  return log.child({ [LOG_KEYS.rpc]: rpc });
}
