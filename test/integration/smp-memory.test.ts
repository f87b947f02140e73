/**
 * Shared memory between the vCPUs of one VM through gRPC (issue 4): two vCPUs (vCPU 1 created
 * POWER_OFF and started by vCPU 0 with PSCI CPU_ON over HVC, §14), each Run by its own concurrent
 * client call, increment shared 64-bit counters N times each:
 * - an LDAXR/STLXR retry loop (the exclusive monitor must fail a STXR whose location another vCPU
 *   changed since the LDXR, Arm DDI 0487 B2.9);
 * - LDADDAL (FEAT_LSE, single-copy atomic read-modify-write);
 * - a ticket lock (ticket taken with LDAXR/STXR, owner awaited with LDAR, released with STLR)
 *   protecting a plain LDR/ADD/STR of another counter;
 * and message passing (writer: data, then flag with STLR or DMB ISH + STR; reader: flag with LDAR
 * or LDR + DMB ISH, then data) must never show the flag without its data (B2.3, release/acquire).
 * After both vCPUs report completion by MMIO, ReadGuestMemory must show exactly 2N. Concurrency
 * is asserted from guest-recorded interleaving (each vCPU counts how often the shared value moved
 * between two of its own updates) and from the overlap of the two Run calls in wall time.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, TestServer, GUEST_RAM, USERSPACE } from './harness';
import { REG, VcpuHandle, VmHandle, RunExit } from '../../clients/kvm-client';
import { assemble } from '../guests/assemble';

const N = 200_000;
const RAM_SIZE = 0x40000n;
const MMIO = 0x90000000n;
const READY = GUEST_RAM + 0x20000n; // two u32 start-barrier flags
const CNT = GUEST_RAM + 0x21000n; // the shared counter
const LOCK_NEXT = GUEST_RAM + 0x22000n; // ticket lock: next ticket
const LOCK_OWNER = GUEST_RAM + 0x22040n; // ticket lock: ticket being served (another cache line)
const DATA = GUEST_RAM + 0x23000n;
const FLAG = GUEST_RAM + 0x23040n;
const RES = GUEST_RAM + 0x24000n; // per vCPU: 0x40 bytes of results
const KVM_ARM_VCPU_POWER_OFF = 0;
const KVM_ARM_VCPU_PSCI_0_2 = 2;
/**
 * The guest saw the other vCPU's updates between its own at least this many times. The start
 * barrier already proves both vCPUs ran at once; this shows their loops really interleaved. On a
 * quiet 2-core machine the counts are in the thousands, but a loaded host time-slices the two
 * vCPU threads (32 was seen with other jobs running), so the bound only asks for some.
 */
const MIN_INTERLEAVE = 1;

let t: TestServer;
test.before(async () => {
  t = await startTestServer(['--run-slice-ms', '10000']);
});
test.after(async () => {
  await t.stop();
});

/**
 * vCPU 0 starts vCPU 1 at `secondary` with CPU_ON (a failure is reported to MMIO + 0x18 with X0);
 * each vCPU holds its id in X28 and its results area in X27, meets the other at a start barrier
 * (READY[id] = 1, then waits for READY[1 - id]: it cannot pass unless the other runs too), runs
 * `body`, then reports its id with an 8-byte write to MMIO + 8 * id.
 */
function smpGuest(body: string): Uint8Array {
  return assemble(`
  .arch armv8.1-a
  ldr x0, =0xc4000003             // PSCI CPU_ON (SMC64)
  mov x1, #1                      // target MPIDR Aff0 1
  ldr x2, =secondary
  mov x3, #0
  hvc #0
  cbz x0, 0f
  movz x17, #0x9000, lsl #16
  str x0, [x17, #0x18]            // CPU_ON failed
  b .
0:mov x28, #0
  b common
secondary:
  mov x28, #1
common:
  ldr x26, =${READY}
  mov w1, #1
  str w1, [x26, x28, lsl #2]
  eor x2, x28, #1
1:ldr w1, [x26, x2, lsl #2]
  cbz w1, 1b
  ldr x27, =${RES}
  add x27, x27, x28, lsl #6
  ldr x9, =${N}
${body}
done:
  movz x17, #0x9000, lsl #16
  str x28, [x17, x28, lsl #3]
  b .
  .ltorg
`);
}

