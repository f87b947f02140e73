import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Metadata, status as Status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { ERRNO, KvmError } from '../../../vmcore/errno';
import type { ErrnoName } from '../../../vmcore/errno';
import {
  ERRNO_STATUS,
  ERROR_DOMAIN,
  ERROR_INFO_TYPE_URL,
  KVM_ERRNO_TRAILER,
  STATUS_DETAILS_TRAILER,
  decodeStatusDetails,
  encodeStatus,
  quotaExceeded,
  toServiceError,
} from '../../../server/errno-status';
import { createLogger } from '../../../server/logger';

/** A logger whose JSON lines land in `lines`. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { log, lines };
}

function details(err: ServiceError) {
  const [bin] = err.metadata.get(STATUS_DETAILS_TRAILER);
  assert.ok(Buffer.isBuffer(bin), 'grpc-status-details-bin is a Buffer');
  return decodeStatusDetails(bin as Buffer);
}

/** The errno table from the header comment of kvm.proto: "EINVAL, E2BIG -> INVALID_ARGUMENT". */
function protoTable(): Map<string, string> {
  const src = fs.readFileSync(path.join(__dirname, '../../../proto/kvm/v1/kvm.proto'), 'utf8');
  const start = src.indexOf('The table:');
  const end = src.indexOf('// Numbers.');
  assert.ok(start > 0 && end > start, 'kvm.proto header has the errno table');
  const table = new Map<string, string>();
  const re = /(E[A-Z0-9]+(?:,\s*E[A-Z0-9]+)*)\s*->\s*([A-Z_]+)/g;
  for (const m of src.slice(start, end).matchAll(re)) {
    for (const errno of m[1].split(/,\s*/)) table.set(errno, m[2]);
  }
  return table;
}

const SANE: readonly Status[] = [
  Status.INVALID_ARGUMENT, Status.NOT_FOUND, Status.ALREADY_EXISTS, Status.PERMISSION_DENIED,
  Status.RESOURCE_EXHAUSTED, Status.FAILED_PRECONDITION, Status.ABORTED, Status.OUT_OF_RANGE,
  Status.UNIMPLEMENTED, Status.UNAVAILABLE,
];

test('the table is total: every errno of vmcore/errno.ts maps to a sane client-error code', () => {
  for (const errno of Object.keys(ERRNO) as ErrnoName[]) {
    const code = ERRNO_STATUS[errno];
    assert.ok(code !== undefined, `${errno} has a status`);
    assert.ok(SANE.includes(code), `${errno} -> ${Status[code]} is a sane code (never OK/UNKNOWN/INTERNAL)`);
  }
  assert.equal(Object.keys(ERRNO_STATUS).sort(), Object.keys(ERRNO).sort(), 'no stray rows');
});

test('the table is exactly the one documented in kvm.proto', () => {
  const documented = protoTable();
  assert.ok(documented.size >= 19, `parsed ${documented.size} rows`);
  for (const [errno, codeName] of documented) {
    assert.ok(errno in ERRNO, `${errno} of kvm.proto exists in vmcore/errno.ts`);
    assert.is(Status[ERRNO_STATUS[errno as ErrnoName]], codeName, `${errno}`);
  }
  // The only row the proto does not document (yet): EAGAIN.
  const undocumented = Object.keys(ERRNO).filter((e) => !documented.has(e));
  for (const e of undocumented) assert.is(e, 'EAGAIN');
});

test('a KvmError becomes its status, message, ErrorInfo and kvm-errno trailer', () => {
  const { log, lines } = capture();
  for (const errno of Object.keys(ERRNO) as ErrnoName[]) {
    const err = toServiceError(new KvmError(errno, 'rule fired (§5.1)'), log);
    assert.is(err.code, ERRNO_STATUS[errno], errno);
    assert.is(err.details, `${errno}: rule fired (§5.1)`);
    assert.equal(err.metadata.get(KVM_ERRNO_TRAILER), [errno]);
    const d = details(err);
    assert.is(d.code, ERRNO_STATUS[errno]);
    assert.is(d.message, err.details);
    assert.equal(d.errorInfo, { reason: errno, domain: ERROR_DOMAIN, metadata: { errno: String(ERRNO[errno]) } });
  }
  assert.is(lines.length, 0, 'expected errors are not logged at info');
});

