import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { KvmError } from '../../../vmcore/errno';
import { createMetrics } from '../../../server/metrics';
import type { KvmMetrics } from '../../../server/metrics';
import { metricsInterceptor, initializeGrpcMetrics, splitMethodPath, grpcType } from '../../../server/metrics-interceptor';
import { decodeStatusDetails, quotaExceeded, toServiceError } from '../../../server/errno-status';
import { createLogger } from '../../../server/logger';
import { startMetricsHttp } from '../../../server/metrics-http';
import type { MetricsHttpServer } from '../../../server/metrics-http';
import { PROTO_LOADER_OPTIONS } from '../../../server/proto';

const PROTO = `
syntax = "proto3";
package test.v1;
service Echo {
  rpc Unary(Msg) returns (Msg);
  rpc Collect(stream Msg) returns (Msg);
  rpc Spray(Msg) returns (stream Msg);
  rpc Chat(stream Msg) returns (stream Msg);
}
message Msg { string text = 1; uint32 n = 2; }
`;

interface Msg {
  text: string;
  n: number;
}

interface Ctx {
  server: grpc.Server;
  client: any;
  metrics: KvmMetrics;
  logLines: Record<string, unknown>[];
  http: MetricsHttpServer;
  tmp: string;
}

const S = suite<Ctx>('metrics interceptor', {} as Ctx);

