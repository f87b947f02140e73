import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { METRICS, createMetrics } from '../../../server/metrics';
import { KVM_EXIT } from '../../../vmcore/kvm-constants';

test('names follow <prefix>_<thing>_<unit>: counters _total, histograms _seconds/_bytes', () => {
  for (const [name, spec] of Object.entries(METRICS)) {
    assert.match(name, /^(grpc_server|kvm)_[a-z_]+$/, name);
    if (spec.type === 'counter') assert.match(name, /_total$/, name);
    else assert.not.match(name, /_total$/, name);
    if (spec.type === 'histogram') assert.match(name, /_(seconds|bytes)$/, name);
    if (/_(seconds|bytes)$/.test(name)) assert.ok(spec.type !== 'counter', name);
  }
});

test('every declared metric is registered, plus default process metrics with event-loop lag', async () => {
  const m = createMetrics();
  const names = (await m.registry.getMetricsAsJSON()).map((x) => x.name);
  for (const name of Object.keys(METRICS)) assert.ok(names.includes(name), name);
  assert.ok(names.includes('nodejs_eventloop_lag_seconds'), 'event-loop lag');
  assert.ok(names.includes('process_resident_memory_bytes') || names.includes('process_cpu_seconds_total'));
  const bare = createMetrics({ defaultMetrics: false });
  assert.not.ok((await bare.registry.getMetricsAsJSON()).some((x) => x.name.startsWith('nodejs_')));
});

test('registries are independent', async () => {
  const a = createMetrics({ defaultMetrics: false });
  const b = createMetrics({ defaultMetrics: false });
  a.kvm_vms.inc();
  a.kvm_guest_memory_bytes.set(4096);
  assert.is((await a.kvm_vms.get()).values[0].value, 1);
  assert.is((await b.kvm_vms.get()).values[0].value, 0);
  assert.match(await a.registry.metrics(), /kvm_guest_memory_bytes 4096/);
});

test('every KVM_EXIT reason exists at 0; increments by name', async () => {
  const m = createMetrics({ defaultMetrics: false });
  m.kvm_exits_total.inc({ reason: 'KVM_EXIT_MMIO' });
  m.kvm_exits_total.inc({ reason: 'KVM_EXIT_MMIO' });
  m.kvm_run_seconds.observe({ reason: 'KVM_EXIT_MMIO' }, 0.002);
  m.kvm_guest_instructions_total.inc(1_000_000);
  const { values } = await m.kvm_exits_total.get();
  assert.is(values.length, Object.keys(KVM_EXIT).length);
  assert.is(values.find((v) => v.labels.reason === 'KVM_EXIT_MMIO')?.value, 2);
  assert.is(values.find((v) => v.labels.reason === 'KVM_EXIT_INTR')?.value, 0);
  const text = await m.registry.metrics();
  assert.match(text, /kvm_run_seconds_count\{reason="KVM_EXIT_MMIO"\} 1/);
  assert.match(text, /kvm_guest_instructions_total 1000000/);
});

test.run();
