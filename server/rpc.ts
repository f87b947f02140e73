/**
 * The one wrapper every unary handler goes through: runs the handler, and turns anything it
 * throws into a status through toServiceError (errno-status.ts). Handlers never build a status.
 */
import type { handleUnaryCall, ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import type { Logger } from './logger';
import type { KvmMetrics } from './metrics';
import type { Config } from './config';
import type { KvmSystem } from '../vmcore/kvm-system';
import { toServiceError } from './errno-status';
import { KvmError } from '../vmcore/errno';

/** What the handlers share. */
export interface ServerContext {
  readonly kvm: KvmSystem;
  readonly log: Logger;
  readonly metrics: KvmMetrics;
  readonly config: Config;
}

// Requests and responses are plain objects shaped by proto-loader (camelCase, 64-bit as strings).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Msg = Record<string, any>;

/** Reads the handle fields a request may carry, for error context. */
function where(req: Msg): { vm?: string; vcpu?: number } {
  return { vm: req?.vm, vcpu: typeof req?.vcpuId === 'number' ? req.vcpuId : undefined };
}

/** The status for a failure; an ioctl failure is also logged at debug level with its errno. */
function failed(ctx: ServerContext, rpc: string, req: Msg, e: unknown) {
  if (e instanceof KvmError) ctx.log.debug({ rpc, ...where(req), errno: e.errno }, e.message);
  return toServiceError(e, ctx.log, { rpc, ...where(req) });
}

export function unary(ctx: ServerContext, rpc: string, fn: (req: Msg, call: ServerUnaryCall<Msg, Msg>) => Msg | Promise<Msg>): handleUnaryCall<Msg, Msg> {
  return (call: ServerUnaryCall<Msg, Msg>, callback: sendUnaryData<Msg>) => {
    let result: Msg | Promise<Msg>;
    try {
      result = fn(call.request, call);
    } catch (e) {
      callback(failed(ctx, rpc, call.request, e));
      return;
    }
    Promise.resolve(result).then(
      (res) => callback(null, res),
      (e) => callback(failed(ctx, rpc, call.request, e)),
    );
  };
}

/** uint64 fields arrive as decimal strings (proto.ts: longs String). */
export const u64 = (v: string | number | undefined): bigint => BigInt(v ?? 0);
export const bytes = (b: Buffer | Uint8Array | undefined): Uint8Array => (b ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array(0));
