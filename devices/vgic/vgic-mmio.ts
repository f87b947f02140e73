/**
 * One guest access to a GIC frame, from whichever thread takes it (a vCPU thread normally, the
 * main thread through Vm.inKernelMmio as a fallback): the register access under the VGIC lock,
 * then delivery. A write to a banked frame (a redistributor, the GICv2 CPU interface) can change
 * what its vCPU is signalled; a distributor write can change any vCPU's. Reads of the CPU
 * interface that acknowledge deliver themselves (vgic-cpuif.ts). Accesses no register claims read
 * as zero, are ignored and are counted (house style: "Unknown offsets ... are counted").
 */
import { deliver, deliverAll } from './vgic-cpuif';
import type { VgicVcpu } from './vgic-host';
import type { VgicRegisterFrame } from './vgic-register-frame';
import { D_UNHANDLED } from './vgic-shared';
import type { VgicState } from './vgic-state';

function unhandled(s: VgicState): void {
  Atomics.add(s.d, D_UNHANDLED, 1);
}

function afterWrite(s: VgicState, frame: VgicRegisterFrame, vcpu: VgicVcpu): void {
  if (frame.banked) deliver(s, s.cpu(vcpu));
  else deliverAll(s);
}

/** Guest read of 1, 2 or 4 bytes at `offset` of `frame`, banked as `vcpu`. */
export function guestRead(s: VgicState, frame: VgicRegisterFrame, vcpu: VgicVcpu, offset: number, len: number): number {
  return s.locked(() => {
    const r = frame.find(offset, len, s.nrIrqs, false);
    if (!r) {
      unhandled(s);
      return 0;
    }
    return r.read(s, vcpu, offset, len) >>> 0;
  });
}

/** Guest write of 1, 2 or 4 bytes. */
export function guestWrite(s: VgicState, frame: VgicRegisterFrame, vcpu: VgicVcpu, offset: number, len: number, value: number): void {
  s.locked(() => {
    if (!frame.mmioWrite(s, vcpu, offset, len, value)) unhandled(s);
    afterWrite(s, frame, vcpu);
  });
}

/** Guest 64-bit read, the halves written to out[0] (low) and out[1]. */
export function guestRead64(s: VgicState, frame: VgicRegisterFrame, vcpu: VgicVcpu, offset: number, out: Int32Array): void {
  s.locked(() => {
    const r = frame.mmioRead64(s, vcpu, offset);
    if (!r) unhandled(s);
    out[0] = r ? r[0] : 0;
    out[1] = r ? r[1] : 0;
  });
}

/** Guest 64-bit write of [lo, hi]. */
export function guestWrite64(s: VgicState, frame: VgicRegisterFrame, vcpu: VgicVcpu, offset: number, lo: number, hi: number): void {
  s.locked(() => {
    if (!frame.mmioWrite64(s, vcpu, offset, lo, hi)) unhandled(s);
    afterWrite(s, frame, vcpu);
  });
}
