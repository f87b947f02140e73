/**
 * The composition root of the emulated machine: the ports vmcore's VMs need (vm-ports.ts),
 * built from devices/ — the VGIC, the vCPU attribute groups, the SMCCC filter, the coalesced
 * MMIO ring, PSCI — and the worker threads that run vCPUs (server/vcpu-worker.ts), which also
 * host each vCPU's generic timer and its side of the VGIC.
 */
import * as path from 'node:path';
import type { VmPorts, PortVm, PortVcpu, VcpuAttrsPort, VmAttrsPort, HypercallVm } from '../vmcore/vm-ports';
import { WorkerVcpuThreadFactory } from '../vmcore/worker-vcpu-thread';
import { KVM_REG_ARM_STD_HYP_BMAP, KVM_REG_ARM_VENDOR_HYP_BMAP } from '../vmcore/fw-regs';
import { Vgic } from '../devices/vgic/vgic';
import { CoalescedMmio } from '../devices/coalesced-mmio';
import { VmAttrState } from '../devices/vcpu-attrs/vm-attr-state';
import { setVcpuAttr, getVcpuAttr, hasVcpuAttr, firstRunCheck } from '../devices/vcpu-attrs/vcpu-attr-groups';
import { timerPpis } from '../devices/vcpu-attrs/timer-ctrl';
import { counterOriginNs } from '../devices/arch-timer/arch-counter';
import type { VcpuWorkerExtra } from './vcpu-worker';
import { setVmAttr, getVmAttr, hasVmAttr, smcccFilterAction } from '../devices/smccc-filter';
import { Psci } from '../devices/psci';

/** The worker entry next to this file: vcpu-worker.ts under ts-node, vcpu-worker.js in dist/. */
export const VCPU_WORKER_SCRIPT = path.join(__dirname, `vcpu-worker${path.extname(__filename)}`);

/** One VmAttrState per VM, shared by the vCPU attribute groups and the VM attributes. */
const attrStates = new WeakMap<PortVm, VmAttrState>();
const attrState = (vm: PortVm): VmAttrState => {
  let s = attrStates.get(vm);
  if (!s) attrStates.set(vm, (s = new VmAttrState()));
  return s;
};

/** The VGIC of each VM that has one (the timer's first-run claim reaches it). */
const vgics = new WeakMap<PortVm, Vgic>();

function vcpuAttrs(vm: PortVm): VcpuAttrsPort {
  const st = attrState(vm);
  return {
    set: (v: PortVcpu, g, a, val) => setVcpuAttr(vm, st, v, st.vcpu(v.index), g, a, val),
    get: (v: PortVcpu, g, a) => getVcpuAttr(vm, st, v, st.vcpu(v.index), g, a),
    has: (v: PortVcpu, g, a) => hasVcpuAttr(vm, st, v, st.vcpu(v.index), g, a),
    firstRunCheck: (v: PortVcpu) => {
      const vs = st.vcpu(v.index);
      try {
        firstRunCheck(vm, st, v, vs);
      } finally {
        // kvm_timer_enable claimed the PPIs in the VGIC (kept even if the PMU step then fails).
        const gic = vgics.get(vm);
        if (gic && vs.timerEnabled) {
          const p = timerPpis(st);
          gic.claimTimerPpis(v, p.vtimer, p.ptimer);
        }
      }
    },
  };
}

function vmAttrs(vm: PortVm): VmAttrsPort {
  const st = attrState(vm);
  return {
    set: (g, a, val) => setVmAttr(vm, st, g, a, val),
    get: (g, a) => getVmAttr(g, a),
    has: (g, a) => hasVmAttr(g, a),
    action: (fn) => smcccFilterAction(st, fn),
  };
}

export interface MachineOptions {
  /** V8 heap limit of each vCPU thread: a guest cannot exhaust the server's memory through it. */
  vcpuHeapMb?: number;
}

export function machinePorts(opts: MachineOptions = {}): VmPorts {
  // vCPU threads count the generic counter from the main thread's origin (arch-counter.ts).
  const extra: VcpuWorkerExtra = { counterOriginNs: counterOriginNs() };
  return {
    createIrqchip: (model, vm) => {
      const gic = new Vgic(model, vm);
      vgics.set(vm, gic);
      return gic;
    },
    vcpuAttrs,
    vmAttrs,
    coalesced: () => new CoalescedMmio(),
    hypercalls: (vm: HypercallVm) => {
      const fw = vm.fw;
      return new Psci(vm, {
        stdHypBitmap: () => fw.bitmap(KVM_REG_ARM_STD_HYP_BMAP),
        vendorHypBitmap: () => fw.bitmap(KVM_REG_ARM_VENDOR_HYP_BMAP),
        workaround: (n) => fw.workaround(n),
      });
    },
    threads: new WorkerVcpuThreadFactory(VCPU_WORKER_SCRIPT, { maxOldGenerationSizeMb: opts.vcpuHeapMb ?? 64 }, extra),
  };
}