S.before(async (ctx) => {
  ctx.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kvm-metrics-test-'));
  fs.writeFileSync(path.join(ctx.tmp, 'echo.proto'), PROTO);
  const pkgDef = protoLoader.loadSync('echo.proto', { ...PROTO_LOADER_OPTIONS, includeDirs: [ctx.tmp] });
  const pkg = grpc.loadPackageDefinition(pkgDef) as any;
  const service = pkg.test.v1.Echo.service as grpc.ServiceDefinition;

  ctx.logLines = [];
  const log = createLogger('info', { write: (s: string) => void ctx.logLines.push(JSON.parse(s)) });
  ctx.metrics = createMetrics({ defaultMetrics: false });
  ctx.server = new grpc.Server({ interceptors: [metricsInterceptor(ctx.metrics)] });
  initializeGrpcMetrics(ctx.metrics, service);

  ctx.server.addService(service, {
    Unary: (call: grpc.ServerUnaryCall<Msg, Msg>, cb: grpc.sendUnaryData<Msg>) => {
      const { text } = call.request;
      if (text === 'eexist') return cb(toServiceError(new KvmError('EEXIST', 'vCPU 0 exists'), log));
      if (text === 'e2big') {
        return cb(toServiceError(Object.assign(new KvmError('E2BIG', 'too small'), { metadata: { n: '96' } }), log));
      }
      if (text === 'quota') return cb(toServiceError(quotaExceeded('max_vms', 64), log));
      if (text === 'bug') return cb(toServiceError(new Error('boom'), log, { rpc: 'Unary' }));
      if (text === 'hang') return; // never answers: ends by cancellation or deadline
      cb(null, { text, n: call.request.n + 1 });
    },
    Collect: (call: grpc.ServerReadableStream<Msg, Msg>, cb: grpc.sendUnaryData<Msg>) => {
      let n = 0;
      call.on('data', () => n++);
      call.on('end', () => cb(null, { text: 'collected', n }));
    },
    Spray: (call: grpc.ServerWritableStream<Msg, Msg>) => {
      for (let i = 0; i < call.request.n; i++) call.write({ text: 'drop', n: i });
      if (call.request.text === 'fail') {
        call.emit('error', toServiceError(new KvmError('EFAULT', 'address in no slot'), log));
        return;
      }
      call.end();
    },
    Chat: (call: grpc.ServerDuplexStream<Msg, Msg>) => {
      call.on('data', (m: Msg) => call.write(m));
      call.on('end', () => call.end());
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    ctx.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  ctx.client = new pkg.test.v1.Echo(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  ctx.http = await startMetricsHttp(ctx.metrics.registry, '127.0.0.1:0');
});

S.after(async (ctx) => {
  ctx.client?.close();
  ctx.server?.forceShutdown();
  await ctx.http?.stop();
  fs.rmSync(ctx.tmp, { recursive: true, force: true });
});

async function value(metric: { get(): Promise<{ values: { labels: Record<string, unknown>; value: number; metricName?: string }[] }> }, labels: Record<string, string>, metricName?: string): Promise<number> {
  const { values } = await metric.get();
  const hit = values.find(
    (v) => (metricName === undefined || v.metricName === metricName) && Object.entries(labels).every(([k, x]) => v.labels[k] === x) &&
      Object.keys(v.labels).filter((k) => k !== 'le').length === Object.keys(labels).length,
  );
  return hit?.value ?? 0;
}

/** Server-side completion (onCancel) lands a little after the client sees the status. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.unreachable(`timed out waiting for ${what}`);
}

function unary(ctx: Ctx, text: string, options: grpc.CallOptions = {}): Promise<{ err: grpc.ServiceError | null; res?: Msg }> {
  return new Promise((resolve) => {
    ctx.client.Unary({ text, n: 1 }, new grpc.Metadata(), options, (err: grpc.ServiceError | null, res?: Msg) =>
      resolve({ err, res }),
    );
  });
}

const U = { grpc_service: 'test.v1.Echo', grpc_method: 'Unary', grpc_type: 'unary' };

S('helpers: method path and grpc_type', () => {
  assert.equal(splitMethodPath('/kvm.v1.SystemService/CreateVm'), { service: 'kvm.v1.SystemService', method: 'CreateVm' });
  assert.is(grpcType({ requestStream: false, responseStream: false }), 'unary');
  assert.is(grpcType({ requestStream: true, responseStream: false }), 'client_stream');
  assert.is(grpcType({ requestStream: false, responseStream: true }), 'server_stream');
  assert.is(grpcType({ requestStream: true, responseStream: true }), 'bidi_stream');
});

S('initialised series exist at 0 before any call', async (ctx) => {
  const { values } = await ctx.metrics.grpc_server_started_total.get();
  const methods = values.map((v) => `${v.labels.grpc_method}/${v.labels.grpc_type}=${v.value}`).sort();
  assert.equal(methods, ['Chat/bidi_stream=0', 'Collect/client_stream=0', 'Spray/server_stream=0', 'Unary/unary=0']);
});

S('unary OK and errno failures: started, handled by code, kvm_errno_total, trailers', async (ctx) => {
  const ok1 = await unary(ctx, 'hi');
  assert.is(ok1.err, null);
  assert.equal(ok1.res, { text: 'hi', n: 2 });
  await unary(ctx, 'again');

  const { err } = await unary(ctx, 'eexist');
  assert.is(err?.code, grpc.status.ALREADY_EXISTS);
  assert.is(err?.details, 'EEXIST: vCPU 0 exists');
  // Over the wire: kvm-errno trailer and google.rpc.Status details.
  assert.equal(err?.metadata.get('kvm-errno'), ['EEXIST']);
  const d = decodeStatusDetails(err!.metadata.get('grpc-status-details-bin')[0] as Buffer);
  assert.is(d.code, grpc.status.ALREADY_EXISTS);
  assert.equal(d.errorInfo, { reason: 'EEXIST', domain: 'kvm.arm64.grpc', metadata: { errno: '17' } });

  const big = await unary(ctx, 'e2big');
  assert.is(big.err?.code, grpc.status.INVALID_ARGUMENT);
  const bd = decodeStatusDetails(big.err!.metadata.get('grpc-status-details-bin')[0] as Buffer);
  assert.equal(bd.errorInfo?.metadata, { errno: '7', n: '96' });

  const m = ctx.metrics;
  assert.is(await value(m.grpc_server_started_total, U), 4);
  assert.is(await value(m.grpc_server_handled_total, { ...U, grpc_code: 'OK' }), 2);
  assert.is(await value(m.grpc_server_handled_total, { ...U, grpc_code: 'ALREADY_EXISTS' }), 1);
  assert.is(await value(m.grpc_server_handled_total, { ...U, grpc_code: 'INVALID_ARGUMENT' }), 1);
  assert.is(await value(m.kvm_errno_total, { errno: 'EEXIST', grpc_service: 'test.v1.Echo', grpc_method: 'Unary' }), 1);
  assert.is(await value(m.kvm_errno_total, { errno: 'E2BIG', grpc_service: 'test.v1.Echo', grpc_method: 'Unary' }), 1);
  assert.is(await value(m.grpc_server_handling_seconds, U, 'grpc_server_handling_seconds_count'), 4);
  assert.is(await value(m.grpc_server_msg_received_total, U), 4);
  assert.is(await value(m.grpc_server_msg_sent_total, U), 2);
});

S('quota and internal errors', async (ctx) => {
  const q = await unary(ctx, 'quota');
  assert.is(q.err?.code, grpc.status.RESOURCE_EXHAUSTED);
  assert.match(q.err!.details, /max_vms/);
  const bug = await unary(ctx, 'bug');
  assert.is(bug.err?.code, grpc.status.INTERNAL);
  assert.not.match(bug.err!.details, /boom/);
  const m = ctx.metrics;
  assert.is(await value(m.grpc_server_handled_total, { ...U, grpc_code: 'RESOURCE_EXHAUSTED' }), 1);
  assert.is(await value(m.grpc_server_handled_total, { ...U, grpc_code: 'INTERNAL' }), 1);
  assert.is(await value(m.kvm_quota_exceeded_total, { quota: 'max_vms' }), 1);
  assert.is(await value(m.kvm_errno_total, { errno: 'ENOSPC', grpc_service: 'test.v1.Echo', grpc_method: 'Unary' }), 1);
  const errors = ctx.logLines.filter((l) => l.level === 'error');
  assert.is(errors.length, 1, 'the bug is logged once');
  assert.is(errors[0].rpc, 'Unary');
});

S('client cancellation counts CANCELLED, a passed deadline DEADLINE_EXCEEDED', async (ctx) => {
  const call = ctx.client.Unary({ text: 'hang', n: 0 }, (err: grpc.ServiceError | null) => {
    assert.is(err?.code, grpc.status.CANCELLED);
  });
  await new Promise((r) => setTimeout(r, 50));
  call.cancel();
  const m = ctx.metrics;
  await eventually(async () => (await value(m.grpc_server_handled_total, { ...U, grpc_code: 'CANCELLED' })) === 1, 'CANCELLED');

  const { err } = await unary(ctx, 'hang', { deadline: Date.now() + 50 });
  assert.is(err?.code, grpc.status.DEADLINE_EXCEEDED);
  await eventually(
    async () => (await value(m.grpc_server_handled_total, { ...U, grpc_code: 'DEADLINE_EXCEEDED' })) === 1,
    'DEADLINE_EXCEEDED',
  );
  assert.is(await value(m.grpc_server_handled_total, { ...U, grpc_code: 'CANCELLED' }), 1, 'not double-counted');
});

S('client stream', async (ctx) => {
  const res = await new Promise<Msg>((resolve, reject) => {
    const call = ctx.client.Collect((err: grpc.ServiceError | null, r: Msg) => (err ? reject(err) : resolve(r)));
    for (let i = 0; i < 3; i++) call.write({ text: 'x', n: i });
    call.end();
  });
  assert.is(res.n, 3);
  const L = { grpc_service: 'test.v1.Echo', grpc_method: 'Collect', grpc_type: 'client_stream' };
  const m = ctx.metrics;
  assert.is(await value(m.grpc_server_started_total, L), 1);
  assert.is(await value(m.grpc_server_handled_total, { ...L, grpc_code: 'OK' }), 1);
  assert.is(await value(m.grpc_server_msg_received_total, L), 3);
  assert.is(await value(m.grpc_server_msg_sent_total, L), 1);
});

S('server stream, OK and failing with an errno', async (ctx) => {
  const collect = (text: string, n: number) =>
    new Promise<{ got: number; err: grpc.ServiceError | null }>((resolve) => {
      let got = 0;
      const call = ctx.client.Spray({ text, n });
      call.on('data', () => got++);
      call.on('error', (err: grpc.ServiceError) => resolve({ got, err }));
      call.on('end', () => resolve({ got, err: null }));
    });
  assert.equal(await collect('ok', 4), { got: 4, err: null });
  const failed = await collect('fail', 2);
  assert.is(failed.err?.code, grpc.status.OUT_OF_RANGE);
  assert.equal(failed.err?.metadata.get('kvm-errno'), ['EFAULT']);

  const L = { grpc_service: 'test.v1.Echo', grpc_method: 'Spray', grpc_type: 'server_stream' };
  const m = ctx.metrics;
  assert.is(await value(m.grpc_server_started_total, L), 2);
  assert.is(await value(m.grpc_server_handled_total, { ...L, grpc_code: 'OK' }), 1);
  assert.is(await value(m.grpc_server_handled_total, { ...L, grpc_code: 'OUT_OF_RANGE' }), 1);
  assert.is(await value(m.grpc_server_msg_sent_total, L), 6);
  assert.is(await value(m.kvm_errno_total, { errno: 'EFAULT', grpc_service: 'test.v1.Echo', grpc_method: 'Spray' }), 1);
});

S('bidi stream', async (ctx) => {
  const got = await new Promise<number>((resolve, reject) => {
    let n = 0;
    const call = ctx.client.Chat();
    call.on('data', () => n++);
    call.on('error', reject);
    call.on('end', () => resolve(n));
    call.write({ text: 'a', n: 1 });
    call.write({ text: 'b', n: 2 });
    call.end();
  });
  assert.is(got, 2);
  const L = { grpc_service: 'test.v1.Echo', grpc_method: 'Chat', grpc_type: 'bidi_stream' };
  const m = ctx.metrics;
  assert.is(await value(m.grpc_server_started_total, L), 1);
  assert.is(await value(m.grpc_server_handled_total, { ...L, grpc_code: 'OK' }), 1);
  assert.is(await value(m.grpc_server_msg_received_total, L), 2);
  assert.is(await value(m.grpc_server_msg_sent_total, L), 2);
});

S('GET /metrics serves those series as Prometheus text', async (ctx) => {
  const res = await fetch(`http://127.0.0.1:${ctx.http.port}/metrics`);
  assert.is(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.match(text, '# TYPE grpc_server_handled_total counter');
  assert.match(text, 'grpc_server_started_total{grpc_service="test.v1.Echo",grpc_method="Unary",grpc_type="unary"}');
  assert.match(text, /grpc_server_handled_total\{grpc_service="test\.v1\.Echo",grpc_method="Unary",grpc_type="unary",grpc_code="ALREADY_EXISTS"\} 1/);
  assert.match(text, /kvm_errno_total\{errno="EEXIST",grpc_service="test\.v1\.Echo",grpc_method="Unary"\} 1/);
  assert.match(text, /grpc_server_handling_seconds_bucket\{le="\+Inf",grpc_service="test\.v1\.Echo",grpc_method="Unary",grpc_type="unary"\}/);
  assert.match(text, /kvm_exits_total\{reason="KVM_EXIT_MMIO"\} 0/);

  const notFound = await fetch(`http://127.0.0.1:${ctx.http.port}/`);
  assert.is(notFound.status, 404);
  await notFound.text();
  const post = await fetch(`http://127.0.0.1:${ctx.http.port}/metrics`, { method: 'POST' });
  assert.is(post.status, 405);
  await post.text();
});

S.run();