test('EEXIST -> ALREADY_EXISTS, errno 17, as the proto says', () => {
  const { log } = capture();
  const err = toServiceError(new KvmError('EEXIST', 'vCPU id 0 exists'), log);
  assert.is(err.code, Status.ALREADY_EXISTS);
  assert.is(details(err).errorInfo?.metadata.errno, '17');
  assert.is(details(err).errorInfo?.reason, 'EEXIST');
});

test('extra ErrorInfo metadata from the error object (E2BIG carries n)', () => {
  const { log } = capture();
  const e = Object.assign(new KvmError('E2BIG', 'reg list needs 256 entries'), { metadata: { n: 256 } });
  const err = toServiceError(e, log);
  assert.is(err.code, Status.INVALID_ARGUMENT);
  assert.equal(details(err).errorInfo?.metadata, { errno: '7', n: '256' });
  // errno cannot be overridden by extra metadata.
  const f = Object.assign(new KvmError('EINVAL', 'x'), { metadata: { errno: '999' } });
  assert.is(details(toServiceError(f, log)).errorInfo?.metadata.errno, '22');
});

test('quotaExceeded: RESOURCE_EXHAUSTED naming the limit and how to raise it', () => {
  const { log, lines } = capture();
  const q = quotaExceeded('max_vms', 64);
  assert.ok(q instanceof KvmError);
  assert.is(q.errno, 'ENOSPC');
  const err = toServiceError(q, log);
  assert.is(err.code, Status.RESOURCE_EXHAUSTED);
  assert.match(err.details, /max_vms/);
  assert.match(err.details, /64 VMs/);
  assert.match(err.details, /--max-vms/);
  assert.match(err.details, /KVM_MAX_VMS/);
  const d = details(err);
  assert.is(d.errorInfo?.reason, 'ENOSPC');
  assert.equal(d.errorInfo?.metadata, { errno: '28', limit: '64', quota: 'max_vms' });
  assert.equal(err.metadata.get(KVM_ERRNO_TRAILER), ['ENOSPC']);

  const mem = toServiceError(quotaExceeded('max_memory_total', 1n << 30n, 'slot 3 would need 2 GiB'), log);
  assert.is(mem.code, Status.RESOURCE_EXHAUSTED);
  assert.is(details(mem).errorInfo?.reason, 'ENOMEM');
  assert.match(mem.details, /slot 3 would need 2 GiB/);
  assert.is(lines.length, 0);
});

test('a quota on a KvmError of another errno still becomes RESOURCE_EXHAUSTED', () => {
  const { log } = capture();
  const e = Object.assign(new KvmError('EINVAL', 'x'), { quota: 'max_vcpus_per_vm' });
  const err = toServiceError(e, log);
  assert.is(err.code, Status.RESOURCE_EXHAUSTED);
  assert.is(details(err).errorInfo?.metadata.quota, 'max_vcpus_per_vm');
});

test('a plain Error with a quota: RESOURCE_EXHAUSTED with the limit errno', () => {
  const { log, lines } = capture();
  const err = toServiceError(Object.assign(new Error('too many'), { quota: 'max_memory_per_vm' }), log);
  assert.is(err.code, Status.RESOURCE_EXHAUSTED);
  assert.is(details(err).errorInfo?.reason, 'ENOMEM');
  assert.is(lines.length, 0);
});

test('an unknown error: INTERNAL, generic message, logged once with stack and context', () => {
  const { log, lines } = capture();
  const bug = new TypeError('cannot read properties of undefined (secret internals)');
  const err = toServiceError(bug, log, { rpc: 'CreateVcpu', vm: 7n, vcpu: 3 });
  assert.is(err.code, Status.INTERNAL);
  assert.not.match(err.details, /secret/);
  assert.match(err.details, /^internal error \(incident [0-9a-f-]{36}\)$/);
  assert.equal(err.metadata.get(KVM_ERRNO_TRAILER), []);
  assert.is(details(err).code, Status.INTERNAL);
  assert.is(details(err).errorInfo, undefined);
  assert.is(lines.length, 1);
  const line = lines[0] as Record<string, any>;
  assert.is(line.level, 'error');
  assert.is(line.rpc, 'CreateVcpu');
  assert.is(line.vm, '7');
  assert.is(line.vcpu, 3);
  assert.is(line.err.type, 'TypeError');
  assert.match(line.err.stack, /secret internals/);
  assert.ok(err.details.includes(line.incident), 'the incident id links the status to the log');

  // The same error object reported again is not logged again.
  const again = toServiceError(bug, log, { rpc: 'CreateVcpu' });
  assert.is(again.code, Status.INTERNAL);
  assert.is(lines.length, 1);
});

