/**
 * KVM_GET/SET_VCPU_EVENTS through gRPC (spec §13): the struct as GET reports it, SET's validation
 * order, and delivery to real guest code: a virtual SError taken when PSTATE.A clears, with the
 * syndrome, return address and saved PSTATE of §13.4, and an external data abort injected after
 * an MMIO read exit (§13.5).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, rejectsWith, TestServer, GUEST_RAM, USERSPACE } from './harness';
import { REG, VmHandle, VcpuHandle, VcpuEvents } from '../../clients/kvm-client';
import { assemble } from '../guests/assemble';

const REPORT = 0x91000000n;
const PSR_A_BIT = 0x100n;
const PSTATE_RESET = 0x3c5n;

let t: TestServer;
test.before(async () => {
  t = await startTestServer();
});
test.after(async () => {
  await t.stop();
});

async function scrape(): Promise<string> {
  const r = await fetch(t.metricsUrl);
  return r.text();
}
function metric(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{\\})?\\s+(\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

const NOTHING: VcpuEvents = {
  serrorPending: 0, serrorHasEsr: 1, extDabtPending: 0, serrorEsr: 0n, pad: new Uint8Array(5), reserved: new Array(12).fill(0),
};

/**
 * Every vector entry reports itself: it stores ESR_EL1 to REPORT + its offset, so the MMIO exit's
 * address names the vector taken (+0x200 group: current EL with SP_ELx; +0x180: SError).
 */
const VECTORS = `
.macro ventry off
  .balign 0x80
  mov x9, #0x91000000
  add x9, x9, #\\off
  mrs x10, esr_el1
  str x10, [x9]
  b .
.endm
.balign 2048
vectors:
  ventry 0x000
  ventry 0x080
  ventry 0x100
  ventry 0x180
  ventry 0x200
  ventry 0x280
  ventry 0x300
  ventry 0x380
  ventry 0x400
  ventry 0x480
  ventry 0x500
  ventry 0x580
  ventry 0x600
  ventry 0x680
  ventry 0x700
  ventry 0x780
`;

// Sets VBAR_EL1, reports a checkpoint (PSTATE.A still set from reset), then unmasks SErrors.
const SERROR_GUEST = assemble(`
  adr x0, vectors
  msr vbar_el1, x0
  isb
  mov x1, #0x90000000
  str wzr, [x1]
  msr daifclr, #4
  nop
  str wzr, [x1, #4]
  b .
${VECTORS}
`);

// Sets VBAR_EL1 and loads from MMIO.
const DABT_GUEST = assemble(`
  adr x0, vectors
  msr vbar_el1, x0
  isb
  mov x1, #0x90000000
  ldr x5, [x1, #0x10]
  str wzr, [x1, #4]
  b .
${VECTORS}
`);

async function guestVm(code: Uint8Array): Promise<VmHandle> {
  const vm = await t.client.createVm();
  await vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: GUEST_RAM, memorySize: 0x10000n, userspaceAddr: USERSPACE });
  await vm.writeMemory(GUEST_RAM, code);
  return vm;
}

async function vcpuAt(vm: VmHandle, id: number, pc: bigint): Promise<VcpuHandle> {
  const v = await vm.createVcpu(id);
  await v.init();
  await v.setReg(REG.PC, pc);
  return v;
}

const u64le = (v: bigint): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
};

