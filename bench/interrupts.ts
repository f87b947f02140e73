/**
 * Interrupts and WFI, measured (issue #4): host CPU of the server process while a VM idles in
 * WFI, and the latency from KVM_IRQ_LINE to the guest's interrupt handler.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/interrupts.js            # prints the tables
 *   npx tsc -p tsconfig.json && node dist/bench/interrupts.js --append   # also writes them to BENCHMARKS.md
 *
 * The server runs in its own process (dist/server/main.js, as in production), so its CPU time
 * (utime + stime of /proc/<pid>/stat, every thread of the process: the vCPU workers included) is
 * the server's alone; it is reported as % of one core over 5 s windows, for: no VM; one vCPU in
 * WFI with nothing pending and no timer; the same guest with a 100 Hz virtual timer (GICv3,
 * re-armed with CNTV_TVAL_EL0 in the handler, EOI, WFI again); a busy loop.
 *
 * Latency: a GICv3 VM whose vCPU 0 waits in WFI for SPI 40; its handler's first instruction reads
 * CNTVCT_EL0 and the next MMIO write reports it. (a) client-side, from the IrqLine call's start
 * to the Run's KVM_EXIT_MMIO arriving (two gRPC legs included); (b) in-guest, the guest's counter
 * minus KVM_REG_ARM_TIMER_CNT read just before IrqLine. The counter is VM-wide (one offset per
 * VM, §6.4), and a vCPU's ONE_REG calls wait while it runs, so it is read through vCPU 1, which
 * is initialised but never run. (b) still includes the GetOneReg reply's trip back to the client
 * and the IrqLine request's trip to the server (about one round trip, printed for scale).
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { KvmClient, REG, VcpuHandle, VmHandle, u64le, readU64le } from '../clients/kvm-client';
import { assemble } from '../test/guests/assemble';

const GUEST_RAM = 0x40000000n;
const USERSPACE = 0x7f0000000000n;
const RAM_SIZE = 0x40000n;
const MMIO = 0x90000000n;
const STATS = GUEST_RAM + 0x30000n;
const CNTFRQ = 62_500_000;
const TICKS_PER_MS = CNTFRQ / 1000;
const KVM_REG_ARM_TIMER_CNT = 0x603000000013df1an;
const KVM_DEV_TYPE_ARM_VGIC_V3 = 7;
const KVM_DEV_ARM_VGIC_GRP_ADDR = 0;
const KVM_DEV_ARM_VGIC_GRP_CTRL = 4;
const KVM_DEV_ARM_VGIC_CTRL_INIT = 0n;
const KVM_VGIC_V3_ADDR_TYPE_DIST = 2n;
const KVM_VGIC_V3_ADDR_TYPE_REDIST = 3n;
const GICD = 0x08000000n;
const GICR = 0x080a0000n;
const SPI = 40;
/** KVM_IRQ_LINE irq field (§8.2): type SPI (1) in bits 27:24, the INTID in 15:0. */
const SPI_LINE = (1 << 24) | SPI;
const WINDOW_MS = 5000;
/** Nearest-rank percentiles: with 50 samples p99 is the max. */
const SAMPLES = 50;
const WARM_SAMPLES = 10;
const SERVER_ARGS = ['--metrics-listen', 'off', '--log-level', 'silent', '--run-slice-ms', '10000'];
const COMMAND = 'npx tsc -p tsconfig.json && node dist/bench/interrupts.js --append';
const SECTION = '## Interrupts and WFI';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// -- the server process ---------------------------------------------------------------------------

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

interface Server {
  child: ChildProcess;
  client: KvmClient;
}

async function startServer(): Promise<Server> {
  const port = await freePort();
  const main = path.resolve(__dirname, '..', 'server', 'main.js');
  const child = spawn(process.execPath, [main, '--listen', `127.0.0.1:${port}`, ...SERVER_ARGS], { stdio: ['ignore', 'inherit', 'inherit'] });
  const client = await KvmClient.connect(`127.0.0.1:${port}`);
  const end = Date.now() + 15_000;
  for (;;) {
    try {
      await client.apiVersion();
      return { child, client };
    } catch (e) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`server did not start: ${String(e)}`);
      await sleep(100);
    }
  }
}