test('non-Error throws and KvmError look-alikes are INTERNAL', () => {
  const { log, lines } = capture();
  assert.is(toServiceError('a string', log).code, Status.INTERNAL);
  assert.is(toServiceError(undefined, log).code, Status.INTERNAL);
  assert.is(toServiceError({ errno: 'EINVAL', message: 'duck' }, log).code, Status.INTERNAL);
  assert.is(lines.length, 3);
  assert.match((lines[0] as any).err.message, /a string/);
});

test('status details round trip: encode -> decode', () => {
  const info = { reason: 'E2BIG', domain: ERROR_DOMAIN, metadata: { errno: '7', n: '1234', 'ünï': 'cödé' } };
  const buf = encodeStatus(Status.INVALID_ARGUMENT, 'E2BIG: too small', info);
  assert.equal(decodeStatusDetails(buf), { code: Status.INVALID_ARGUMENT, message: 'E2BIG: too small', errorInfo: info });
  assert.equal(decodeStatusDetails(encodeStatus(0, '')), { code: 0, message: '' });
  // Long messages need multi-byte length varints.
  const long = 'x'.repeat(70_000);
  assert.is(decodeStatusDetails(encodeStatus(13, long)).message, long);
  assert.throws(() => decodeStatusDetails(buf.subarray(0, buf.length - 3)), /truncated/);
});

test('golden bytes of google.rpc.Status (protoc-compatible encoding)', () => {
  // Status{code: 6, message: "x", details: [Any{type_url, value: ErrorInfo{reason: "EEXIST",
  // domain: "d", metadata: {errno: "17"}}}]}
  const buf = encodeStatus(6, 'x', { reason: 'EEXIST', domain: 'd', metadata: { errno: '17' } });
  const errorInfo = Buffer.concat([
    Buffer.from([0x0a, 6]), Buffer.from('EEXIST'),
    Buffer.from([0x12, 1]), Buffer.from('d'),
    Buffer.from([0x1a, 11, 0x0a, 5]), Buffer.from('errno'), Buffer.from([0x12, 2]), Buffer.from('17'),
  ]);
  const any = Buffer.concat([
    Buffer.from([0x0a, ERROR_INFO_TYPE_URL.length]), Buffer.from(ERROR_INFO_TYPE_URL),
    Buffer.from([0x12, errorInfo.length]), errorInfo,
  ]);
  const expected = Buffer.concat([Buffer.from([0x08, 6, 0x12, 1]), Buffer.from('x'), Buffer.from([0x1a, any.length]), any]);
  assert.is(buf.toString('hex'), expected.toString('hex'));
});

test('decode skips unknown fields and non-ErrorInfo details', () => {
  const other = Buffer.concat([Buffer.from([0x0a, 3]), Buffer.from('t/x'), Buffer.from([0x12, 0])]);
  const buf = Buffer.concat([
    Buffer.from([0x08, 5]),
    Buffer.from([0x1a, other.length]), other,
    Buffer.from([0x25, 1, 2, 3, 4]), // field 4, fixed32
    Buffer.from([0x29, 1, 2, 3, 4, 5, 6, 7, 8]), // field 5, fixed64
    encodeStatus(0, 'later', { reason: 'EIO', domain: 'x', metadata: {} }),
  ]);
  const d = decodeStatusDetails(buf);
  assert.is(d.code, 5);
  assert.is(d.message, 'later');
  assert.is(d.errorInfo?.reason, 'EIO');
});

test('the ServiceError is what grpc-js expects (Error with code, details, Metadata)', () => {
  const { log } = capture();
  const err = toServiceError(new KvmError('ENOENT', 'no such register'), log);
  assert.ok(err instanceof Error);
  assert.ok(err.metadata instanceof Metadata);
  assert.is(typeof err.code, 'number');
});

test.run();