test('GET after init; ENOEXEC before init; SET validation in order, a rejected SET changes nothing', async () => {
  const vm = await t.client.createVm();
  const v = await vm.createVcpu(0);
  await rejectsWith(v.getEvents(), 'ENOEXEC');
  await rejectsWith(v.setEvents({ serrorPending: 1 }), 'ENOEXEC');
  await v.init();
  // serror_has_esr = 1 because the RAS syndrome is offered (KVM_CAP_ARM_INJECT_SERROR_ESR).
  assert.is(await t.client.checkExtension(158), 1);
  assert.equal(await v.getEvents(), NOTHING);

  // EINVAL: reserved words, then pad bytes, before anything changes (even with pending = 1).
  for (let i = 0; i < 12; i++) {
    const reserved = new Array(12).fill(0);
    reserved[i] = 1 << i;
    await rejectsWith(v.setEvents({ serrorPending: 1, reserved }), 'EINVAL');
  }
  for (let i = 0; i < 5; i++) {
    const pad = new Uint8Array(5);
    pad[i] = 0x80;
    await rejectsWith(v.setEvents({ serrorPending: 1, serrorHasEsr: 1, serrorEsr: 0x10n, pad }), 'EINVAL');
  }
  await rejectsWith(v.setEvents({ extDabtPending: 1, pad: new Uint8Array([0, 0, 0, 0, 1]) }), 'EINVAL');
  assert.equal(await v.getEvents(), NOTHING, 'nothing became pending');
  // EINVAL: a syndrome outside ISS bits 24:0 with has_esr.
  await rejectsWith(v.setEvents({ serrorPending: 1, serrorHasEsr: 1, serrorEsr: 0x02000000n }), 'EINVAL');
  await rejectsWith(v.setEvents({ serrorPending: 1, serrorHasEsr: 1, serrorEsr: 0x8000000000000000n }), 'EINVAL');
  await rejectsWith(v.setEvents({ serrorPending: 1, serrorHasEsr: 1, serrorEsr: 0x03ffffffn }), 'EINVAL');
  // A u8 field cannot hold more than 255.
  await rejectsWith(v.setEvents({ serrorPending: 256 }), 'EINVAL');
  await rejectsWith(v.setEvents({ serrorPending: 1, serrorHasEsr: 300 }), 'EINVAL');
  await rejectsWith(v.setEvents({ extDabtPending: 0x1ff }), 'EINVAL');
  assert.equal(await v.getEvents(), NOTHING, 'still nothing pending');

  // Exactly the ISS mask is accepted.
  await v.setEvents({ serrorPending: 1, serrorHasEsr: 1, serrorEsr: 0x01ffffffn });
  assert.equal(await v.getEvents(), { ...NOTHING, serrorPending: 1, serrorEsr: 0x01ffffffn });
  // pending = 0 cannot cancel a pending SError; a u8 of 255 is just "non-zero".
  await v.setEvents({ serrorPending: 0 });
  await v.setEvents({ serrorPending: 0, serrorHasEsr: 1, serrorEsr: 0x5n });
  assert.equal(await v.getEvents(), { ...NOTHING, serrorPending: 1, serrorEsr: 0x01ffffffn }, 'still pending with its syndrome');
  // A later SError replaces the syndrome of the pending one.
  await v.setEvents({ serrorPending: 255, serrorHasEsr: 1, serrorEsr: 0x42n });
  assert.equal(await v.getEvents(), { ...NOTHING, serrorPending: 1, serrorEsr: 0x42n });
  // A rejected SET leaves the pending SError and its syndrome as they were.
  await rejectsWith(v.setEvents({ serrorPending: 1, serrorHasEsr: 1, serrorEsr: 0x7n, reserved: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1] }), 'EINVAL');
  assert.equal(await v.getEvents(), { ...NOTHING, serrorPending: 1, serrorEsr: 0x42n });
  await t.client.destroyVm(vm.handle);
});

test('SError with PSTATE.A set stays pending; after msr daifclr #4 the guest takes it at VBAR+0x380 with ESR, ELR, SPSR of §13.4', async () => {
  const vm = await guestVm(SERROR_GUEST);
  const v = await vcpuAt(vm, 0, GUEST_RAM);
  assert.is(await v.getReg(REG.PSTATE), PSTATE_RESET);
  await v.setReg(REG.FAR_EL1, 0x12345678n);
  await v.setEvents({ serrorPending: 1, serrorHasEsr: 1, serrorEsr: 0x1234n });

  let exit = await v.run();
  assert.equal(exit.mmio, { physAddr: 0x90000000n, data: new Uint8Array(4), len: 4, isWrite: true }, 'the checkpoint: no SError while A is masked');
  const checkpoint = await v.getReg(REG.PC);
  assert.equal(await v.getEvents(), { ...NOTHING, serrorPending: 1, serrorEsr: 0x1234n }, 'still pending');
  const vbar = await v.getReg(0x603000000013c600n);
  assert.is(vbar, GUEST_RAM + 0x800n, 'VBAR_EL1 as the guest set it');

  exit = await v.run();
  const esr = 0xbc000000n | (1n << 25n) | 0x1234n;
  assert.is(esr, 0xbe001234n);
  assert.equal(exit.mmio, { physAddr: REPORT + 0x380n, data: u64le(esr), len: 8, isWrite: true }, 'SError vector of the EL1h group');
  assert.is(await v.getReg(REG.ESR_EL1), esr);
  assert.is(await v.getReg(REG.ELR_EL1), checkpoint + 8n, 'ELR = the instruction after the msr');
  assert.is(await v.getReg(REG.SPSR_EL1), PSTATE_RESET & ~PSR_A_BIT, 'SPSR = PSTATE before the exception (A clear)');
  assert.is(await v.getReg(REG.PSTATE), PSTATE_RESET, 'EL1h with DAIF set after entry');
  assert.is(await v.getReg(REG.FAR_EL1), 0x12345678n, 'FAR_EL1 unchanged');
  assert.is(await v.getReg(REG.PC), vbar + 0x380n + 12n, 'PC at the store of the SError handler');
  assert.equal(await v.getEvents(), NOTHING, 'taken: no longer pending');
  await t.client.destroyVm(vm.handle);
});