/** utime + stime of a process, in ms (all of its threads). */
function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the comm (which may hold spaces): state is field 3, utime 14, stime 15.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[11]) + Number(f[12]);
  return (ticks * 1000) / CLK_TCK;
}
const CLK_TCK = 100; // sysconf(_SC_CLK_TCK) on every Linux ABI Node supports.

/** Server CPU over a window, % of one core. */
async function cpuWindow(pid: number, ms = WINDOW_MS): Promise<number> {
  const c0 = cpuMs(pid);
  const t0 = performance.now();
  await sleep(ms);
  return (100 * (cpuMs(pid) - c0)) / (performance.now() - t0);
}

// -- guests ---------------------------------------------------------------------------------------

/** GICv3 set-up of vCPU 0: distributor on, ICC_PMR 0xf0, group 1 on. */
const GICV3_CPU_ON = `
  movz x1, #0x0800, lsl #16
  mov w2, #0x12
  str w2, [x1]                    // GICD_CTLR: ARE_NS | EnableGrp1
  mov x2, #0xf0
  msr s3_0_c4_c6_0, x2            // ICC_PMR_EL1
  mov x2, #1
  msr s3_0_c12_c12_7, x2          // ICC_IGRPEN1_EL1
`;

const WFI_GUEST = assemble(`
1:wfi
  b 1b
`);

const BUSY_GUEST = assemble(`
1:add x5, x5, #1
  b 1b
`);

/** 100 Hz virtual timer (PPI 27); the handler counts ticks at STATS, re-arms TVAL, EOIs; WFI between. */
const TIMER_GUEST = assemble(`
  ldr x0, =vectors
  msr vbar_el1, x0
  isb
${GICV3_CPU_ON}
  movz x3, #0x080b, lsl #16       // vCPU 0's SGI_base (GICR + 0x10000)
  mov w2, #${1 << 27}
  str w2, [x3, #0x100]            // GICR_ISENABLER0: PPI 27
  ldr x9, =${STATS}
  ldr x20, =${10 * TICKS_PER_MS}
  msr cntv_tval_el0, x20
  mov x2, #1
  msr cntv_ctl_el0, x2            // ENABLE
  msr daifclr, #2
1:wfi
  b 1b
  .balign 0x800
vectors:
  .skip 0x280
  mrs x10, s3_0_c12_c12_0         // ICC_IAR1_EL1
  ldr x14, [x9]
  add x14, x14, #1
  str x14, [x9]
  msr cntv_tval_el0, x20
  msr s3_0_c12_c12_1, x10         // ICC_EOIR1_EL1
  eret
  .ltorg
`);

/** SPI 40 enabled and routed to Aff0 0; the handler's first instruction reads CNTVCT_EL0, reported at MMIO. */
const SPI_GUEST = assemble(`
  ldr x0, =vectors
  msr vbar_el1, x0
  isb
${GICV3_CPU_ON}
  mov w2, #${1 << (SPI - 32)}
  str w2, [x1, #0x104]            // GICD_ISENABLER1: SPI 40
  add x4, x1, #0x6000
  str xzr, [x4, #${SPI * 8}]      // GICD_IROUTER40 = Aff0 0
  movz x17, #0x9000, lsl #16
  msr daifclr, #2
1:wfi
  b 1b
  .balign 0x800
vectors:
  .skip 0x280
  mrs x11, cntvct_el0
  mrs x10, s3_0_c12_c12_0         // ICC_IAR1_EL1
  str x11, [x17]
  msr s3_0_c12_c12_1, x10         // ICC_EOIR1_EL1
  eret
  .ltorg
`);

async function vmWith(client: KvmClient, code: Uint8Array, vcpus = 1, gic = false): Promise<{ vm: VmHandle; v: VcpuHandle[] }> {
  const vm = await client.createVm();
  await vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: GUEST_RAM, memorySize: RAM_SIZE, userspaceAddr: USERSPACE });
  await vm.writeMemory(GUEST_RAM, code);
  const v: VcpuHandle[] = [];
  for (let i = 0; i < vcpus; i++) {
    const c = await vm.createVcpu(i);
    await c.init();
    await c.setReg(REG.PC, GUEST_RAM);
    v.push(c);
  }
  if (gic) {
    const d = await vm.createDevice(KVM_DEV_TYPE_ARM_VGIC_V3);
    await d.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, u64le(GICD));
    await d.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, u64le(GICR));
    await d.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT);
  }
  return { vm, v };
}

