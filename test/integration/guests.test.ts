/**
 * The guest programs of test/guests/src/ (one per instruction class, exceptions, EL0, C
 * programs) run through the gRPC API exactly as a VMM runs a guest (test/guests/service.ts:
 * memory slot, vCPU init, KVM_RUN loop collecting the PL011's output), and the same ELF under
 * `qemu-system-aarch64 -M virt -cpu cortex-a57` (test/guests/qemu.ts). For each program the UART
 * output -- its self-checks, its printed values, its final X0..X30, SP and NZCV -- must be
 * identical, and must show that every self-check passed (the checks assert the Arm ARM's
 * results, so a shared deviation is caught too).
 *
 * Also the KVM behaviours of the guest interface that QEMU does not share (kvm.S: SMCCC/PSCI,
 * MMIO completion, MPIDR, SP alignment, WFE traps), the plain KVM_EXIT_MMIO output path, and
 * two VMs running at once.
 *
 * Needs aarch64-linux-gnu-gcc (skips without it); without qemu-system-aarch64 only the service
 * half runs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, TestServer } from './harness';
import { buildGuest, hasCrossToolchain, listGuestPrograms, type GuestImage } from '../guests/build';
import { hasQemu, runQemu } from '../guests/qemu';
import { runOnService, type ServiceRunResult } from '../guests/service';

let t: TestServer;
test.before(async () => {
  t = await startTestServer();
});
test.after(async () => {
  await t.stop();
});

const SUMMARY = /^checks: (\d+) passed, (\d+) failed$/m;

/** The program ran to SYSTEM_OFF, printed its final registers, and all its checks passed. */
function assertSelfChecks(name: string, r: ServiceRunResult): void {
  assert.is(r.ended, 'shutdown', `${name}: ${r.error ?? r.ended}\n${r.output}`);
  const m = SUMMARY.exec(r.output);
  assert.ok(m, `${name}: no check summary in the output:\n${r.output}`);
  const failures = r.output.split('\n').filter((l) => /^FAIL|^UNEXPECTED/.test(l));
  assert.is(Number(m![2]), 0, `${name}: ${m![2]} self-checks failed:\n${failures.join('\n')}`);
  assert.ok(Number(m![1]) > 0, `${name}: no self-check ran`);
  assert.match(r.output, /^x00=[0-9a-f]{16} .*\n(?:.*\n)*x28=[0-9a-f]{16} x29=[0-9a-f]{16} x30=[0-9a-f]{16}\nsp=[0-9a-f]{16} nzcv=[0-9a-f]{8}$/m,
    `${name}: the final register dump is missing`);
}

/** The first line where two outputs differ, for a readable failure. */
function firstDifference(qemu: string, ours: string): string {
  const a = qemu.split('\n');
  const b = ours.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}:\n  qemu:    ${a[i] ?? '(end of output)'}\n  service: ${b[i] ?? '(end of output)'}`;
  }
  return '';
}

async function runBoth(img: GuestImage): Promise<void> {
  const [ours, qemu] = await Promise.all([
    runOnService(t.client, img),
    hasQemu ? runQemu(img.elf, { cpu: img.qemuCpu }) : Promise.resolve(undefined),
  ]);
  if (qemu) {
    assert.is(qemu.timedOut, false, `${img.name}: QEMU timed out`);
    assert.is(qemu.exitCode, 0, `${img.name}: QEMU exited with ${qemu.exitCode}: ${qemu.stderr}`);
    const diff = firstDifference(qemu.output, ours.output);
    assert.ok(diff === '', `${img.name}: the UART output differs from QEMU's (-cpu ${img.qemuCpu}) at ${diff}\n--- qemu\n${qemu.output}--- service\n${ours.output}`);
  }
  assertSelfChecks(img.name, ours);
}

const programs = hasCrossToolchain ? listGuestPrograms() : [];
if (!hasCrossToolchain) {
  test('guest programs (skipped: aarch64-linux-gnu-gcc not installed)', () => undefined);
}
if (hasCrossToolchain && !hasQemu) console.log('  (qemu-system-aarch64 not installed: guest programs run on the service only)');

for (const p of programs.filter((g) => !g.serviceOnly)) {
  test(`${p.name}: the service and QEMU -cpu ${p.qemuCpu} print the same, and its self-checks pass`, async () => {
    await runBoth(buildGuest(p));
  });
}

test('kvm (service only): SMCCC/PSCI answers, MMIO loads completed with the VMM data and stores of every size, MPIDR = vCPU id, SP alignment and WFE traps', async () => {
  if (!hasCrossToolchain) return;
  const img = buildGuest('kvm');
  const writes: Array<[bigint, string]> = [];
  const reads: Array<[bigint, number]> = [];
  const r = await runOnService(t.client, img, {
    vcpuId: 5,
    // Byte k of an access at address A reads (A + k) & 0xff (what kvm.S expects).
    onMmioRead: (addr, len) => {
      reads.push([addr, len]);
      return Uint8Array.from({ length: len }, (_, k) => Number((addr + BigInt(k)) & 0xffn));
    },
    onMmioWrite: (addr, data) => writes.push([addr, Buffer.from(data).toString('hex')]),
  });
  assertSelfChecks('kvm', r);
  assert.match(r.output, /^mpidr=0000000080000005$/m, 'MPIDR_EL1 = vCPU id 5 with bit 31 (RES1)');
  assert.equal(reads, [
    [0xa000081n, 1], [0xa000080n, 1], [0xa000090n, 1], [0xa000010n, 2], [0xa0000fen, 2], [0xa00008en, 2],
    [0xa000020n, 4], [0xa0000f0n, 4], [0xa000040n, 8], [0x9fffff8n, 8], [0xa000048n, 8],
  ]);
  assert.equal(writes, [
    [0xa000100n, '11'], [0xa000102n, '1122'], [0xa000104n, '11223344'], [0xa000108n, '1122334455667788'], [0xa000110n, '0000000000000000'],
  ]);
});

test('the UART through plain KVM_EXIT_MMIO exits (one per character) gives the same output as through the coalesced ring', async () => {
  if (!hasCrossToolchain) return;
  const img = buildGuest('dp-imm');
  const [coalesced, plain] = await Promise.all([runOnService(t.client, img), runOnService(t.client, img, { coalesced: false })]);
  assertSelfChecks('dp-imm', plain);
  assert.is(plain.output, coalesced.output);
  assert.is(plain.mmioExits, plain.output.length, 'every character was a KVM_EXIT_MMIO');
  assert.ok(coalesced.mmioExits < coalesced.output.length / 100, `coalesced: ${coalesced.mmioExits} MMIO exits for ${coalesced.output.length} characters`);
});

test('two VMs run guest programs at the same time without disturbing each other', async () => {
  if (!hasCrossToolchain) return;
  const a = buildGuest('sort');
  const b = buildGuest('exceptions');
  const [ra, rb, ra2] = await Promise.all([runOnService(t.client, a), runOnService(t.client, b), runOnService(t.client, a, { vcpuId: 3 })]);
  assertSelfChecks('sort', ra);
  assertSelfChecks('exceptions', rb);
  assert.is(ra2.output, ra.output);
});

test.run();
