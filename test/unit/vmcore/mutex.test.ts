/**
 * The per-vCPU lock (the counterpart of vcpu->mutex): FIFO, released on exceptions, `locked`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Mutex } from '../../../vmcore/mutex';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('callers run one at a time, in the order they asked, whatever their durations', async () => {
  const m = new Mutex();
  const log: string[] = [];
  let inside = 0;
  const job = (name: string, ms: number) => m.with(async () => {
    inside++;
    assert.is(inside, 1, `${name}: alone inside`);
    log.push(`${name}+`);
    await sleep(ms);
    log.push(`${name}-`);
    inside--;
    return name;
  });
  const results = await Promise.all([job('a', 30), job('b', 1), job('c', 15), job('d', 0)]);
  assert.equal(results, ['a', 'b', 'c', 'd']);
  assert.equal(log, ['a+', 'a-', 'b+', 'b-', 'c+', 'c-', 'd+', 'd-']);
});

test('FIFO also for callers that arrive while the lock is held', async () => {
  const m = new Mutex();
  const log: number[] = [];
  const first = m.with(async () => {
    await sleep(10);
    log.push(0);
  });
  await sleep(2);
  const later = [1, 2, 3].map((n) => m.with(() => {
    log.push(n);
  }));
  await Promise.all([first, ...later]);
  assert.equal(log, [0, 1, 2, 3]);
});

test('locked: false when idle, true inside, false after; the value of fn is returned', async () => {
  const m = new Mutex();
  assert.is(m.locked, false);
  const r = await m.with(() => {
    assert.is(m.locked, true);
    return 42;
  });
  assert.is(r, 42);
  assert.is(m.locked, false);
  const p = m.with(async () => {
    await sleep(5);
    return 'x';
  });
  await sleep(1);
  assert.is(m.locked, true, 'held while an async fn is pending');
  assert.is(await p, 'x');
  assert.is(m.locked, false);
});

test('an exception (sync throw or rejection) reaches the caller and releases the lock', async () => {
  const m = new Mutex();
  const log: string[] = [];
  const a = m.with(() => {
    log.push('a');
    throw new Error('boom');
  });
  const b = m.with(async () => {
    log.push('b');
    await sleep(1);
    throw new Error('bang');
  });
  const c = m.with(() => {
    log.push('c');
    return 'ok';
  });
  let err = '';
  await a.catch((e: Error) => (err = e.message));
  assert.is(err, 'boom');
  await b.catch((e: Error) => (err = e.message));
  assert.is(err, 'bang');
  assert.is(await c, 'ok');
  assert.equal(log, ['a', 'b', 'c']);
  assert.is(m.locked, false);
});

test('two mutexes do not wait for each other', async () => {
  const m1 = new Mutex();
  const m2 = new Mutex();
  const log: string[] = [];
  const slow = m1.with(async () => {
    await sleep(20);
    log.push('m1');
  });
  await m2.with(() => {
    log.push('m2');
  });
  await slow;
  assert.equal(log, ['m2', 'm1']);
});

test.run();