// -- measurements ---------------------------------------------------------------------------------

interface CpuRow {
  scenario: string;
  cpu: number;
  note: string;
}

/**
 * Starts a long Run of `v`, lets it settle for 500 ms, measures the server's CPU over the window,
 * then kicks it.
 */
async function duringRun(pid: number, v: VcpuHandle): Promise<{ cpu: number; instructions: bigint }> {
  const run = v.run({ deadlineMs: WINDOW_MS + 3000 });
  await sleep(500);
  const cpu = await cpuWindow(pid);
  await v.kick();
  const exit = await run;
  return { cpu, instructions: exit.instructions };
}

async function cpuScenarios(s: Server): Promise<CpuRow[]> {
  const pid = s.child.pid!;
  const rows: CpuRow[] = [];
  await sleep(1000);
  rows.push({ scenario: 'server, no VM', cpu: await cpuWindow(pid), note: '' });

  {
    const { vm, v } = await vmWith(s.client, WFI_GUEST);
    await v[0].run({ deadlineMs: 500 }); // thread started, guest in WFI
    const r = await duringRun(pid, v[0]);
    rows.push({ scenario: '1 vCPU in WFI, nothing pending, no timer', cpu: r.cpu, note: `${r.instructions} instructions retired by the ${WINDOW_MS / 1000 + 0.5} s Run` });
    await s.client.destroyVm(vm.handle);
  }
  {
    const { vm, v } = await vmWith(s.client, TIMER_GUEST, 1, true);
    await v[0].run({ deadlineMs: 1000 });
    const ticks = async (): Promise<bigint> => readU64le(await vm.readMemory(STATS, 8));
    const run = v[0].run({ deadlineMs: WINDOW_MS + 3000 });
    await sleep(500);
    const t0 = await ticks();
    const cpu = await cpuWindow(pid);
    const n = (await ticks()) - t0;
    await v[0].kick();
    await run;
    rows.push({ scenario: '1 vCPU in WFI, 100 Hz virtual timer (GICv3)', cpu, note: `${n} timer interrupts taken in the ${WINDOW_MS / 1000} s window` });
    await s.client.destroyVm(vm.handle);
  }
  {
    const { vm, v } = await vmWith(s.client, BUSY_GUEST);
    await v[0].run({ deadlineMs: 1000 });
    const r = await duringRun(pid, v[0]);
    rows.push({ scenario: '1 vCPU busy loop', cpu: r.cpu, note: `${(Number(r.instructions) / 1e6).toFixed(0)} M instructions retired by the Run` });
    await s.client.destroyVm(vm.handle);
  }
  return rows;
}

interface Pct {
  p50: number;
  p99: number;
  max: number;
}
function pct(xs: number[]): Pct {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number): number => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  return { p50: at(50), p99: at(99), max: s[s.length - 1] };
}

interface LatencyResult {
  client: Pct;
  guest: Pct;
  rtt: Pct;
}

async function latency(s: Server): Promise<LatencyResult> {
  const { vm, v } = await vmWith(s.client, SPI_GUEST, 2, true);
  const [v0, v1] = v;
  // Warm the thread: set-up done, guest in WFI, nothing pending.
  const first = await v0.run({ deadlineMs: 1000 });
  if (first.reason !== 'KVM_EXIT_INTR') throw new Error(`set-up run ended with ${first.reason}`);
  const client: number[] = [];
  const guest: number[] = [];
  const rtt: number[] = [];
  for (let i = 0; i < WARM_SAMPLES + SAMPLES; i++) {
    const run = v0.run({ deadlineMs: 5000 });
    await sleep(15); // the vCPU is back in WFI
    const tc = performance.now();
    const cnt0 = await v1.getReg(KVM_REG_ARM_TIMER_CNT);
    const t0 = performance.now();
    await s.client.vm(vm.handle).irqLine(SPI_LINE, 1);
    const exit = await run;
    const t1 = performance.now();
    if (exit.reason !== 'KVM_EXIT_MMIO' || exit.mmio!.physAddr !== MMIO) throw new Error(`injection ${i}: ${exit.reason}`);
    const cnt = readU64le(exit.mmio!.data);
    // Level-sensitive: lowered before the handler's EOI (the next Run completes the MMIO write).
    await vm.irqLine(SPI_LINE, 0);
    if (i < WARM_SAMPLES) continue;
    client.push(t1 - t0);
    guest.push(Number(cnt - cnt0) / (CNTFRQ / 1e6) / 1000);
    rtt.push(t0 - tc);
  }
  await v0.run({ deadlineMs: 300 }); // EOI of the last one
  await s.client.destroyVm(vm.handle);
  return { client: pct(client), guest: pct(guest), rtt: pct(rtt) };
}

