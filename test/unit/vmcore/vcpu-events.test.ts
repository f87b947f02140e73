import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KvmError } from '../../../vmcore/errno';
import { R_EXT_DABT, R_VSE, R_VSESR, RegFile } from '../../../vmcore/cpu/reg-file';
import {
  SERROR_DEFAULT_ISS,
  decodeVcpuEvents,
  encodeVcpuEvents,
  getVcpuEvents,
  setVcpuEvents,
} from '../../../vmcore/vcpu-events';

function throwsErrno(fn: () => unknown, errno: string, message?: RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, KvmError);
    assert.is((e as KvmError).errno, errno, (e as Error).message);
    if (message) assert.match((e as Error).message, message);
    return;
  }
  assert.unreachable(`expected ${errno}`);
}

/** The pending-event words, to show a call changed nothing. */
const pendingWords = (r: RegFile) => [r.u32[R_VSE], r.u32[R_EXT_DABT], r.u32[R_VSESR], r.u32[R_VSESR + 1]];

test('encode: the §13.1 offsets, little-endian, 64 bytes', () => {
  const b = encodeVcpuEvents({
    serror_pending: 1,
    serror_has_esr: 2,
    ext_dabt_pending: 3,
    pad: [4, 5, 6, 7, 8],
    serror_esr: 0x0123456789abcdefn,
    reserved: [0x11223344, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xaabbccdd],
  });
  assert.is(b.length, 64);
  assert.equal(Array.from(b.subarray(0, 8)), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(Array.from(b.subarray(8, 16)), [0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01]);
  assert.equal(Array.from(b.subarray(16, 20)), [0x44, 0x33, 0x22, 0x11]);
  assert.equal(Array.from(b.subarray(60, 64)), [0xdd, 0xcc, 0xbb, 0xaa]);
});

test('decode inverts encode; missing pad/reserved entries are zero', () => {
  const ev = {
    serror_pending: 1,
    serror_has_esr: 1,
    ext_dabt_pending: 0,
    pad: [0, 0, 9, 0, 0],
    serror_esr: 0x1234n,
    reserved: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0xffffffff],
  };
  assert.equal(decodeVcpuEvents(encodeVcpuEvents(ev)), ev);
  const z = decodeVcpuEvents(encodeVcpuEvents({}));
  assert.equal(z.pad, [0, 0, 0, 0, 0]);
  assert.equal(z.reserved, new Array(12).fill(0));
  assert.is(z.serror_esr, 0n);
});

test('decode: EFAULT unless exactly 64 bytes', () => {
  throwsErrno(() => decodeVcpuEvents(new Uint8Array(63)), 'EFAULT');
  throwsErrno(() => decodeVcpuEvents(new Uint8Array(65)), 'EFAULT');
  throwsErrno(() => decodeVcpuEvents(new Uint8Array(0)), 'EFAULT');
});

test('decode reads a view at an offset', () => {
  const big = new Uint8Array(80);
  big.set(encodeVcpuEvents({ serror_pending: 1, serror_esr: 5n }), 16);
  const ev = decodeVcpuEvents(big.subarray(16));
  assert.is(ev.serror_pending, 1);
  assert.is(ev.serror_esr, 5n);
});

// --- GET (§13.2) ----------------------------------------------------------------------------

test('GET on a fresh vCPU: has_esr = 1 (RAS emulated) even with nothing pending, rest zero', () => {
  const ev = decodeVcpuEvents(getVcpuEvents(new RegFile()));
  assert.equal(ev, {
    serror_pending: 0,
    serror_has_esr: 1,
    ext_dabt_pending: 0,
    pad: [0, 0, 0, 0, 0],
    serror_esr: 0n,
    reserved: new Array(12).fill(0),
  });
});

test('GET without RAS: has_esr 0 and no syndrome even when pending', () => {
  const r = new RegFile();
  setVcpuEvents(r, encodeVcpuEvents({ serror_pending: 1 }), false);
  const ev = decodeVcpuEvents(getVcpuEvents(r, false));
  assert.is(ev.serror_pending, 1);
  assert.is(ev.serror_has_esr, 0);
  assert.is(ev.serror_esr, 0n);
});

