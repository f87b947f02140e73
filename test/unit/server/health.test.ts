import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { KvmHealth, healthPackageDefinition } from '../../../server/health';
import { addReflection } from '../../../server/reflection';
import { kvmServices } from '../../../server/proto';

interface Ctx {
  server: grpc.Server;
  health: KvmHealth;
  healthClient: any;
  reflectionClient: any;
}
const S = suite<Ctx>('health and reflection', {} as Ctx);

S.before(async (ctx) => {
  ctx.server = new grpc.Server();
  ctx.health = new KvmHealth();
  ctx.health.addToServer(ctx.server);
  addReflection(ctx.server);
  // A kvm service registered with no methods implemented is enough for reflection.
  ctx.server.addService(kvmServices.SystemService, {});
  const port = await new Promise<number>((resolve, reject) =>
    ctx.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  const target = `127.0.0.1:${port}`;
  const healthPkg = grpc.loadPackageDefinition(healthPackageDefinition()) as any;
  ctx.healthClient = new healthPkg.grpc.health.v1.Health(target, grpc.credentials.createInsecure());
  const reflectionProto = path.join(
    path.dirname(require.resolve('@grpc/reflection/package.json')),
    'build/proto/grpc/reflection/v1/reflection.proto',
  );
  const reflectionPkg = grpc.loadPackageDefinition(protoLoader.loadSync(reflectionProto, { keepCase: true, defaults: true, oneofs: true })) as any;
  ctx.reflectionClient = new reflectionPkg.grpc.reflection.v1.ServerReflection(target, grpc.credentials.createInsecure());
});

S.after((ctx) => {
  ctx.healthClient?.close();
  ctx.reflectionClient?.close();
  ctx.server?.forceShutdown();
});

function check(ctx: Ctx, service: string): Promise<{ status?: string; code?: number }> {
  return new Promise((resolve) =>
    ctx.healthClient.Check({ service }, (err: grpc.ServiceError | null, res: { status: string }) =>
      resolve(err ? { code: err.code } : { status: res.status }),
    ),
  );
}

S('NOT_SERVING until setServing; per service and overall; unknown service NOT_FOUND', async (ctx) => {
  assert.equal(await check(ctx, ''), { status: 'NOT_SERVING' });
  ctx.health.setServing();
  assert.equal(await check(ctx, ''), { status: 'SERVING' });
  for (const s of ['kvm.v1.SystemService', 'kvm.v1.VmService', 'kvm.v1.VcpuService', 'kvm.v1.DeviceService']) {
    assert.equal(await check(ctx, s), { status: 'SERVING' }, s);
  }
  assert.equal(await check(ctx, 'kvm.v1.NoSuchService'), { code: grpc.status.NOT_FOUND });
});

S('setNotServing (graceful shutdown) reaches Watch streams at once', async (ctx) => {
  ctx.health.setServing();
  const seen: string[] = [];
  const call = ctx.healthClient.Watch({ service: 'kvm.v1.VcpuService' });
  await new Promise<void>((resolve) => {
    call.on('data', (r: { status: string }) => {
      seen.push(r.status);
      if (seen.length === 1) ctx.health.setNotServing();
      if (seen.length === 2) resolve();
    });
  });
  call.cancel();
  call.on('error', () => undefined);
  assert.equal(seen, ['SERVING', 'NOT_SERVING']);
  assert.equal(await check(ctx, ''), { status: 'NOT_SERVING' });
});

function reflect(ctx: Ctx, request: object): Promise<any> {
  return new Promise((resolve, reject) => {
    const call = ctx.reflectionClient.ServerReflectionInfo();
    call.on('data', (r: unknown) => {
      resolve(r);
      call.end();
    });
    call.on('error', reject);
    call.write(request);
  });
}

S('reflection lists kvm.v1 and health services and serves their descriptors', async (ctx) => {
  const list = await reflect(ctx, { list_services: '' });
  const names = list.list_services_response.service.map((s: { name: string }) => s.name);
  for (const s of ['kvm.v1.SystemService', 'kvm.v1.VmService', 'kvm.v1.VcpuService', 'kvm.v1.DeviceService', 'grpc.health.v1.Health']) {
    assert.ok(names.includes(s), `${s} in ${names.join(', ')}`);
  }
  const file = await reflect(ctx, { file_containing_symbol: 'kvm.v1.VcpuService' });
  const protos: Buffer[] = file.file_descriptor_response.file_descriptor_proto;
  assert.ok(protos.length >= 1);
  // proto-loader re-synthesises one file per package ("kvm_v1.proto"); check its contents.
  const text = protos.map((b) => b.toString('latin1')).join('');
  for (const s of ['kvm.v1', 'VcpuService', 'RunRequest', 'ArmVcpuInit']) assert.ok(text.includes(s), s);
});

S.run();
