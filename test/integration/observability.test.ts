/**
 * What operators and tools see: grpc.health.v1 for the server and each kvm.v1 service, server
 * reflection (the ServerReflectionInfo protocol as grpcurl speaks it), the Prometheus /metrics
 * endpoint (gRPC, VM and process metrics for calls really made), and the error details a failing
 * call carries (ErrorInfo in grpc-status-details-bin and the kvm-errno trailer).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { startTestServer, rejectsWith, TestServer, GUEST_RAM, USERSPACE } from './harness';
import { decodeStatusDetails } from '../../proto/status-details';

const KVM_SERVICES = ['kvm.v1.SystemService', 'kvm.v1.VmService', 'kvm.v1.VcpuService', 'kvm.v1.DeviceService'];
const LOADER = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

let t: TestServer;
test.before(async () => {
  t = await startTestServer();
});
test.after(async () => {
  await t.stop();
});

async function scrape(): Promise<string> {
  const r = await fetch(t.metricsUrl);
  assert.is(r.status, 200);
  assert.ok((r.headers.get('content-type') ?? '').startsWith('text/plain'), 'Prometheus text format');
  return r.text();
}

/** The value of the sample with exactly these labels (any order), or 0 if absent. */
function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const ls = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.keys(ls).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => ls[k] === v)) return Number(m[3]);
  }
  return 0;
}
const has = (text: string, name: string): boolean => new RegExp(`^${name}(\\{| )`, 'm').test(text);

type HealthClient = grpc.Client & { check(req: { service: string }, cb: (e: grpc.ServiceError | null, r: { status: string }) => void): void };

function healthClient(): HealthClient {
  const def = protoLoader.loadSync(healthProtoPath, LOADER);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const Health = (grpc.loadPackageDefinition(def) as any).grpc.health.v1.Health as grpc.ServiceClientConstructor;
  return new Health(t.address, grpc.credentials.createInsecure()) as unknown as HealthClient;
}

test('grpc.health.v1 Check: SERVING for "" and every kvm.v1 service, NOT_FOUND for an unknown one', async () => {
  const h = healthClient();
  const check = (service: string): Promise<string> =>
    new Promise((resolve, reject) => h.check({ service }, (e, r) => (e ? reject(e) : resolve(r.status))));
  try {
    for (const s of ['', ...KVM_SERVICES]) assert.is(await check(s), 'SERVING', `service "${s}"`);
    const e = await check('kvm.v1.NoSuchService').then(() => undefined, (x: grpc.ServiceError) => x);
    assert.is(e?.code, grpc.status.NOT_FOUND);
  } finally {
    h.close();
  }
});

/** One ServerReflectionInfo exchange (v1 or v1alpha): sends `req`, returns the first response. */
async function reflect(version: 'v1' | 'v1alpha', req: Record<string, unknown>): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const dir = path.join(path.dirname(require.resolve('@grpc/reflection/package.json')), 'build', 'proto');
  const def = protoLoader.loadSync(`grpc/reflection/${version}/reflection.proto`, { ...LOADER, includeDirs: [dir] });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const Svc = (grpc.loadPackageDefinition(def) as any).grpc.reflection[version].ServerReflection as grpc.ServiceClientConstructor;
  const client = new Svc(t.address, grpc.credentials.createInsecure()) as unknown as grpc.Client & { ServerReflectionInfo(): grpc.ClientDuplexStream<unknown, Record<string, unknown>> };
  try {
    return await new Promise((resolve, reject) => {
      const call = client.ServerReflectionInfo();
      call.on('data', (r) => {
        resolve(r);
        call.end();
      });
      call.on('error', reject);
      call.write({ host: '', ...req });
    });
  } finally {
    client.close();
  }
}

test('reflection lists the kvm.v1 services and serves the kvm.v1 descriptors', async () => {
  for (const version of ['v1', 'v1alpha'] as const) {
    const r = await reflect(version, { list_services: '' });
    const names: string[] = r.list_services_response.service.map((s: { name: string }) => s.name);
    for (const s of [...KVM_SERVICES, 'grpc.health.v1.Health']) assert.ok(names.includes(s), `${version} lists ${s}: ${names}`);
  }
  const r = await reflect('v1', { file_containing_symbol: 'kvm.v1.VcpuService' });
  const files: Buffer[] = r.file_descriptor_response.file_descriptor_proto;
  assert.ok(files.length >= 1);
  const all = Buffer.concat(files).toString('latin1');
  // @grpc/reflection names the synthesized file after the package (kvm_v1.proto).
  assert.ok(all.includes('kvm.v1') && all.includes('VcpuService') && all.includes('RunRequest') && all.includes('ExitReason'), 'the descriptor of kvm.proto');
  const missing = await reflect('v1', { file_containing_symbol: 'kvm.v1.Nope' });
  assert.is(missing.error_response.error_code, grpc.status.NOT_FOUND);
});