// --- SET (§13.3) ----------------------------------------------------------------------------

test('SET SError with a syndrome: pending with that ESR, read back by GET', () => {
  const r = new RegFile();
  setVcpuEvents(r, encodeVcpuEvents({ serror_pending: 1, serror_has_esr: 1, serror_esr: 0x1234n }));
  assert.is(r.u32[R_VSE], 1);
  assert.is(r.get64(R_VSESR), 0x1234n);
  const ev = decodeVcpuEvents(getVcpuEvents(r));
  assert.equal([ev.serror_pending, ev.serror_has_esr, ev.serror_esr], [1, 1, 0x1234n]);
});

test('SET SError without a syndrome: the IDS default (ISS bit 24)', () => {
  const r = new RegFile();
  setVcpuEvents(r, encodeVcpuEvents({ serror_pending: 1, serror_esr: 0xffffffffffffffffn }));
  assert.is(SERROR_DEFAULT_ISS, 0x01000000);
  assert.is(r.get64(R_VSESR), 0x01000000n);
  assert.is(decodeVcpuEvents(getVcpuEvents(r)).serror_esr, 0x01000000n);
});

test('SET: any non-zero byte counts as true', () => {
  const r = new RegFile();
  setVcpuEvents(r, encodeVcpuEvents({ serror_pending: 0x80, serror_has_esr: 2, serror_esr: 7n, ext_dabt_pending: 0xff }));
  assert.equal(pendingWords(r), [1, 1, 7, 0]);
});

test('SET: the full ISS (bits 24:0) is accepted, IDS included', () => {
  const r = new RegFile();
  setVcpuEvents(r, encodeVcpuEvents({ serror_pending: 1, serror_has_esr: 1, serror_esr: 0x01ffffffn }));
  assert.is(r.get64(R_VSESR), 0x01ffffffn);
});

test('SET: serror_pending = 0 does not cancel a pending SError', () => {
  const r = new RegFile();
  setVcpuEvents(r, encodeVcpuEvents({ serror_pending: 1, serror_has_esr: 1, serror_esr: 0x42n }));
  setVcpuEvents(r, encodeVcpuEvents({}));
  assert.equal(pendingWords(r), [1, 0, 0x42, 0]);
});

test('SET: serror_pending = 0 ignores has_esr and serror_esr (no EINVAL)', () => {
  const r = new RegFile();
  setVcpuEvents(r, encodeVcpuEvents({ serror_has_esr: 1, serror_esr: 0xffffffffffffffffn }), false);
  assert.equal(pendingWords(r), [0, 0, 0, 0]);
});

test('SET: a second SError replaces the pending syndrome', () => {
  const r = new RegFile();
  setVcpuEvents(r, encodeVcpuEvents({ serror_pending: 1, serror_has_esr: 1, serror_esr: 0x1n }));
  setVcpuEvents(r, encodeVcpuEvents({ serror_pending: 1, serror_has_esr: 1, serror_esr: 0x2n }));
  assert.is(r.get64(R_VSESR), 0x2n);
});

test('SET ext_dabt_pending: sets R_EXT_DABT; GET always reports 0', () => {
  const r = new RegFile();
  setVcpuEvents(r, encodeVcpuEvents({ ext_dabt_pending: 1 }));
  assert.equal(pendingWords(r), [0, 1, 0, 0]);
  assert.is(decodeVcpuEvents(getVcpuEvents(r)).ext_dabt_pending, 0);
});

test('SET ext_dabt_pending together with an SError', () => {
  const r = new RegFile();
  setVcpuEvents(r, encodeVcpuEvents({ ext_dabt_pending: 1, serror_pending: 1 }));
  assert.equal(pendingWords(r), [1, 1, 0x01000000, 0]);
});