test('SError without has_esr: GET shows the IDS default and the guest sees ESR_EL1 = 0xBF000000', async () => {
  const vm = await guestVm(SERROR_GUEST);
  const v = await vcpuAt(vm, 0, GUEST_RAM);
  // Without has_esr the syndrome given is ignored (no EINVAL for bits outside the ISS).
  await v.setEvents({ serrorPending: 1, serrorHasEsr: 0, serrorEsr: 0xffffffffffffffffn });
  assert.equal(await v.getEvents(), { ...NOTHING, serrorPending: 1, serrorEsr: 0x01000000n });
  let exit = await v.run();
  assert.is(exit.mmio?.physAddr, 0x90000000n);
  exit = await v.run();
  assert.equal(exit.mmio, { physAddr: REPORT + 0x380n, data: u64le(0xbf000000n), len: 8, isWrite: true });
  assert.is(await v.getReg(REG.ESR_EL1), 0xbf000000n);
  assert.equal(await v.getEvents(), NOTHING);
  await t.client.destroyVm(vm.handle);
});

test('ext_dabt_pending after an MMIO read exit: the guest takes a synchronous external abort instead of the read', async () => {
  const vm = await guestVm(DABT_GUEST);
  const v = await vcpuAt(vm, 0, GUEST_RAM);
  await v.setReg(REG.X(5), 0x5555n);
  let exit = await v.run();
  assert.equal(exit.mmio, { physAddr: 0x90000010n, data: new Uint8Array(0), len: 8, isWrite: false });
  const load = await v.getReg(REG.PC);
  await v.setEvents({ extDabtPending: 1 });
  assert.equal(await v.getEvents(), NOTHING, 'ext_dabt_pending always reads back 0');
  exit = await v.run({ mmioData: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) });
  const esr = (0x25n << 26n) | (1n << 25n) | 0x10n;
  assert.is(esr, 0x96000010n);
  assert.equal(exit.mmio, { physAddr: REPORT + 0x200n, data: u64le(esr), len: 8, isWrite: true }, 'synchronous vector of the EL1h group');
  assert.is(await v.getReg(REG.ESR_EL1), esr, 'EC 0x25 (current EL), IL, DFSC 0x10');
  assert.is(await v.getReg(REG.FAR_EL1), 0x90000010n, 'FAR = the MMIO address');
  assert.is(await v.getReg(REG.ELR_EL1), load, 'ELR = the faulting load');
  assert.is(await v.getReg(REG.SPSR_EL1), PSTATE_RESET);
  assert.is(await v.getReg(REG.X(5)), 0x5555n, 'the read was not completed');
  await t.client.destroyVm(vm.handle);
});

test('kvm_serrors_injected_total counts accepted SError injections only', async () => {
  const vm = await t.client.createVm();
  const v = await vm.createVcpu(0);
  await v.init();
  const before = metric(await scrape(), 'kvm_serrors_injected_total');
  await rejectsWith(v.setEvents({ serrorPending: 1, pad: new Uint8Array([1]) }), 'EINVAL');
  await v.setEvents({ serrorPending: 0 });
  await v.setEvents({ serrorPending: 1, serrorHasEsr: 1, serrorEsr: 0x99n });
  await v.setEvents({ serrorPending: 1 });
  const after = metric(await scrape(), 'kvm_serrors_injected_total');
  assert.is(after - before, 2);
  await t.client.destroyVm(vm.handle);
});

test.run();