/** Gaps: X11 counts the iterations whose old value is not the one this vCPU last wrote (X10). */
const EXCLUSIVE_BODY = `
  ldr x1, =${CNT}
  mov x10, #-1
  mov x11, #0
  mov x12, #0                     // STLXR failures
2:ldaxr x3, [x1]
  add x4, x3, #1
  stlxr w5, x4, [x1]
  cbz w5, 3f
  add x12, x12, #1
  b 2b
3:cmp x3, x10
  cinc x11, x11, ne
  mov x10, x4
  subs x9, x9, #1
  b.ne 2b
  stp x11, x12, [x27]`;

const LSE_BODY = `
  ldr x1, =${CNT}
  mov x10, #-1
  mov x11, #0
  mov x2, #1
2:ldaddal x2, x3, [x1]
  cmp x3, x10
  cinc x11, x11, ne
  add x10, x3, #1
  subs x9, x9, #1
  b.ne 2b
  stp x11, xzr, [x27]`;

const TICKET_LOCK_BODY = `
  ldr x1, =${LOCK_NEXT}
  ldr x2, =${LOCK_OWNER}
  ldr x6, =${CNT}
  mov x10, #-1
  mov x11, #0
  mov x12, #0                     // STXR failures
2:ldaxr x3, [x1]                  // my ticket
  add x4, x3, #1
  stxr w5, x4, [x1]
  cbz w5, 4f
  add x12, x12, #1
  b 2b
4:ldar x7, [x2]
  cmp x7, x3
  b.ne 4b
  ldr x8, [x6]                    // critical section: plain read-modify-write
  cmp x8, x10
  cinc x11, x11, ne
  add x8, x8, #1
  str x8, [x6]
  mov x10, x8
  add x7, x7, #1
  stlr x7, [x2]                   // release
  subs x9, x9, #1
  b.ne 2b
  stp x11, x12, [x27]`;

/**
 * vCPU 0 writes DATA = i then FLAG = i for i = 1..N; vCPU 1 reads FLAG then DATA until FLAG = N,
 * counting reads with DATA < FLAG (X11: must stay 0) and FLAG changes seen (X12).
 */
function messagePassingBody(release: string, acquire: string): string {
  return `
  ldr x1, =${DATA}
  ldr x2, =${FLAG}
  cbnz x28, 6f
  mov x3, #1
5:str x3, [x1]
  ${release}
  add x3, x3, #1
  cmp x3, x9
  b.ls 5b
  b 7f
6:mov x10, #0
  mov x11, #0
  mov x12, #0
8:${acquire}
  ldr x4, [x1]
  cmp x4, x3
  cinc x11, x11, lo
  cmp x3, x10
  cinc x12, x12, ne
  mov x10, x3
  cmp x3, x9
  b.ne 8b
  stp x11, x12, [x27]
7:`;
}

interface SmpResult {
  vm: VmHandle;
  e0: RunExit;
  e1: RunExit;
  /** Per vCPU: the two result words the guest stored. */
  res: [bigint, bigint][];
  /** Wall-time [start, end] of each Run call, ms. */
  spans: [number, number][];
}

async function runSmp(code: Uint8Array): Promise<SmpResult> {
  const vm = await t.client.createVm();
  await vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: GUEST_RAM, memorySize: RAM_SIZE, userspaceAddr: USERSPACE });
  await vm.writeMemory(GUEST_RAM, code);
  const v0 = await vm.createVcpu(0);
  await v0.init();
  await v0.setReg(REG.PC, GUEST_RAM);
  const v1 = await vm.createVcpu(1);
  await v1.init([(1 << KVM_ARM_VCPU_PSCI_0_2) | (1 << KVM_ARM_VCPU_POWER_OFF)]);
  const spans: [number, number][] = [[0, 0], [0, 0]];
  const timed = (v: VcpuHandle, i: number): Promise<RunExit> => {
    spans[i][0] = performance.now();
    const p = v.run({ deadlineMs: 15000 }).finally(() => { spans[i][1] = performance.now(); });
    p.catch(() => undefined);
    return p;
  };
  const r1 = timed(v1, 1);
  const r0 = timed(v0, 0);
  const [e0, e1] = await Promise.all([r0, r1]);
  const b = await vm.readMemory(RES, 0x80);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const res: [bigint, bigint][] = [0, 1].map((i) => [dv.getBigUint64(0x40 * i, true), dv.getBigUint64(0x40 * i + 8, true)]);
  return { vm, e0, e1, res, spans };
}

