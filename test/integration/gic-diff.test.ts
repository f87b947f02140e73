/**
 * Differential run of the GICv3 (issue 4): test/guests/src/gicv3.S drives one CPU interface by
 * hand with IRQs masked at PSTATE (SGIs to self at different priorities, ICC_IAR1/RPR/HPPIR1,
 * EOImode 0 and 1 with ICC_DIR_EL1, preemption by group priority under two BPR1 values, an SPI
 * pended through GICD_ISPENDR, spurious 1023), which is deterministic: no timer, no other vCPU.
 *
 * It runs through the gRPC service on a VM with a VGIC v3 (KVM_CREATE_DEVICE type 7, ADDR
 * DIST 0x08000000 / REDIST 0x080a0000, CTRL_INIT, spec §10) and under
 * `qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a57` (same GIC addresses, one Security
 * state). The UART output must be byte-identical and show every self-check passed: the checks
 * hold the Arm IHI 0069 values, so a deviation shared by both sides is caught too.
 *
 * test/guests/service.ts's runOnService creates and runs its vCPU in one go (no hook to add a
 * device before the first KVM_RUN) and test/guests/qemu.ts has no machine options, so both
 * runs are set up here with the same conventions (RAM slot, coalesced UART, PSCI SYSTEM_OFF; the
 * QEMU flags of qemu.ts plus gic-version=3).
 *
 * Needs aarch64-linux-gnu-gcc (skips without it); without qemu-system-aarch64 only the service
 * half (and its self-checks) runs.
 */
import { execFile } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, TestServer } from './harness';
import { REG, u64le } from '../../clients/kvm-client';
import { buildGuest, hasCrossToolchain, type GuestImage } from '../guests/build';
import { hasQemu } from '../guests/qemu';
import { RAM_BASE, RAM_SIZE, UART_BASE, UARTDR } from '../guests/service';

const QEMU = process.env.QEMU_SYSTEM_AARCH64 ?? 'qemu-system-aarch64';
const KVM_DEV_TYPE_ARM_VGIC_V3 = 7;
const KVM_DEV_ARM_VGIC_GRP_ADDR = 0;
const KVM_DEV_ARM_VGIC_GRP_CTRL = 4;
const KVM_DEV_ARM_VGIC_CTRL_INIT = 0n;
const KVM_VGIC_V3_ADDR_TYPE_DIST = 2n;
const KVM_VGIC_V3_ADDR_TYPE_REDIST = 3n;
/** QEMU virt's GICv3 map (hw/arm/virt.c VIRT_GIC_DIST, VIRT_GIC_REDIST). */
const GICD = 0x08000000n;
const GICR = 0x080a0000n;
const KVM_SYSTEM_EVENT_SHUTDOWN = 1;
const USERSPACE = 0x7d0000000000n;
const TIMEOUT_MS = 30_000;

let t: TestServer;
test.before(async () => {
  t = await startTestServer();
});
test.after(async () => {
  await t.stop();
});

interface Run {
  output: string;
  ended: string;
}

/** The guest on a fresh service VM with a VGIC v3 initialised before the first KVM_RUN. */
async function runOnServiceWithGic(img: GuestImage): Promise<Run> {
  const vm = await t.client.createVm();
  try {
    await vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: RAM_BASE, memorySize: RAM_SIZE, userspaceAddr: USERSPACE });
    await vm.writeMemory(img.loadAddr, img.bin);
    await vm.registerCoalescedMmio(UART_BASE, 0x1000);
    const vcpu = await vm.createVcpu(0);
    await vcpu.init();
    await vcpu.setReg(REG.PC, img.entry);
    const gic = await vm.createDevice(KVM_DEV_TYPE_ARM_VGIC_V3);
    await gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, u64le(GICD));
    await gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, u64le(GICR));
    await gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT);

    const out: number[] = [];
    const t0 = performance.now();
    let mmioData: Uint8Array | undefined;
    for (;;) {
      const exit = await vcpu.run({ mmioData, drainCoalesced: true, deadlineMs: 10_000 });
      mmioData = undefined;
      for (const e of exit.coalesced) if (e.pio === 0 && e.physAddr === UARTDR) out.push(e.data[0]);
      const output = Buffer.from(out).toString('latin1');
      if (exit.errno === 'EINTR' || exit.reason === 'KVM_EXIT_INTR') {
        // The server's run slice: run again.
      } else if (exit.reason === 'KVM_EXIT_MMIO' && exit.mmio) {
        // Only the UART is outside the kernel's devices here; anything else is a guest bug.
        if (exit.mmio.isWrite && exit.mmio.physAddr === UARTDR) out.push(exit.mmio.data[0]);
        else return { output, ended: `unexpected MMIO ${exit.mmio.isWrite ? 'write' : 'read'} at 0x${exit.mmio.physAddr.toString(16)}` };
        if (!exit.mmio.isWrite) mmioData = new Uint8Array(exit.mmio.len);
      } else if (exit.reason === 'KVM_EXIT_SYSTEM_EVENT' && exit.systemEvent?.type === KVM_SYSTEM_EVENT_SHUTDOWN) {
        return { output, ended: 'shutdown' };
      } else {
        const pc = await vcpu.getReg(REG.PC);
        return { output, ended: `unexpected ${exit.reason} (${exit.errno ?? ''}) at PC 0x${pc.toString(16)}` };
      }
      if (performance.now() - t0 > TIMEOUT_MS) return { output, ended: 'timeout' };
    }
  } finally {
    await t.client.destroyVm(vm.handle).catch(() => undefined);
  }
}

