/**
 * A userspace irqchip's IRQ line (KVM_IRQ_LINE type CPU, §8.2) reaching real guest code, a WFI
 * that sleeps until it does, and the isolation of VMs from each other: two VMs whose guests write
 * all of their RAM never see each other's bytes, and run in parallel.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, TestServer, GUEST_RAM, USERSPACE } from './harness';
import { REG, VmHandle } from '../../clients/kvm-client';
import { assemble } from '../guests/assemble';

let t: TestServer;
test.before(async () => {
  t = await startTestServer();
});
test.after(async () => {
  await t.stop();
});

const RAM_SIZE = 0x20000n;
const MMIO = 0x90000000n;

async function vmWith(code: Uint8Array): Promise<VmHandle> {
  const vm = await t.client.createVm();
  await vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: GUEST_RAM, memorySize: RAM_SIZE, userspaceAddr: USERSPACE });
  await vm.writeMemory(GUEST_RAM, code);
  return vm;
}

// The vector table at GUEST_RAM + 0x800 (VBAR must be 2 KiB aligned). The IRQ vector of the
// "current EL with SP_ELx" group (+0x280) records ESR/ELR and reports through an MMIO write.
const IRQ_GUEST = assemble(`
  ldr x0, =vectors
  msr vbar_el1, x0
  isb
  movz x1, #0x9000, lsl #16
  msr daifclr, #2          // unmask IRQ
  mov x5, #0
1:wfi
  add x5, x5, #1           // count wake-ups (a WFI may also return spuriously)
  b 1b
  .balign 0x800
vectors:
  .skip 0x280
  mrs x2, elr_el1
  str x2, [x1]             // MMIO write: the interrupted PC
  b .
  .ltorg
`);

test('KVM_IRQ_LINE type CPU raises the vCPU IRQ input: the guest wakes from WFI and takes the IRQ at VBAR+0x280', async () => {
  const vm = await vmWith(IRQ_GUEST);
  const v = await vm.createVcpu(0);
  await v.init();
  await v.setReg(REG.PC, GUEST_RAM);
  // Nothing pending: WFI sleeps; the run ends at its deadline, having burnt no guest loop.
  const t0 = Date.now();
  let exit = await v.run({ deadlineMs: 600 });
  assert.is(exit.reason, 'KVM_EXIT_INTR');
  assert.ok(Date.now() - t0 >= 300, 'the run lasted until close to its deadline');
  assert.ok(exit.instructions < 100n, `a WFI with nothing pending sleeps (retired ${exit.instructions})`);
  // Raise the line while the vCPU sleeps in WFI.
  const run = v.run({ deadlineMs: 5000 });
  await new Promise((r) => setTimeout(r, 100));
  const raised = Date.now();
  await vm.irqLine((0 << 24) | (0 << 16) | 0, 1); // type CPU, vCPU 0, KVM_ARM_IRQ_CPU_IRQ
  exit = await run;
  const latency = Date.now() - raised;
  assert.is(exit.reason, 'KVM_EXIT_MMIO');
  assert.is(exit.mmio!.physAddr, MMIO);
  const elr = new DataView(exit.mmio!.data.buffer).getBigUint64(0, true);
  // The interrupted instruction is the add after the WFI (a WFI completes before the IRQ is taken).
  assert.is(elr, GUEST_RAM + 0x1cn);
  assert.ok(latency < 200, `IRQ line to guest handler took ${latency} ms`);
  assert.is(await v.getReg(REG.ESR_EL1), 0n, 'an IRQ does not write ESR_EL1');
  await t.client.destroyVm(vm.handle);
});

test('KVM_IRQ_LINE type CPU: a masked IRQ (PSTATE.I) is not taken; FIQ line and lowering work', async () => {
  const vm = await vmWith(assemble('mov x0, #0\n1: add x0, x0, #1\nb 1b'));
  const v = await vm.createVcpu(0);
  await v.init();
  await v.setReg(REG.PC, GUEST_RAM);
  await vm.irqLine(0, 1);
  await vm.irqLine(1, 1); // FIQ
  const exit = await v.run({ deadlineMs: 400 });
  assert.is(exit.reason, 'KVM_EXIT_INTR', 'DAIF masked after reset: nothing is taken');
  assert.is(await v.getReg(REG.PC) >= GUEST_RAM && (await v.getReg(REG.PC)) < GUEST_RAM + 12n, true);
  await vm.irqLine(0, 0);
  await vm.irqLine(1, 0);
  await t.client.destroyVm(vm.handle);
});

test('a guest spinning on WFE sleeps between events instead of burning its thread, and wakes for an IRQ', async () => {
  const vm = await vmWith(assemble('mov x5, #0\n1: wfe\nadd x5, x5, #1\nb 1b'));
  const v = await vm.createVcpu(0);
  await v.init();
  await v.setReg(REG.PC, GUEST_RAM);
  await v.run({ deadlineMs: 300 }); // warm the thread
  const exit = await v.run({ deadlineMs: 600 });
  assert.is(exit.reason, 'KVM_EXIT_INTR');
  const loops = await v.getReg(REG.X(5));
  // At most one WFE per 0.1 ms event-stream period: thousands of loops, not the ~10^7 a spin makes.
  assert.ok(exit.instructions < 200_000n, `retired ${exit.instructions} instructions in ~550 ms`);
  assert.ok(loops > 10n, `the loop still progresses (${loops} iterations)`);
  await t.client.destroyVm(vm.handle);
});

test('VMs are isolated: each guest fills its whole RAM; neither sees the other\'s pattern; both progress in parallel', async () => {
  // Fill RAM from the end of the code to the end of the slot with a pattern in x3, then spin.
  const fill = (pattern: number): Uint8Array => assemble(`
    movz x3, #${pattern & 0xffff}
    movk x3, #${pattern & 0xffff}, lsl #16
    ldr x1, =end_of_code
    movz x2, #0x4002, lsl #16  // GUEST_RAM + RAM_SIZE
  1:str x3, [x1], #8
    cmp x1, x2
    b.lo 1b
    mov x4, #0
  2:add x4, x4, #1
    b 2b
    .ltorg
  end_of_code:
  `);
  const a = await vmWith(fill(0xaaaa));
  const b = await vmWith(fill(0x5555));
  const va = await a.createVcpu(0);
  const vb = await b.createVcpu(0);
  for (const v of [va, vb]) {
    await v.init();
    await v.setReg(REG.PC, GUEST_RAM);
  }
  // Warm the threads, then run both at once.
  await Promise.all([va.run({ deadlineMs: 400 }), vb.run({ deadlineMs: 400 })]);
  const [ea, eb] = await Promise.all([va.run({ deadlineMs: 1000 }), vb.run({ deadlineMs: 1000 })]);
  assert.ok(ea.instructions > 1_000_000n && eb.instructions > 1_000_000n, `both ran: ${ea.instructions} and ${eb.instructions}`);
  const ma = await a.readMemory(GUEST_RAM + 0x10000n, 0x10000);
  const mb = await b.readMemory(GUEST_RAM + 0x10000n, 0x10000);
  assert.ok(ma.every((x, i) => x === [0xaa, 0xaa, 0xaa, 0xaa, 0, 0, 0, 0][i % 8]), 'VM A holds only its own pattern');
  assert.ok(mb.every((x, i) => x === [0x55, 0x55, 0x55, 0x55, 0, 0, 0, 0][i % 8]), 'VM B holds only its own pattern');
  await t.client.destroyVm(a.handle);
  await t.client.destroyVm(b.handle);
});

test.run();
