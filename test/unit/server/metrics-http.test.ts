import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMetrics } from '../../../server/metrics';
import { parseHostPort, startMetricsHttp } from '../../../server/metrics-http';

test('parseHostPort', () => {
  assert.equal(parseHostPort('0.0.0.0:9464'), { host: '0.0.0.0', port: 9464 });
  assert.equal(parseHostPort('[::1]:0'), { host: '::1', port: 0 });
  assert.throws(() => parseHostPort('9464'), /host:port/);
  assert.throws(() => parseHostPort('h:99999'), /out of range/);
});

test('port 0 binds a free port; GET/HEAD /metrics, 404 elsewhere, stop closes', async () => {
  const metrics = createMetrics({ defaultMetrics: false });
  metrics.kvm_vcpus.set(3);
  const a = await startMetricsHttp(metrics.registry, '127.0.0.1:0');
  const b = await startMetricsHttp(metrics.registry, '127.0.0.1:0');
  assert.ok(a.port > 0 && b.port > 0 && a.port !== b.port);
  assert.is(a.address, '127.0.0.1');

  const res = await fetch(`http://127.0.0.1:${a.port}/metrics?x=1`);
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-type'), metrics.registry.contentType);
  assert.match(await res.text(), /^kvm_vcpus 3$/m);
  const head = await fetch(`http://127.0.0.1:${a.port}/metrics`, { method: 'HEAD' });
  assert.is(head.status, 200);
  for (const p of ['/', '/metrics/', '/healthz']) {
    const r = await fetch(`http://127.0.0.1:${a.port}${p}`);
    assert.is(r.status, 404, p);
    await r.text();
  }

  await a.stop();
  await b.stop();
  let refused = false;
  await fetch(`http://127.0.0.1:${a.port}/metrics`).catch(() => (refused = true));
  assert.ok(refused, 'closed after stop');
});

test('a port in use rejects', async () => {
  const metrics = createMetrics({ defaultMetrics: false });
  const a = await startMetricsHttp(metrics.registry, '127.0.0.1:0');
  try {
    await startMetricsHttp(metrics.registry, `127.0.0.1:${a.port}`);
    assert.unreachable('bound twice');
  } catch (e) {
    assert.match((e as Error).message, /EADDRINUSE/);
  } finally {
    await a.stop();
  }
});

test.run();
