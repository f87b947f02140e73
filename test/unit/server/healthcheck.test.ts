import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as net from 'node:net';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import { KvmHealth } from '../../../server/health';
import {
  checkHealth,
  defaultTarget,
  healthcheckMain,
  HEALTHCHECK_DEADLINE_MS,
  HEALTHCHECK_EXIT,
} from '../../../server/healthcheck';

interface Ctx {
  server: grpc.Server;
  health: KvmHealth;
  port: number;
  target: string;
}
const S = suite<Ctx>('healthcheck', {} as Ctx);

S.before(async (ctx) => {
  ctx.server = new grpc.Server();
  ctx.health = new KvmHealth();
  ctx.health.addToServer(ctx.server);
  ctx.port = await new Promise<number>((resolve, reject) =>
    ctx.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  ctx.target = `127.0.0.1:${ctx.port}`;
});

S.after((ctx) => {
  ctx.server?.forceShutdown();
});

/** Runs healthcheckMain and captures what it prints. */
async function run(argv: string[], env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await healthcheckMain(argv, env, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; } });
  return { code, stdout, stderr };
}

/** A loopback port nobody listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

S('defaultTarget: wildcard hosts become loopback, everything else is kept', () => {
  assert.is(defaultTarget('0.0.0.0:50051'), '127.0.0.1:50051');
  assert.is(defaultTarget(' 0.0.0.0:7 '), '127.0.0.1:7');
  assert.is(defaultTarget('[::]:50051'), '[::1]:50051');
  assert.is(defaultTarget('[0:0:0:0:0:0:0:0]:50051'), '[::1]:50051');
  assert.is(defaultTarget('[::1]:50051'), '[::1]:50051');
  assert.is(defaultTarget('127.0.0.1:50051'), '127.0.0.1:50051');
  assert.is(defaultTarget('kvm.example:443'), 'kvm.example:443');
  assert.is(defaultTarget('unix:/run/kvm.sock'), 'unix:/run/kvm.sock');
});

S('the deadline is 3 s', () => {
  assert.is(HEALTHCHECK_DEADLINE_MS, 3000);
});

S('NOT_SERVING before setServing: not ok, status reported', async (ctx) => {
  ctx.health.setNotServing();
  const r = await checkHealth(ctx.target);
  assert.is(r.ok, false);
  assert.is(r.status, 'NOT_SERVING');
  assert.match(r.message, /\(whole server\): NOT_SERVING$/);
});

S('SERVING: ok, for the whole server and for each kvm.v1 service', async (ctx) => {
  ctx.health.setServing();
  const r = await checkHealth(ctx.target);
  assert.equal({ ok: r.ok, status: r.status }, { ok: true, status: 'SERVING' });
  for (const s of ['kvm.v1.SystemService', 'kvm.v1.VmService', 'kvm.v1.VcpuService', 'kvm.v1.DeviceService']) {
    const rs = await checkHealth(ctx.target, s);
    assert.is(rs.ok, true, s);
    assert.match(rs.message, `service "${s}": SERVING`);
  }
});

S('one service NOT_SERVING while the server is SERVING', async (ctx) => {
  ctx.health.setServing();
  ctx.health.setStatus('kvm.v1.VcpuService', 'NOT_SERVING');
  assert.is((await checkHealth(ctx.target, 'kvm.v1.VcpuService')).ok, false);
  assert.is((await checkHealth(ctx.target)).ok, true);
  ctx.health.setServing();
});

S('unknown service: not ok, NOT_FOUND, said in words', async (ctx) => {
  const r = await checkHealth(ctx.target, 'kvm.v1.NoSuchService');
  assert.is(r.ok, false);
  assert.is(r.code, grpc.status.NOT_FOUND);
  assert.match(r.message, /does not know this service \(NOT_FOUND/);
});

S('a server without the health service: UNIMPLEMENTED', async () => {
  const bare = new grpc.Server();
  const port = await new Promise<number>((resolve, reject) =>
    bare.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  try {
    const r = await checkHealth(`127.0.0.1:${port}`);
    assert.is(r.ok, false);
    assert.is(r.code, grpc.status.UNIMPLEMENTED);
    assert.match(r.message, /does not implement grpc.health.v1.Health/);
  } finally {
    bare.forceShutdown();
  }
});

S('nobody listening: UNAVAILABLE at once, not after the deadline', async () => {
  const port = await closedPort();
  const t0 = Date.now();
  const r = await checkHealth(`127.0.0.1:${port}`);
  assert.is(r.ok, false);
  assert.is(r.code, grpc.status.UNAVAILABLE);
  assert.match(r.message, /unreachable \(UNAVAILABLE: .*ECONNREFUSED/);
  assert.not.match(r.message, /Resolution note/);
  assert.ok(Date.now() - t0 < HEALTHCHECK_DEADLINE_MS, 'fails before the deadline');
});

S('a peer that accepts TCP but never answers: DEADLINE_EXCEEDED after the deadline', async () => {
  const sockets: net.Socket[] = [];
  const silent = net.createServer((s) => { sockets.push(s); });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as net.AddressInfo;
  try {
    const t0 = Date.now();
    const r = await checkHealth(`127.0.0.1:${port}`, '', 300);
    const elapsed = Date.now() - t0;
    assert.is(r.ok, false);
    assert.is(r.code, grpc.status.DEADLINE_EXCEEDED);
    assert.match(r.message, /no answer within 300 ms/);
    assert.ok(elapsed >= 250 && elapsed < 2000, `took ${elapsed} ms`);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});

S('main: target and service arguments; SERVING on stdout, exit 0', async (ctx) => {
  ctx.health.setServing();
  const r = await run([ctx.target, 'kvm.v1.VmService']);
  assert.is(r.code, HEALTHCHECK_EXIT.SERVING);
  assert.is(r.stdout, `${ctx.target} service "kvm.v1.VmService": SERVING\n`);
  assert.is(r.stderr, '');
});

S('main: NOT_SERVING or unreachable: one line on stderr, exit 1', async (ctx) => {
  ctx.health.setNotServing();
  const r = await run([ctx.target]);
  assert.is(r.code, HEALTHCHECK_EXIT.UNHEALTHY);
  assert.is(r.stdout, '');
  assert.is(r.stderr, `healthcheck: ${ctx.target} (whole server): NOT_SERVING\n`);
  ctx.health.setServing();
  const port = await closedPort();
  const u = await run([`127.0.0.1:${port}`]);
  assert.is(u.code, HEALTHCHECK_EXIT.UNHEALTHY);
  assert.match(u.stderr, /^healthcheck: 127\.0\.0\.1:\d+ \(whole server\): unreachable/);
});

S('main: without a target, checks KVM_GRPC_LISTEN with loopback for 0.0.0.0', async (ctx) => {
  ctx.health.setServing();
  const r = await run([], { KVM_GRPC_LISTEN: `0.0.0.0:${ctx.port}`, KVM_MAX_VMS: 'not a number' });
  assert.is(r.code, HEALTHCHECK_EXIT.SERVING, r.stderr);
  assert.is(r.stdout, `127.0.0.1:${ctx.port} (whole server): SERVING\n`);
  const empty = await run(['', 'kvm.v1.VcpuService'], { KVM_GRPC_LISTEN: `0.0.0.0:${ctx.port}` });
  assert.is(empty.code, HEALTHCHECK_EXIT.SERVING, empty.stderr);
});

S('main: without target or KVM_GRPC_LISTEN, the default 0.0.0.0:50051 becomes 127.0.0.1:50051', async () => {
  // Whatever the outcome on this machine, the line names the default target.
  const r = await run([], {});
  assert.match(r.stdout + r.stderr, /127\.0\.0\.1:50051 \(whole server\)/);
});

S('main: usage errors exit 2; --help exits 0', async () => {
  const bad = await run([], { KVM_GRPC_LISTEN: 'nonsense' });
  assert.is(bad.code, HEALTHCHECK_EXIT.USAGE);
  assert.match(bad.stderr, /invalid value "nonsense" for KVM_GRPC_LISTEN/);
  const opt = await run(['--timeout', '5']);
  assert.is(opt.code, HEALTHCHECK_EXIT.USAGE);
  assert.match(opt.stderr, /unknown option --timeout/);
  const many = await run(['a:1', 'b', 'c']);
  assert.is(many.code, HEALTHCHECK_EXIT.USAGE);
  assert.match(many.stderr, /too many arguments/);
  const help = await run(['--help']);
  assert.is(help.code, 0);
  assert.match(help.stdout, /^Usage: node dist\/server\/healthcheck\.js/);
});

S('as a command: exit status 0 when SERVING, 1 when not', async (ctx) => {
  const script = path.join(__dirname, '..', '..', '..', 'server', 'healthcheck.ts');
  const exec = (args: string[]) =>
    new Promise<{ code: number; out: string }>((resolve) =>
      execFile(process.execPath, ['-r', 'ts-node/register/transpile-only', script, ...args], { timeout: 20_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: stdout + stderr }),
      ),
    );
  ctx.health.setServing();
  const ok = await exec([ctx.target]);
  assert.is(ok.code, 0, ok.out);
  assert.match(ok.out, /SERVING/);
  ctx.health.setNotServing();
  const not = await exec([ctx.target]);
  assert.is(not.code, 1, not.out);
  assert.match(not.out, /NOT_SERVING/);
});

S.run();