test('/metrics: gRPC started/handled by code, handling time, messages and kvm_errno_total for the calls made', async () => {
  const before = await scrape();
  const sys = (method: string, extra: Record<string, string> = {}) => ({ grpc_service: 'kvm.v1.SystemService', grpc_method: method, grpc_type: 'unary', ...extra });
  await t.client.apiVersion();
  await t.client.apiVersion();
  await rejectsWith(t.client.checkExtension(131), 'EINVAL');
  await rejectsWith(t.client.destroyVm(987654n), 'EBADF');
  const vm = await t.client.createVm();
  await vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: GUEST_RAM, memorySize: 0x300000n, userspaceAddr: USERSPACE });
  await vm.writeMemory(GUEST_RAM, new Uint8Array(0x280000));
  await vm.readMemory(GUEST_RAM, 0x280000);
  await t.client.destroyVm(vm.handle);
  const after = await scrape();
  const d = (name: string, labels: Record<string, string>): number => metric(after, name, labels) - metric(before, name, labels);

  assert.is(d('grpc_server_started_total', sys('GetApiVersion')), 2);
  assert.is(d('grpc_server_handled_total', sys('GetApiVersion', { grpc_code: 'OK' })), 2);
  assert.is(d('grpc_server_handling_seconds_count', sys('GetApiVersion')), 2);
  assert.is(d('grpc_server_started_total', sys('CheckExtension')), 1);
  assert.is(d('grpc_server_handled_total', sys('CheckExtension', { grpc_code: 'INVALID_ARGUMENT' })), 1);
  assert.is(d('grpc_server_handled_total', sys('CheckExtension', { grpc_code: 'OK' })), 0);
  assert.is(d('grpc_server_handled_total', sys('DestroyVm', { grpc_code: 'NOT_FOUND' })), 1);
  assert.is(d('grpc_server_handled_total', sys('DestroyVm', { grpc_code: 'OK' })), 1);
  assert.is(d('kvm_errno_total', { errno: 'EINVAL', grpc_service: 'kvm.v1.SystemService', grpc_method: 'CheckExtension' }), 1);
  assert.is(d('kvm_errno_total', { errno: 'EBADF', grpc_service: 'kvm.v1.SystemService', grpc_method: 'DestroyVm' }), 1);
  // Streams: 3 chunks in one client-stream call, 3 chunks out of one server-stream call.
  const vmSvc = (method: string, type: string) => ({ grpc_service: 'kvm.v1.VmService', grpc_method: method, grpc_type: type });
  assert.is(d('grpc_server_started_total', vmSvc('WriteGuestMemory', 'client_stream')), 1);
  assert.is(d('grpc_server_msg_received_total', vmSvc('WriteGuestMemory', 'client_stream')), 3);
  assert.is(d('grpc_server_handled_total', { ...vmSvc('WriteGuestMemory', 'client_stream'), grpc_code: 'OK' }), 1);
  assert.is(d('grpc_server_started_total', vmSvc('ReadGuestMemory', 'server_stream')), 1);
  assert.is(d('grpc_server_msg_sent_total', vmSvc('ReadGuestMemory', 'server_stream')), 3);
  // Methods never called exist at 0 (InitializeMetrics).
  assert.ok(new RegExp('^grpc_server_started_total\\{[^}]*grpc_method="ArmVcpuFinalize"[^}]*\\} 0$', 'm').test(after));
  // The grpc_code label carries status names.
  assert.ok(/grpc_code="INVALID_ARGUMENT"/.test(after));
});