// -- report ---------------------------------------------------------------------------------------

function machine(): string[] {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch { /* keep os.cpus() */ }
  return [
    `| CPU | ${cpu}, ${os.cpus().length} cores visible |`,
    `| memory, OS | ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()} ${os.arch()} |`,
    `| node | ${process.version} |`,
  ];
}

const la = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' / ');
const ms = (x: number): string => x.toFixed(2);

async function main(): Promise<void> {
  const append = process.argv.includes('--append');
  const loadStart = os.loadavg();
  const s = await startServer();
  let rows: CpuRow[];
  let lat: LatencyResult;
  try {
    rows = await cpuScenarios(s);
    lat = await latency(s);
  } finally {
    s.client.close();
    s.child.kill('SIGTERM');
  }
  const loadEnd = os.loadavg();
  const out = [
    SECTION,
    '',
    `Measured by \`bench/interrupts.ts\` (\`${COMMAND}\`), ${new Date().toISOString().slice(0, 10)}. The server runs in its own process (\`node dist/server/main.js ${SERVER_ARGS.join(' ')}\`); the client is the benchmark process.`,
    '',
    '| machine | |',
    '|---|---|',
    ...machine(),
    `| load average (1/5/15 min) | at start ${la(loadStart)}, at end ${la(loadEnd)} |`,
    '',
    `Server-process CPU (utime + stime from /proc/<pid>/stat, all threads, vCPU workers included) over a ${WINDOW_MS / 1000} s window, % of one core; each VM's Run was in progress for 0.5 s before the window (long Run deadline, \`--run-slice-ms 10000\`):`,
    '',
    '| scenario | server CPU, % of one core | |',
    '|---|--:|---|',
    ...rows.map((r) => `| ${r.scenario} | ${r.cpu.toFixed(1)} | ${r.note} |`),
    '',
    `Latency of KVM_IRQ_LINE (SPI ${SPI}, GICv3, level high) to the guest's handler, vCPU in WFI, ${SAMPLES} samples after ${WARM_SAMPLES} warm-up ones. Client: from the IrqLine call's start to the Run's KVM_EXIT_MMIO (the handler's report) arriving at the client. In-guest: CNTVCT_EL0 read by the handler's first instruction minus KVM_REG_ARM_TIMER_CNT read (GetOneReg through vCPU 1, which never runs) just before IrqLine, at ${CNTFRQ / 1e6} MHz; it includes the GetOneReg reply's and the IrqLine request's trips (about one gRPC round trip, row 3).`,
    '',
    '| ms | p50 | p99 | max |',
    '|---|--:|--:|--:|',
    `| client: IrqLine call -> KVM_EXIT_MMIO received | ${ms(lat.client.p50)} | ${ms(lat.client.p99)} | ${ms(lat.client.max)} |`,
    `| in-guest: TIMER_CNT before IrqLine -> handler's CNTVCT_EL0 | ${ms(lat.guest.p50)} | ${ms(lat.guest.p99)} | ${ms(lat.guest.max)} |`,
    `| for scale: one GetOneReg round trip | ${ms(lat.rtt.p50)} | ${ms(lat.rtt.p99)} | ${ms(lat.rtt.max)} |`,
    '',
  ].join('\n');
  process.stdout.write(`${out}\n`);
  if (append) {
    const file = path.resolve(__dirname, '..', '..', 'BENCHMARKS.md');
    const text = fs.readFileSync(file, 'utf8');
    const end = text.indexOf('<!-- bench:results:end -->');
    const at = text.indexOf(`\n${SECTION}\n`, end < 0 ? 0 : end);
    // Replaces this section from an earlier run (always after the generated block), else appends.
    const kept = at < 0 ? text.replace(/\n*$/, '\n') : text.slice(0, at + 1);
    fs.writeFileSync(file, `${kept}\n${out}`);
    process.stdout.write(`written to ${file}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