async function readU64(vm: VmHandle, at: bigint): Promise<bigint> {
  const b = await vm.readMemory(at, 8);
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(0, true);
}

/** Both vCPUs reported completion with their own MMIO write, and their Runs overlapped. */
function expectBothDone(r: SmpResult, minInstructions: number): void {
  for (const [i, e] of [r.e0, r.e1].entries()) {
    assert.is(e.reason, 'KVM_EXIT_MMIO', `vCPU ${i}: ${e.reason} ${e.errno} ${e.internal?.description ?? ''}`);
    assert.is(e.mmio!.physAddr, MMIO + 8n * BigInt(i), `vCPU ${i} reports at MMIO + ${8 * i}`);
    assert.is(e.mmio!.isWrite, true);
    assert.is(e.mmio!.len, 8);
    assert.ok(e.instructions >= BigInt(minInstructions), `vCPU ${i} retired ${e.instructions} instructions`);
  }
  const [[s0, f0], [s1, f1]] = r.spans;
  assert.ok(s0 < f1 && s1 < f0, `Runs overlapped in wall time: [${s0}, ${f0}] [${s1}, ${f1}]`);
}

test(`LDAXR/STLXR retry loop: 2 vCPUs x ${N} increments of one 64-bit counter = ${2 * N}, interleaved`, async () => {
  const r = await runSmp(smpGuest(EXCLUSIVE_BODY));
  expectBothDone(r, 6 * N);
  assert.is(await readU64(r.vm, CNT), BigInt(2 * N), 'no lost update: a STXR after another vCPU\'s store fails');
  for (const [i, [gaps, fails]] of r.res.entries()) {
    assert.ok(gaps >= MIN_INTERLEAVE, `vCPU ${i} saw the other's increments ${gaps} times (STLXR failed ${fails} times)`);
  }
  await t.client.destroyVm(r.vm.handle);
});

test(`LDADDAL: 2 vCPUs x ${N} increments = ${2 * N}, interleaved`, async () => {
  const r = await runSmp(smpGuest(LSE_BODY));
  expectBothDone(r, 5 * N);
  assert.is(await readU64(r.vm, CNT), BigInt(2 * N), 'LDADDAL is atomic across vCPUs');
  for (const [i, [gaps]] of r.res.entries()) {
    assert.ok(gaps >= MIN_INTERLEAVE, `vCPU ${i} saw the other's increments ${gaps} times`);
  }
  await t.client.destroyVm(r.vm.handle);
});

test(`ticket lock (LDAXR/STXR, LDAR, STLR) around a plain LDR/ADD/STR: ${2 * N}, tickets ${2 * N}`, async () => {
  const r = await runSmp(smpGuest(TICKET_LOCK_BODY));
  expectBothDone(r, 12 * N);
  assert.is(await readU64(r.vm, CNT), BigInt(2 * N), 'mutual exclusion: no lost update in the critical section');
  assert.is(await readU64(r.vm, LOCK_NEXT), BigInt(2 * N), 'every ticket taken once');
  assert.is(await readU64(r.vm, LOCK_OWNER), BigInt(2 * N), 'every ticket served once');
  for (const [i, [gaps]] of r.res.entries()) {
    assert.ok(gaps >= MIN_INTERLEAVE, `vCPU ${i} found the other's updates ${gaps} times in the critical section`);
  }
  await t.client.destroyVm(r.vm.handle);
});

for (const [name, release, acquire] of [
  ['STLR flag / LDAR flag', 'stlr x3, [x2]', 'ldar x3, [x2]'],
  ['DMB ISH; STR flag / LDR flag; DMB ISH', 'dmb ish\n  str x3, [x2]', 'ldr x3, [x2]\n  dmb ish'],
] as const) {
  test(`message passing (${name}): the reader never sees the flag without the data`, async () => {
    const r = await runSmp(smpGuest(messagePassingBody(release, acquire)));
    expectBothDone(r, N);
    assert.is(await readU64(r.vm, FLAG), BigInt(N));
    assert.is(await readU64(r.vm, DATA), BigInt(N));
    const [violations, flagChanges] = r.res[1];
    assert.is(violations, 0n, 'reads of DATA older than FLAG');
    assert.ok(flagChanges >= BigInt(MIN_INTERLEAVE), `the reader saw FLAG change ${flagChanges} times while the writer ran`);
    await t.client.destroyVm(r.vm.handle);
  });
}

test.run();