/** test/guests/qemu.ts's invocation with a GICv3. */
function runQemuGicV3(elf: string, cpu: string): Promise<{ output: string; code: number | null; stderr: string }> {
  const args = ['-M', 'virt,gic-version=3', '-cpu', cpu, '-m', '128', '-nographic', '-monitor', 'none', '-serial', 'stdio', '-kernel', elf];
  return new Promise((resolve) => {
    execFile(QEMU, args, { encoding: 'latin1', timeout: TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
      resolve({ output: stdout, code, stderr });
    });
  });
}

function firstDifference(qemu: string, ours: string): string {
  const a = qemu.split('\n');
  const b = ours.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}:\n  qemu:    ${a[i] ?? '(end of output)'}\n  service: ${b[i] ?? '(end of output)'}`;
  }
  return '';
}

/** Every acknowledge, in order (hex INTIDs as printed, 3ff = spurious). */
function acknowledges(output: string): number[] {
  return [...output.matchAll(/^iar1=([0-9a-f]{16})$/gm)].map((m) => parseInt(m[1], 16));
}

test('gicv3: the service (VGIC v3) and QEMU -M virt,gic-version=3 print the same, and the guest\'s GIC self-checks pass', async () => {
  if (!hasCrossToolchain) {
    console.log('  (aarch64-linux-gnu-gcc not installed: gic-diff skipped)');
    return;
  }
  const img = buildGuest('gicv3');
  const [ours, qemu] = await Promise.all([runOnServiceWithGic(img), hasQemu ? runQemuGicV3(img.elf, img.qemuCpu) : Promise.resolve(undefined)]);

  assert.is(ours.ended, 'shutdown', `service: ${ours.ended}\n${ours.output}`);
  const m = /^checks: (\d+) passed, (\d+) failed$/m.exec(ours.output);
  assert.ok(m, `no check summary in the service's output:\n${ours.output}`);
  const failures = ours.output.split('\n').filter((l) => /^FAIL|^UNEXPECTED/.test(l));
  assert.is(Number(m![2]), 0, `${m![2]} self-checks failed on the service:\n${failures.join('\n')}\n--- output\n${ours.output}`);
  assert.is(Number(m![1]), 104, 'every self-check of gicv3.S ran');
  // Priority order, no preemption by a lower priority, BPR group priority, EOImode 1, the SPI.
  assert.equal(acknowledges(ours.output), [
    1023, 2, 1023, 4, 1, 3, 1023,
    5, 1023, 6, 5, 6,
    7, 1023, 7,
    40, 1023,
  ]);
  assert.match(ours.output, /^gicd_ctlr=0000000000000052$/m);
  assert.match(ours.output, /^x28=[0-9a-f]{16} x29=[0-9a-f]{16} x30=[0-9a-f]{16}\nsp=[0-9a-f]{16} nzcv=[0-9a-f]{8}\n/m, 'the final register dump');

  if (qemu) {
    assert.is(qemu.code, 0, `QEMU exited with ${qemu.code}: ${qemu.stderr}`);
    const diff = firstDifference(qemu.output, ours.output);
    assert.ok(diff === '', `the UART output differs from QEMU's at ${diff}\n--- qemu\n${qemu.output}--- service\n${ours.output}`);
    assert.is(ours.output, qemu.output);
  } else {
    console.log('  (qemu-system-aarch64 not installed: gicv3 ran on the service only)');
  }
});

test.run();