test('SET: EFAULT unless 64 bytes; nothing changes', () => {
  const r = new RegFile();
  const good = encodeVcpuEvents({ serror_pending: 1, ext_dabt_pending: 1 });
  throwsErrno(() => setVcpuEvents(r, good.subarray(0, 63)), 'EFAULT');
  const long = new Uint8Array(65);
  long.set(good);
  throwsErrno(() => setVcpuEvents(r, long), 'EFAULT');
  assert.equal(pendingWords(r), [0, 0, 0, 0]);
});

test('SET: EINVAL for any non-zero reserved word', () => {
  for (const i of [0, 5, 11]) {
    const r = new RegFile();
    const reserved = new Array(12).fill(0);
    reserved[i] = 1;
    throwsErrno(() => setVcpuEvents(r, encodeVcpuEvents({ serror_pending: 1, ext_dabt_pending: 1, reserved })), 'EINVAL', /reserved/);
    assert.equal(pendingWords(r), [0, 0, 0, 0]);
  }
});

test('SET: EINVAL for any non-zero pad byte (offsets 3..7)', () => {
  for (const i of [0, 4]) {
    const r = new RegFile();
    const pad = [0, 0, 0, 0, 0];
    pad[i] = 0x80;
    throwsErrno(() => setVcpuEvents(r, encodeVcpuEvents({ serror_pending: 1, ext_dabt_pending: 1, pad })), 'EINVAL', /pad/);
    assert.equal(pendingWords(r), [0, 0, 0, 0]);
  }
});

test('SET: reserved is checked before pad, pad before the SError rules', () => {
  const r = new RegFile();
  const bad = { pad: [1, 0, 0, 0, 0], reserved: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1] };
  throwsErrno(() => setVcpuEvents(r, encodeVcpuEvents(bad)), 'EINVAL', /reserved/);
  // has_esr without RAS and a bad ESR as well: the pad rule fires first.
  const withEsr = { pad: [0, 0, 1, 0, 0], serror_pending: 1, serror_has_esr: 1, serror_esr: 1n << 40n };
  throwsErrno(() => setVcpuEvents(r, encodeVcpuEvents(withEsr), false), 'EINVAL', /pad/);
});

test('SET: EINVAL for has_esr without RAS, before the ESR range rule', () => {
  const r = new RegFile();
  throwsErrno(
    () => setVcpuEvents(r, encodeVcpuEvents({ serror_pending: 1, serror_has_esr: 1, serror_esr: 1n }), false),
    'EINVAL',
    /RAS/,
  );
  throwsErrno(
    () => setVcpuEvents(r, encodeVcpuEvents({ serror_pending: 1, serror_has_esr: 1, serror_esr: 1n << 25n }), false),
    'EINVAL',
    /RAS/,
  );
  assert.equal(pendingWords(r), [0, 0, 0, 0]);
  setVcpuEvents(r, encodeVcpuEvents({ serror_pending: 1 }), false); // no has_esr: fine without RAS
  assert.equal(pendingWords(r), [1, 0, 0x01000000, 0]);
});

test('SET: EINVAL for ESR bits outside ISS 24:0', () => {
  for (const esr of [1n << 25n, 0x02000000n, 0xbf000000n, 1n << 63n]) {
    const r = new RegFile();
    throwsErrno(() => setVcpuEvents(r, encodeVcpuEvents({ serror_pending: 1, serror_has_esr: 1, serror_esr: esr })), 'EINVAL', /ISS/);
    assert.equal(pendingWords(r), [0, 0, 0, 0]);
  }
});

test('SET: a rejected call changes nothing (no data abort injected, pending SError kept)', () => {
  const r = new RegFile();
  setVcpuEvents(r, encodeVcpuEvents({ serror_pending: 1, serror_has_esr: 1, serror_esr: 0x77n }));
  throwsErrno(
    () => setVcpuEvents(r, encodeVcpuEvents({ ext_dabt_pending: 1, serror_pending: 1, serror_has_esr: 1, serror_esr: 1n << 30n })),
    'EINVAL',
  );
  assert.equal(pendingWords(r), [1, 0, 0x77, 0]);
});

test.run();
