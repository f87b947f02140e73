/**
 * The one place where an error becomes a gRPC status (house style: "errors become statuses in
 * exactly one function"). Handlers pass whatever they caught to toServiceError and hand the
 * result to grpc-js; they never build a status themselves.
 *
 * - A KvmError (vmcore/errno.ts) becomes the status of ERRNO_STATUS, the table documented at the
 *   top of proto/kvm/v1/kvm.proto. The errno name travels twice: as google.rpc.ErrorInfo.reason
 *   inside `grpc-status-details-bin` (domain "kvm.arm64.grpc", metadata errno = number, plus
 *   any extra metadata the error carries, e.g. "n" for KVM_GET_REG_LIST's E2BIG), and as the
 *   `kvm-errno` trailer (grpc-js sends an error's metadata as trailers).
 * - An error carrying a server-limit `quota` name (quotaExceeded) becomes RESOURCE_EXHAUSTED
 *   with a message naming the limit and how to raise it.
 * - Anything else is a bug: INTERNAL with a generic message (no internals leak to clients),
 *   logged once with its stack.
 *
 * google.rpc.Status / Any / ErrorInfo are encoded by hand (a few dozen lines of protobuf wire
 * format) rather than through protobufjs, which is only a transitive dependency here.
 */
import { randomUUID } from 'node:crypto';
import { encodeStatus } from '../proto/status-details';
export { encodeStatus, decodeStatusDetails } from '../proto/status-details';
export type { ErrorInfo, StatusDetails } from '../proto/status-details';
import { Metadata, status as Status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { ERRNO, KvmError } from '../vmcore/errno';
import type { ErrnoName } from '../vmcore/errno';
import { QUOTAS } from './config';
import type { QuotaName } from './config';
import type { Logger } from './logger';

/**
 * errno -> gRPC status code. Exactly the table in the header of proto/kvm/v1/kvm.proto (a test
 * parses that header and compares). Typed over every ErrnoName, so it is total by construction.
 */
export const ERRNO_STATUS: Readonly<Record<ErrnoName, Status>> = {
  EINVAL: Status.INVALID_ARGUMENT,
  E2BIG: Status.INVALID_ARGUMENT,
  ERANGE: Status.INVALID_ARGUMENT,
  ENOENT: Status.NOT_FOUND,
  ENODEV: Status.NOT_FOUND,
  ENXIO: Status.NOT_FOUND,
  EEXIST: Status.ALREADY_EXISTS,
  EBUSY: Status.FAILED_PRECONDITION,
  ENOEXEC: Status.FAILED_PRECONDITION,
  EIO: Status.FAILED_PRECONDITION,
  EPERM: Status.PERMISSION_DENIED,
  EFAULT: Status.OUT_OF_RANGE,
  ENOSPC: Status.RESOURCE_EXHAUSTED,
  ENOBUFS: Status.RESOURCE_EXHAUSTED,
  ENOMEM: Status.RESOURCE_EXHAUSTED,
  ENOSYS: Status.UNIMPLEMENTED,
  EOPNOTSUPP: Status.UNIMPLEMENTED,
  // Never for KVM_RUN, which reports EINTR in RunResponse.errno (kvm.proto).
  EINTR: Status.ABORTED,
  // A handle that names no VM, vCPU or device: the closed fd.
  EBADF: Status.NOT_FOUND,
  // Not in kvm.proto's table (no RPC documents EAGAIN): "try again" is UNAVAILABLE, the code
  // gRPC reserves for transient conditions a client may retry.
  EAGAIN: Status.UNAVAILABLE,
};

/** google.rpc.ErrorInfo.domain of every errno status. */
export const ERROR_DOMAIN = 'kvm.arm64.grpc';
/** Trailer carrying the errno name (e.g. "EEXIST"). */
export const KVM_ERRNO_TRAILER = 'kvm-errno';
/** Trailer carrying the serialized google.rpc.Status (gRPC richer error model). */
export const STATUS_DETAILS_TRAILER = 'grpc-status-details-bin';
export { ERROR_INFO_TYPE_URL } from '../proto/status-details';

/** Where a failure happened, for the log line of an unexpected error. */
export interface ErrorContext {
  rpc?: string;
  vm?: bigint | string | number;
  vcpu?: number;
}

/**
 * What toServiceError reads from an error besides KvmError's own fields. KvmError does not
 * declare these (yet); any error object may carry them.
 */
interface ErrorExtras {
  /** Extra google.rpc.ErrorInfo.metadata, e.g. { n: '42' } for KVM_GET_REG_LIST's E2BIG. */
  metadata?: Record<string, string | number | bigint>;
  /** A server limit (QUOTAS key) that was reached. */
  quota?: string;
}

/**
 * Turns anything a handler caught into the ServiceError to pass to grpc-js: the unary or
 * client-stream callback, or `call.emit('error', err)` on a server or bidi stream (grpc-js turns
 * that event into the status; `call.destroy(err)` would send nothing).
 *
 * @param log the logger of the call (ideally already a vm/vcpu child); used only for unexpected
 *   errors, at error level, once per error object.
 * @example
 *   try { callback(null, handle(call.request)); }
 *   catch (e) { callback(toServiceError(e, log, { rpc: 'CreateVcpu', vm })); }
 */
export function toServiceError(err: unknown, log: Logger, ctx: ErrorContext = {}): ServiceError {
  const extras = (typeof err === 'object' && err !== null ? err : {}) as ErrorExtras;
  // The limit's name comes as a property (quotaExceeded) or in the metadata (vmcore's KvmError).
  const mdQuota = extras.metadata && typeof extras.metadata.quota === 'string' ? extras.metadata.quota : undefined;
  const quota = typeof extras.quota === 'string' ? extras.quota : mdQuota;

  if (err instanceof KvmError && Object.prototype.hasOwnProperty.call(ERRNO, err.errno)) {
    const code = quota !== undefined ? Status.RESOURCE_EXHAUSTED : ERRNO_STATUS[err.errno];
    return errnoServiceError(code, err.errno, err.message, extraMetadata(extras, quota));
  }
  if (quota !== undefined && err instanceof Error) {
    // A limit reached outside the KVM layer without an errno: the proto's limit errno.
    const errno: ErrnoName = quota in QUOTAS ? QUOTAS[quota as QuotaName].errno : 'ENOSPC';
    return errnoServiceError(Status.RESOURCE_EXHAUSTED, errno, err.message, extraMetadata(extras, quota));
  }
  return internalError(err, log, ctx);
}

/**
 * The error for a server limit that was reached (kvm.proto: "ENOSPC/ENOMEM when a server limit
 * ... is reached (RESOURCE_EXHAUSTED, message names the limit)"). A KvmError with the limit's
 * errno (QUOTAS), so callers inside the KVM layer treat it like any other errno; toServiceError
 * turns it into RESOURCE_EXHAUSTED with ErrorInfo metadata quota and limit.
 *
 * @example
 *   if (vms.size >= config.limits.maxVms) throw quotaExceeded('max_vms', config.limits.maxVms);
 */
export function quotaExceeded(quota: QuotaName, limit: number | bigint, what?: string): KvmError & ErrorExtras {
  const q = QUOTAS[quota];
  const message =
    `server limit ${quota} reached (${limit} ${q.unit})` +
    (what ? `: ${what}` : '') +
    `; the operator can raise it with ${q.flag} or ${q.env}`;
  const err = new KvmError(q.errno, message) as KvmError & ErrorExtras;
  err.quota = quota;
  err.metadata = { limit: String(limit) };
  return err;
}

function extraMetadata(extras: ErrorExtras, quota: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const md = extras.metadata;
  if (md && typeof md === 'object' && !(md instanceof Metadata)) {
    for (const [k, v] of Object.entries(md)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') out[k] = String(v);
    }
  }
  if (quota !== undefined) out.quota = quota;
  return out;
}

function errnoServiceError(code: Status, errno: ErrnoName, message: string, extra: Record<string, string>): ServiceError {
  const metadata = new Metadata();
  metadata.set(
    STATUS_DETAILS_TRAILER,
    encodeStatus(code, message, {
      reason: errno,
      domain: ERROR_DOMAIN,
      // errno last so extra metadata cannot override it.
      metadata: { ...extra, errno: String(ERRNO[errno]) },
    }),
  );
  metadata.set(KVM_ERRNO_TRAILER, errno);
  return serviceError(code, message, metadata);
}

/** Errors already logged, so a bug reported through two paths is logged once. */
const logged = new WeakSet<object>();

function internalError(err: unknown, log: Logger, ctx: ErrorContext): ServiceError {
  const incident = randomUUID();
  if (typeof err !== 'object' || err === null || !logged.has(err)) {
    if (typeof err === 'object' && err !== null) logged.add(err);
    const fields: Record<string, unknown> = { incident };
    if (ctx.rpc !== undefined) fields.rpc = ctx.rpc;
    if (ctx.vm !== undefined) fields.vm = typeof ctx.vm === 'string' ? ctx.vm : ctx.vm.toString();
    if (ctx.vcpu !== undefined) fields.vcpu = ctx.vcpu;
    // Not an Error (throw 'x'): wrap it so the log still has a type and a stack of sorts.
    fields.err = err instanceof Error ? err : new Error(`non-Error thrown: ${safeString(err)}`);
    log.error(fields, 'unexpected error in RPC handler');
  }
  const message = `internal error (incident ${incident})`;
  const metadata = new Metadata();
  metadata.set(STATUS_DETAILS_TRAILER, encodeStatus(Status.INTERNAL, message));
  return serviceError(Status.INTERNAL, message, metadata);
}

function safeString(v: unknown): string {
  try {
    return String(v);
  } catch {
    return typeof v;
  }
}

function serviceError(code: Status, details: string, metadata: Metadata): ServiceError {
  const e = new Error(`${code} ${Status[code]}: ${details}`) as ServiceError;
  e.code = code;
  e.details = details;
  e.metadata = metadata;
  return e;
}

