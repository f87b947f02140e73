import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LOG_KEYS, createLogger, rpcLogger, vcpuLogger, vmLogger } from '../../../server/logger';

function capture(level: Parameters<typeof createLogger>[0] = 'info') {
  const lines: Record<string, any>[] = [];
  const log = createLogger(level, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { log, lines };
}

test('root logger: JSON lines with label level, ISO time, message', () => {
  const { log, lines } = capture();
  log.info('serving');
  assert.is(lines.length, 1);
  assert.is(lines[0].level, 'info');
  assert.is(lines[0].msg, 'serving');
  assert.is(lines[0].service, 'kvm-arm64-grpc');
  assert.ok(!Number.isNaN(Date.parse(lines[0].time)), 'ISO timestamp');
});

test('the level from config filters', () => {
  const { log, lines } = capture('warn');
  log.info('hidden');
  log.debug('hidden');
  log.warn('shown');
  assert.equal(lines.map((l) => l.msg), ['shown']);
  const silent = capture('silent');
  silent.log.fatal('nothing');
  assert.is(silent.lines.length, 0);
});

test('vm / vcpu / rpc children carry the fixed keys', () => {
  const { log, lines } = capture();
  const vm = vmLogger(log, 18446744073709551615n);
  const vcpu = vcpuLogger(vm, 3);
  rpcLogger(vcpu, 'Run').info({ [LOG_KEYS.errno]: 'EINTR' }, 'run ended');
  vmLogger(log, '42').info('string handle');
  assert.is(lines[0].vm, '18446744073709551615', 'uint64 handle as decimal string');
  assert.is(lines[0].vcpu, 3);
  assert.is(lines[0].rpc, 'Run');
  assert.is(lines[0].errno, 'EINTR');
  assert.is(lines[1].vm, '42');
  assert.equal(LOG_KEYS, { vm: 'vm', vcpu: 'vcpu', rpc: 'rpc', errno: 'errno' });
});

test('errors are serialized with type, message and stack under err', () => {
  const { log, lines } = capture();
  log.error({ err: new RangeError('bad') }, 'failed');
  assert.is(lines[0].err.type, 'RangeError');
  assert.is(lines[0].err.message, 'bad');
  assert.match(lines[0].err.stack, /RangeError: bad/);
});

test.run();
