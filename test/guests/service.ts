/**
 * Runs a guest binary through the gRPC service the way a minimal VMM would: a VM with one
 * 16 MiB memory slot at 0x40000000 (the RAM base of QEMU virt), the flat binary written at its
 * load address, vCPU 0 initialised (PSCI 0.2 and later) with PC = entry, then KVM_RUN in a loop:
 *
 *  - MMIO writes to the PL011 data register (UARTDR, 0x09000000) are the guest's output; other
 *    MMIO writes are ignored;
 *  - MMIO reads complete with zeros (or what `onMmioRead` answers);
 *  - KVM_EXIT_INTR (the server's run slice) just runs again;
 *  - PSCI SYSTEM_OFF / SYSTEM_RESET (KVM_EXIT_SYSTEM_EVENT) end the run; any other exit is an error.
 *
 * By default the UART page is a coalesced-MMIO zone (KVM_REGISTER_COALESCED_MMIO), as VMMs do for
 * write-only device registers: the guest's characters are appended to the ring without leaving
 * KVM_RUN, and each Run drains it. That makes the output ~40x faster to collect than one
 * KVM_EXIT_MMIO per character (measured on the guests here); `coalesced: false` takes the
 * plain exit path for every character.
 */
import type { KvmClient, RunExit, VcpuHandle, VmHandle } from '../../clients/kvm-client';
import { REG } from '../../clients/kvm-client';

export const RAM_BASE = 0x40000000n;
export const RAM_SIZE = 16n << 20n;
export const UART_BASE = 0x09000000n;
/** UARTDR, the PL011 data register. */
export const UARTDR = UART_BASE;
const USERSPACE_BASE = 0x7e0000000000n;
const KVM_SYSTEM_EVENT_SHUTDOWN = 1;
const KVM_SYSTEM_EVENT_RESET = 2;

export interface ServiceRunOptions {
  /** vCPU id (MPIDR_EL1 follows it); default 0. */
  vcpuId?: number;
  /** Collect the UART through a coalesced-MMIO zone (default) or one MMIO exit per character. */
  coalesced?: boolean;
  /** Give up after this long (the result then has ended 'timeout'); default 60 s. */
  timeoutMs?: number;
  /** Completion data of an MMIO read; default zeros. */
  onMmioRead?: (addr: bigint, len: number) => Uint8Array | undefined;
  /** Called for MMIO writes other than UARTDR. */
  onMmioWrite?: (addr: bigint, data: Uint8Array) => void;
  /** Keep the VM (the caller inspects and destroys it); default: destroyed after the run. */
  keepVm?: boolean;
}

export interface ServiceRunResult {
  /** The UART output, one char per byte written. */
  output: string;
  /** 'shutdown' (PSCI SYSTEM_OFF), 'reset', 'error' (an unexpected exit: see `error`), 'timeout'. */
  ended: 'shutdown' | 'reset' | 'error' | 'timeout';
  error?: string;
  /** The last exit. */
  exit: RunExit;
  /** Run calls made, KVM_EXIT_MMIO exits among them, guest instructions executed. */
  runs: number;
  mmioExits: number;
  instructions: bigint;
  ms: number;
  vm?: VmHandle;
  vcpu?: VcpuHandle;
}

let nextUserspace = 0;

/**
 * Runs `image` on a fresh VM of the service `kvm` is connected to.
 * @example const r = await runOnService(t.client, buildGuest('dp-imm')); assert.is(r.ended, 'shutdown');
 */
export async function runOnService(
  kvm: KvmClient,
  image: { bin: Uint8Array; loadAddr: bigint; entry: bigint },
  opts: ServiceRunOptions = {},
): Promise<ServiceRunResult> {
  const t0 = performance.now();
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const coalesced = opts.coalesced ?? true;
  if (image.loadAddr < RAM_BASE || image.loadAddr + BigInt(image.bin.length) > RAM_BASE + RAM_SIZE) {
    throw new Error(`guest image 0x${image.loadAddr.toString(16)}+${image.bin.length} is outside the RAM slot`);
  }
  const vm = await kvm.createVm();
  try {
    // A distinct userspace range per VM: the server refuses overlapping live mappings.
    const userspaceAddr = USERSPACE_BASE + BigInt(nextUserspace++ % 1024) * RAM_SIZE;
    await vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: RAM_BASE, memorySize: RAM_SIZE, userspaceAddr });
    await vm.writeMemory(image.loadAddr, image.bin);
    if (coalesced) await vm.registerCoalescedMmio(UART_BASE, 0x1000);
    const vcpu = await vm.createVcpu(opts.vcpuId ?? 0);
    await vcpu.init();
    await vcpu.setReg(REG.PC, image.entry);

    const out: number[] = [];
    let runs = 0;
    let mmioExits = 0;
    let instructions = 0n;
    let mmioData: Uint8Array | undefined;
    const collect = (addr: bigint, data: Uint8Array): void => {
      if (addr === UARTDR) out.push(data[0]);
      else opts.onMmioWrite?.(addr, data);
    };
    for (;;) {
      const left = timeoutMs - (performance.now() - t0);
      const exit = await vcpu.run({ mmioData, drainCoalesced: coalesced, deadlineMs: Math.max(200, Math.min(10_000, left)) });
      mmioData = undefined;
      runs++;
      instructions += exit.instructions;
      for (const e of exit.coalesced) if (e.pio === 0) collect(e.physAddr, e.data.subarray(0, e.len));
      const done = (ended: ServiceRunResult['ended'], error?: string): ServiceRunResult => ({
        output: Buffer.from(out).toString('latin1'), ended, error, exit, runs, mmioExits, instructions,
        ms: performance.now() - t0, ...(opts.keepVm ? { vm, vcpu } : {}),
      });
      if (exit.errno === 'EINTR' || exit.reason === 'KVM_EXIT_INTR') {
        // The run slice or a signal: run again.
      } else if (exit.reason === 'KVM_EXIT_MMIO' && exit.mmio) {
        mmioExits++;
        const { physAddr, len, isWrite, data } = exit.mmio;
        if (isWrite) collect(physAddr, data);
        else mmioData = opts.onMmioRead?.(physAddr, len) ?? new Uint8Array(len);
      } else if (exit.reason === 'KVM_EXIT_SYSTEM_EVENT' && exit.systemEvent?.type === KVM_SYSTEM_EVENT_SHUTDOWN) {
        return done('shutdown');
      } else if (exit.reason === 'KVM_EXIT_SYSTEM_EVENT' && exit.systemEvent?.type === KVM_SYSTEM_EVENT_RESET) {
        return done('reset');
      } else {
        const pc = await vcpu.getReg(REG.PC);
        return done('error', `unexpected ${exit.reason} ${JSON.stringify(exit, (_, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))} at PC 0x${pc.toString(16)}`);
      }
      if (performance.now() - t0 > timeoutMs) return done('timeout', `no SYSTEM_OFF within ${timeoutMs} ms`);
    }
  } finally {
    if (!opts.keepVm) await kvm.destroyVm(vm.handle).catch(() => undefined);
  }
}
