/**
 * The system object: what /dev/kvm is (spec §3). Creates VMs (KVM_CREATE_VM with the arm64
 * IPA-size machine type), answers system-fd capabilities, keeps the VM table, and enforces the
 * server's limits on VMs and guest memory (refusals carry the quota's name).
 */
import { check, KvmError } from './errno';
import { KVM_API_VERSION, KVM_VM_TYPE_ARM_IPA_SIZE_MASK, PAGE_SIZE } from './kvm-constants';
import { HOST } from './host-choices';
import { checkExtension } from './capabilities';
import { Vm, VmObserver } from './vm';
import type { VmPorts } from './vm-ports';

export interface SystemLimits {
  maxVms: number;
  maxVcpusPerVm: number;
  maxMemoryPerVm: number;
  maxMemoryTotal: number;
  /** Instructions between kick/deadline checks inside a run slice. */
  chunk: number;
}

export class KvmSystem {
  private readonly vms = new Map<bigint, Vm>();
  private nextHandle = 1n;
  private memoryTotal = 0;

  constructor(readonly ports: VmPorts, readonly limits: SystemLimits, readonly observer: VmObserver = {}) {}

  getApiVersion(): number {
    return KVM_API_VERSION;
  }

  checkExtension(cap: number): number {
    return checkExtension(cap);
  }

  /** KVM_GET_VCPU_MMAP_SIZE (§3.4): kvm_run page + coalesced ring page. */
  getVcpuMmapSize(): number {
    return 2 * PAGE_SIZE;
  }

  /** KVM_CREATE_VM (§3.2). */
  createVm(type: bigint): Vm {
    check((type & ~BigInt(KVM_VM_TYPE_ARM_IPA_SIZE_MASK)) === 0n, 'EINVAL', `machine type 0x${type.toString(16)} has bits outside the IPA size field`);
    const n = Number(type);
    const ipaBits = n === 0 ? HOST.IPA_DEFAULT : n;
    check(n === 0 || (n >= 32 && n <= HOST.IPA_LIMIT), 'EINVAL', `IPA size ${n} is outside 32..${HOST.IPA_LIMIT}`);
    if (this.vms.size >= this.limits.maxVms) {
      throw new KvmError('ENOSPC', `server limit: at most ${this.limits.maxVms} VMs`, { quota: 'max_vms' });
    }
    const handle = this.nextHandle++;
    let vmBytes = 0;
    const vm = new Vm(handle, ipaBits, this.ports, {
      maxVcpus: this.limits.maxVcpusPerVm,
      chunk: this.limits.chunk,
      allocate: (bytes) => {
        if (vmBytes + bytes > this.limits.maxMemoryPerVm) {
          throw new KvmError('ENOMEM', `server limit: at most ${this.limits.maxMemoryPerVm} bytes of guest memory per VM`, { quota: 'max_memory_per_vm' });
        }
        if (this.memoryTotal + bytes > this.limits.maxMemoryTotal) {
          throw new KvmError('ENOMEM', `server limit: at most ${this.limits.maxMemoryTotal} bytes of guest memory in total`, { quota: 'max_memory_total' });
        }
        vmBytes += bytes;
        this.memoryTotal += bytes;
      },
      release: (bytes) => {
        vmBytes -= bytes;
        this.memoryTotal -= bytes;
      },
    }, this.observer);
    this.vms.set(handle, vm);
    return vm;
  }

  vm(handle: bigint): Vm {
    const vm = this.vms.get(handle);
    if (!vm) throw new KvmError('EBADF', `no VM ${handle}`);
    return vm;
  }

  list(): Vm[] {
    return [...this.vms.values()];
  }

  get guestMemoryBytes(): number {
    return this.memoryTotal;
  }

  /** close() of the VM fd: running vCPUs are kicked out, memory released. */
  async destroyVm(handle: bigint): Promise<void> {
    const vm = this.vm(handle);
    this.vms.delete(handle);
    await vm.destroy();
  }

  async destroyAll(): Promise<void> {
    await Promise.all([...this.vms.keys()].map((h) => this.destroyVm(h)));
  }
}
