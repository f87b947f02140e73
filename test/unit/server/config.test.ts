import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ConfigError, HELP_TEXT, QUOTAS, grpcServerOptions, loadConfig } from '../../../server/config';
import type { Config } from '../../../server/config';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const HOST = { totalmem: 16 * GiB };

function load(argv: string[] = [], env: Record<string, string> = {}): Config {
  return loadConfig(argv, env, HOST);
}

function rejects(argv: string[], env: Record<string, string>, pattern: RegExp): void {
  try {
    load(argv, env);
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.is((e as ConfigError).exitCode, 2);
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable(`accepted ${JSON.stringify(argv)} ${JSON.stringify(env)}`);
}

test('defaults work out of the box', () => {
  assert.equal(load(), {
    help: false,
    listen: '0.0.0.0:50051',
    metricsListen: '0.0.0.0:9464',
    limits: { maxVms: 64, maxVcpusPerVm: 512, maxMemoryPerVmBytes: 4 * GiB, maxMemoryTotalBytes: 12 * GiB },
    grpc: {
      maxReceiveMessageBytes: 8 * MiB,
      maxSendMessageBytes: 8 * MiB,
      keepaliveTimeMs: 60_000,
      keepaliveTimeoutMs: 20_000,
      maxConnectionIdleMs: 300_000,
    },
    runSliceMs: 1000,
    logLevel: 'info',
    shutdownGraceMs: 10_000,
  });
});

test('default total memory is 75% of host RAM', () => {
  assert.is(loadConfig([], {}, { totalmem: 1000 * MiB }).limits.maxMemoryTotalBytes, 750 * MiB);
});

test('flags', () => {
  const c = load([
    '--listen', '127.0.0.1:6000', '--metrics-listen', 'off', '--max-vms', '3', '--max-vcpus-per-vm', '4',
    '--max-memory-per-vm', '512MiB', '--max-memory-total', '1.5G', '--max-receive-message-size', '16MiB',
    '--max-send-message-size', '1048576', '--keepalive-time-ms', '5000', '--keepalive-timeout-ms', '1000',
    '--max-connection-idle-ms=60000', '--run-slice-ms', '50', '--log-level', 'DEBUG', '--shutdown-grace-ms', '0',
  ]);
  assert.is(c.listen, '127.0.0.1:6000');
  assert.is(c.metricsListen, null);
  assert.equal(c.limits, { maxVms: 3, maxVcpusPerVm: 4, maxMemoryPerVmBytes: 512 * MiB, maxMemoryTotalBytes: 1.5 * GiB });
  assert.equal(c.grpc, {
    maxReceiveMessageBytes: 16 * MiB, maxSendMessageBytes: MiB, keepaliveTimeMs: 5000, keepaliveTimeoutMs: 1000,
    maxConnectionIdleMs: 60_000,
  });
  assert.is(c.runSliceMs, 50);
  assert.is(c.logLevel, 'debug');
  assert.is(c.shutdownGraceMs, 0);
});

test('environment variables', () => {
  const c = load([], {
    KVM_GRPC_LISTEN: '[::]:7000',
    KVM_METRICS_LISTEN: '127.0.0.1:0',
    KVM_MAX_VMS: '2',
    KVM_MAX_VCPUS_PER_VM: '8',
    KVM_MAX_MEMORY_PER_VM: '50%',
    KVM_MAX_MEMORY_TOTAL: '10GiB',
    KVM_GRPC_MAX_RECEIVE_MESSAGE_SIZE: '4M',
    KVM_GRPC_MAX_SEND_MESSAGE_SIZE: '2MiB',
    KVM_GRPC_KEEPALIVE_TIME_MS: '10_000',
    KVM_GRPC_KEEPALIVE_TIMEOUT_MS: '3000',
    KVM_GRPC_MAX_CONNECTION_IDLE_MS: '2000',
    KVM_RUN_SLICE_MS: '250',
    KVM_LOG_LEVEL: 'warn',
    KVM_SHUTDOWN_GRACE_MS: '500',
  });
  assert.is(c.listen, '[::]:7000');
  assert.is(c.metricsListen, '127.0.0.1:0');
  assert.equal(c.limits, { maxVms: 2, maxVcpusPerVm: 8, maxMemoryPerVmBytes: 8 * GiB, maxMemoryTotalBytes: 10 * GiB });
  assert.equal(c.grpc, {
    maxReceiveMessageBytes: 4 * MiB, maxSendMessageBytes: 2 * MiB, keepaliveTimeMs: 10_000, keepaliveTimeoutMs: 3000,
    maxConnectionIdleMs: 2000,
  });
  assert.is(c.runSliceMs, 250);
  assert.is(c.logLevel, 'warn');
  assert.is(c.shutdownGraceMs, 500);
});

test('a flag beats the environment; an empty variable means unset', () => {
  const c = load(['--max-vms', '5'], { KVM_MAX_VMS: '9', KVM_RUN_SLICE_MS: '' });
  assert.is(c.limits.maxVms, 5);
  assert.is(c.runSliceMs, 1000);
});

test('unix sockets and IPv6 listen addresses', () => {
  assert.is(load(['--listen', 'unix:/tmp/kvm.sock']).listen, 'unix:/tmp/kvm.sock');
  assert.is(load(['--listen', '[::1]:50051']).listen, '[::1]:50051');
  assert.is(load(['--metrics-listen', 'OFF']).metricsListen, null);
});

test('invalid values: ConfigError naming the source, exit code 2', () => {
  rejects(['--max-vms', 'many'], {}, /--max-vms/);
  rejects(['--max-vms', '0'], {}, /integer in 1\.\./);
  rejects(['--max-vms', '-1'], {}, /--max-vms/);
  rejects(['--max-vms', '1.5'], {}, /--max-vms/);
  rejects([], { KVM_MAX_VMS: 'x' }, /KVM_MAX_VMS/);
  rejects(['--max-vcpus-per-vm', '513'], {}, /1\.\.512/);
  rejects(['--max-memory-per-vm', '4 parsecs'], {}, /--max-memory-per-vm.*size/);
  rejects(['--max-memory-per-vm', '1'], {}, /--max-memory-per-vm/);
  rejects(['--max-memory-total', '150%'], {}, /--max-memory-total/);
  rejects(['--max-receive-message-size', '4GiB'], {}, /--max-receive-message-size/);
  rejects(['--max-send-message-size', '50%'], {}, /--max-send-message-size/);
  rejects(['--listen', 'localhost'], {}, /--listen.*host:port/);
  rejects(['--listen', '0.0.0.0:70000'], {}, /--listen/);
  rejects(['--metrics-listen', 'unix:/tmp/m.sock'], {}, /--metrics-listen/);
  rejects([], { KVM_GRPC_LISTEN: 'off' }, /KVM_GRPC_LISTEN/);
  rejects(['--log-level', 'loud'], {}, /one of fatal, error, warn, info, debug, trace, silent/);
  rejects(['--run-slice-ms', '0'], {}, /--run-slice-ms/);
  rejects(['--keepalive-time-ms', '10'], {}, /--keepalive-time-ms/);
  rejects(['--shutdown-grace-ms', '-5'], {}, /--shutdown-grace-ms/);
});

test('unknown flags, missing values and stray arguments are rejected', () => {
  rejects(['--max-vm', '3'], {}, /--max-vm/);
  rejects(['--max-vms'], {}, /--max-vms/);
  rejects(['serve'], {}, /serve/);
});

test('--help / -h', () => {
  assert.is(load(['--help']).help, true);
  assert.is(load(['-h']).help, true);
  for (const flag of ['--listen', '--metrics-listen', '--max-vms', '--max-vcpus-per-vm', '--max-memory-per-vm',
    '--max-memory-total', '--run-slice-ms', '--log-level', '--shutdown-grace-ms', '--keepalive-time-ms']) {
    assert.ok(HELP_TEXT.includes(flag), flag);
  }
  for (const env of ['KVM_GRPC_LISTEN', 'KVM_METRICS_LISTEN', 'KVM_MAX_VMS', 'KVM_RUN_SLICE_MS', 'KVM_LOG_LEVEL']) {
    assert.ok(HELP_TEXT.includes(env), env);
  }
});

test('every quota names a real flag and variable', () => {
  for (const q of Object.values(QUOTAS)) {
    assert.ok(HELP_TEXT.includes(`${q.flag} `), q.flag);
    assert.ok(HELP_TEXT.includes(`env ${q.env},`), q.env);
  }
});

test('grpcServerOptions maps the config to grpc-js options', () => {
  const opts = grpcServerOptions(load(), { interceptors: [] });
  assert.equal(opts, {
    'grpc.max_receive_message_length': 8 * MiB,
    'grpc.max_send_message_length': 8 * MiB,
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_timeout_ms': 20_000,
    'grpc.max_connection_idle_ms': 300_000,
    interceptors: [],
  });
});

function runMain(args: string[]) {
  const root = path.join(__dirname, '../../..');
  const script = `require(${JSON.stringify(path.join(root, 'test/register.js'))});
    require(${JSON.stringify(path.join(root, 'server/config.ts'))}).loadConfigOrExit(process.argv.slice(1), process.env);
    process.stdout.write('loaded');`;
  return spawnSync(process.execPath, ['-e', script, '--', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
}

test('loadConfigOrExit: exit 2 with a message on bad config, 0 with help text on --help', () => {
  const bad = runMain(['--max-vms', 'lots']);
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /kvm-arm64-grpc: invalid value "lots" for --max-vms/);
  const help = runMain(['--help']);
  assert.is(help.status, 0);
  assert.match(help.stdout, /^Usage: kvm-arm64-grpc/);
  const ok = runMain([]);
  assert.is(ok.status, 0);
  assert.is(ok.stdout, 'loaded');
});

test.run();