test('/metrics: kvm_vms, kvm_vcpus and kvm_guest_memory_bytes match what exists', async () => {
  const gauges = async (): Promise<[number, number, number]> => {
    const m = await scrape();
    return [metric(m, 'kvm_vms'), metric(m, 'kvm_vcpus'), metric(m, 'kvm_guest_memory_bytes')];
  };
  const truth = async (): Promise<[number, number, number]> => {
    const vms = await t.client.listVms();
    return [vms.length, vms.reduce((n, v) => n + v.vcpuCount, 0), Number(vms.reduce((n, v) => n + v.memoryBytes, 0n))];
  };
  assert.equal(await gauges(), [0, 0, 0]);
  const vm1 = await t.client.createVm();
  const vm2 = await t.client.createVm();
  await vm1.createVcpu(0);
  await vm1.createVcpu(1);
  await vm2.createVcpu(5);
  await rejectsWith(vm2.createVcpu(5), 'EEXIST'); // a failed create counts nothing
  await vm1.setUserMemoryRegion({ slot: 0, guestPhysAddr: GUEST_RAM, memorySize: 0x10000n, userspaceAddr: USERSPACE });
  await vm2.setUserMemoryRegion({ slot: 0, guestPhysAddr: GUEST_RAM, memorySize: 0x20000n, userspaceAddr: USERSPACE });
  await vm2.setUserMemoryRegion({ slot: 1, guestPhysAddr: 0x80000000n, memorySize: 0x1000n, userspaceAddr: USERSPACE + 0x1000000n });
  assert.equal(await truth(), [2, 3, 0x31000]);
  assert.equal(await gauges(), [2, 3, 0x31000]);
  await vm2.setUserMemoryRegion({ slot: 1, guestPhysAddr: 0x80000000n, memorySize: 0n, userspaceAddr: USERSPACE + 0x1000000n });
  assert.equal(await gauges(), [2, 3, 0x30000]);
  await t.client.destroyVm(vm1.handle);
  assert.equal(await truth(), [1, 1, 0x20000]);
  assert.equal(await gauges(), [1, 1, 0x20000]);
  await t.client.destroyVm(vm2.handle);
  assert.equal(await gauges(), [0, 0, 0]);
});

test('/metrics: process metrics, including the event-loop lag; other paths 404, other methods 405', async () => {
  const m = await scrape();
  for (const name of ['nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_p99_seconds', 'process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes']) {
    assert.ok(has(m, name), `${name} is exported`);
  }
  const lag = metric(m, 'nodejs_eventloop_lag_seconds');
  assert.ok(lag >= 0 && lag < 1, `event-loop lag ${lag} s`);
  assert.ok(metric(m, 'process_resident_memory_bytes') > 10e6);
  assert.is((await fetch(t.metricsUrl.replace('/metrics', '/nope'))).status, 404);
  assert.is((await fetch(t.metricsUrl, { method: 'POST' })).status, 405);
});

test('a failing call carries ErrorInfo (reason = errno, errno number) and the kvm-errno trailer', async () => {
  const e = await rejectsWith(t.client.destroyVm(424242n), 'EBADF');
  assert.is(e.code, grpc.status.NOT_FOUND);
  assert.is(e.errnoNumber, 9);

  // Once through raw grpc-js: the trailers as they travel.
  const raw = await new Promise<grpc.ServiceError>((resolve) => {
    (t.client.vmService as unknown as { describeVm(req: unknown, md: grpc.Metadata, o: grpc.CallOptions, cb: (err: grpc.ServiceError | null) => void): void })
      .describeVm({ vm: '424242' }, new grpc.Metadata(), { deadline: Date.now() + 5000 }, (err) => resolve(err as grpc.ServiceError));
  });
  assert.is(raw.code, grpc.status.NOT_FOUND);
  assert.equal(raw.metadata.get('kvm-errno'), ['EBADF']);
  const bin = raw.metadata.get('grpc-status-details-bin')[0];
  assert.instance(bin, Buffer);
  const details = decodeStatusDetails(bin as Buffer);
  assert.is(details.code, grpc.status.NOT_FOUND);
  assert.is(details.errorInfo?.reason, 'EBADF');
  assert.is(details.errorInfo?.domain, 'kvm.arm64.grpc');
  assert.is(details.errorInfo?.metadata.errno, '9');

  // Extra facts travel in ErrorInfo.metadata: KVM_GET_REG_LIST's E2BIG carries the count.
  const vm = await t.client.createVm();
  const v = await vm.createVcpu(0);
  await v.init();
  const n = (await v.regList()).length;
  const e2 = await rejectsWith(v.regList(1n), 'E2BIG');
  assert.is(e2.code, grpc.status.INVALID_ARGUMENT);
  assert.is(e2.info.n, String(n));
  await t.client.destroyVm(vm.handle);
});

test.run();
