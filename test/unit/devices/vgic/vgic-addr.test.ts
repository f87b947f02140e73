// Group ADDR, KVM_ARM_SET_DEVICE_ADDR, redistributor regions and assignment, GICR_TYPER.Last and
// the first-run layout checks (spec §9.3, §10.2, §10.11, §10.12). Sequences follow
// tools/testing/selftests/kvm/arm64/vgic_init.c.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  KVM_DEV_ARM_VGIC_CTRL_INIT,
  KVM_DEV_ARM_VGIC_GRP,
  KVM_VGIC_ITS_ADDR_TYPE,
  KVM_VGIC_V2_ADDR_TYPE_CPU,
  KVM_VGIC_V2_ADDR_TYPE_DIST,
  KVM_VGIC_V3_ADDR_TYPE_DIST,
  KVM_VGIC_V3_ADDR_TYPE_REDIST,
  KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION,
  VGIC_ADDR_UNDEF,
} from '../../../../vmcore/kvm-constants';
import type { Vgic } from '../../../../devices/vgic/vgic';
import { GICR_TYPER } from '../../../../devices/vgic/vgic-v3-redist';
import { asU32, asU64, FakeHost, makeGic, redistRegion, regAttr, throwsErrno, u32, u64 } from './fake-vgic-host';

const ADDR = KVM_DEV_ARM_VGIC_GRP.KVM_DEV_ARM_VGIC_GRP_ADDR;
const REDIST_REGS = KVM_DEV_ARM_VGIC_GRP.KVM_DEV_ARM_VGIC_GRP_REDIST_REGS;
const CTRL = KVM_DEV_ARM_VGIC_GRP.KVM_DEV_ARM_VGIC_GRP_CTRL;
const V2_DIST = BigInt(KVM_VGIC_V2_ADDR_TYPE_DIST);
const V2_CPU = BigInt(KVM_VGIC_V2_ADDR_TYPE_CPU);
const V3_DIST = BigInt(KVM_VGIC_V3_ADDR_TYPE_DIST);
const V3_REDIST = BigInt(KVM_VGIC_V3_ADDR_TYPE_REDIST);
const V3_REGION = BigInt(KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION);
const NR_VCPUS = 4;

const setAddr = (gic: Vgic, type: bigint, v: bigint) => gic.setAttr(ADDR, type, u64(v));
const getAddr = (gic: Vgic, type: bigint, v = 0n) => asU64(gic.getAttr(ADDR, type, u64(v)));
const ctrlInit = (gic: Vgic) => gic.setAttr(CTRL, BigInt(KVM_DEV_ARM_VGIC_CTRL_INIT), new Uint8Array(0));
const typer = (gic: Vgic, vcpu: number) => asU32(gic.getAttr(REDIST_REGS, regAttr(vcpu, GICR_TYPER), u32(0)));
const ids = (n: number) => Array.from({ length: n }, (_, i) => i);

// -- HAS, GET and the common SET rules ----------------------------------------------------------

test('HAS ADDR: the types of the model exist, the other model, ITS and -1 are ENXIO', () => {
  const { gic: v3 } = makeGic('v3');
  for (const t of [V3_DIST, V3_REDIST, V3_REGION]) v3.hasAttr(ADDR, t);
  for (const t of [V2_DIST, V2_CPU, BigInt(KVM_VGIC_ITS_ADDR_TYPE), 6n, 0xffffffffffffffffn]) throwsErrno(() => v3.hasAttr(ADDR, t), 'ENXIO');
  const { gic: v2 } = makeGic('v2');
  for (const t of [V2_DIST, V2_CPU]) v2.hasAttr(ADDR, t);
  for (const t of [V3_DIST, V3_REDIST, V3_REGION, 0xffffffffffffffffn]) throwsErrno(() => v2.hasAttr(ADDR, t), 'ENXIO');
});

test('GET of an unset base is VGIC_ADDR_UNDEF; GET of a foreign type is ENXIO', () => {
  const { gic } = makeGic('v3', [0]);
  assert.is(getAddr(gic, V3_DIST), VGIC_ADDR_UNDEF);
  assert.is(getAddr(gic, V3_REDIST), VGIC_ADDR_UNDEF);
  throwsErrno(() => gic.getAttr(ADDR, V2_DIST), 'ENXIO');
  throwsErrno(() => gic.getAttr(ADDR, 9n), 'ENXIO');
  const { gic: v2 } = makeGic('v2');
  assert.is(getAddr(v2, V2_DIST), VGIC_ADDR_UNDEF);
  assert.is(getAddr(v2, V2_CPU), VGIC_ADDR_UNDEF);
  throwsErrno(() => v2.getAttr(ADDR, V3_DIST), 'ENXIO');
});

test('SET of a foreign or unknown type is ENXIO (ENODEV inside), and EFAULT comes first', () => {
  const { gic } = makeGic('v3', [0]);
  throwsErrno(() => setAddr(gic, V2_DIST, 0n), 'ENXIO');
  throwsErrno(() => setAddr(gic, V2_CPU, 0n), 'ENXIO');
  throwsErrno(() => setAddr(gic, BigInt(KVM_VGIC_ITS_ADDR_TYPE), 0n), 'ENXIO');
  throwsErrno(() => setAddr(gic, 0xffffffffffffffffn, 0n), 'ENXIO');
  throwsErrno(() => gic.setAttr(ADDR, V3_DIST, u32(0)), 'EFAULT', 'a u64 is read from addr');
  throwsErrno(() => gic.setAttr(ADDR, 9n, new Uint8Array(0)), 'EFAULT', 'get_user precedes the type switch');
  const { gic: v2 } = makeGic('v2');
  throwsErrno(() => setAddr(v2, V3_DIST, 0n), 'ENXIO');
  throwsErrno(() => setAddr(v2, V3_REGION, redistRegion(1, 0x100000n, 0, 0)), 'ENXIO');
});

test('v3 DIST: EEXIST before EINVAL before E2BIG; a rejected SET changes nothing', () => {
  const { host, gic } = makeGic('v3', [0]);
  const max = host.maxPhysSize;
  throwsErrno(() => setAddr(gic, V3_DIST, 0x1000n), 'EINVAL', 'not 64 KiB aligned');
  throwsErrno(() => setAddr(gic, V3_DIST, 0xffffffffffff0000n), 'EINVAL', 'base + 64 KiB wraps');
  throwsErrno(() => setAddr(gic, V3_DIST, max), 'E2BIG', 'beyond the IPA space');
  throwsErrno(() => setAddr(gic, V3_DIST, 1n << 50n), 'E2BIG', 'bits above the IPA size');
  assert.is(getAddr(gic, V3_DIST), VGIC_ADDR_UNDEF, 'nothing stored by the rejected calls');
  setAddr(gic, V3_DIST, max - 0x10000n); // the last 64 KiB fits exactly
  assert.is(getAddr(gic, V3_DIST), max - 0x10000n);
  throwsErrno(() => setAddr(gic, V3_DIST, 0x10000n), 'EEXIST');
  throwsErrno(() => setAddr(gic, V3_DIST, 0x1000n), 'EEXIST', 'EEXIST is checked before alignment');
});

test('v2 DIST and CPU (subtest_dist_rdist): alignment, IPA range, half a CPU interface, EEXIST, no overlap check', () => {
  const { host, gic } = makeGic('v2');
  const max = host.maxPhysSize;
  throwsErrno(() => setAddr(gic, V2_DIST, 0x100n), 'EINVAL');
  throwsErrno(() => setAddr(gic, V2_CPU, 0x100n), 'EINVAL');
  throwsErrno(() => setAddr(gic, V2_DIST, max), 'E2BIG');
  throwsErrno(() => setAddr(gic, V2_CPU, max), 'E2BIG');
  throwsErrno(() => setAddr(gic, V2_CPU, max - 0x1000n), 'E2BIG', 'the 8 KiB CPU interface only half fits');
  setAddr(gic, V2_CPU, 0n);
  throwsErrno(() => setAddr(gic, V2_CPU, 0xe0000n), 'EEXIST');
  setAddr(gic, V2_DIST, 0x1000n); // overlaps the CPU interface: accepted here (§10.2)
  assert.is(getAddr(gic, V2_DIST), 0x1000n);
  assert.is(getAddr(gic, V2_CPU), 0n);
});

// -- KVM_ARM_SET_DEVICE_ADDR (§9.3) ---------------------------------------------------------------

test('legacySetAddr shares the stored bases with group ADDR', () => {
  const { gic } = makeGic('v2', [0]);
  gic.legacySetAddr(KVM_VGIC_V2_ADDR_TYPE_DIST, 0x8000000n);
  assert.is(getAddr(gic, V2_DIST), 0x8000000n);
  setAddr(gic, V2_CPU, 0x8010000n);
  throwsErrno(() => gic.legacySetAddr(KVM_VGIC_V2_ADDR_TYPE_CPU, 0x9000000n), 'EEXIST');
  throwsErrno(() => gic.legacySetAddr(KVM_VGIC_V2_ADDR_TYPE_DIST, 0x9000000n), 'EEXIST');
});

test('legacySetAddr: ENODEV for an unknown type or a GICv3; the iorange errnos otherwise', () => {
  const { host, gic } = makeGic('v2', [0]);
  throwsErrno(() => gic.legacySetAddr(2, 0n), 'ENODEV', 'a v3 type is unknown on this path');
  throwsErrno(() => gic.legacySetAddr(0xffff, 0n), 'ENODEV');
  throwsErrno(() => gic.legacySetAddr(KVM_VGIC_V2_ADDR_TYPE_DIST, 0x800n), 'EINVAL');
  throwsErrno(() => gic.legacySetAddr(KVM_VGIC_V2_ADDR_TYPE_CPU, host.maxPhysSize - 0x1000n), 'E2BIG');
  const { gic: v3 } = makeGic('v3', [0]);
  throwsErrno(() => v3.legacySetAddr(KVM_VGIC_V2_ADDR_TYPE_DIST, 0n), 'ENODEV', 'no GICv2 model');
  throwsErrno(() => v3.legacySetAddr(KVM_VGIC_V3_ADDR_TYPE_DIST, 0n), 'ENODEV');
});

// -- legacy REDIST ------------------------------------------------------------------------------

test('legacy REDIST (subtest_dist_rdist, 4 vCPUs): EINVAL, E2BIG, half a redistributor, EEXIST, no mixing', () => {
  const { host, gic } = makeGic('v3', ids(NR_VCPUS));
  const max = host.maxPhysSize;
  throwsErrno(() => setAddr(gic, V3_DIST, 0x1000n), 'EINVAL');
  throwsErrno(() => setAddr(gic, V3_REDIST, 0x1000n), 'EINVAL');
  throwsErrno(() => setAddr(gic, V3_DIST, max), 'E2BIG');
  throwsErrno(() => setAddr(gic, V3_REDIST, max), 'E2BIG');
  throwsErrno(() => setAddr(gic, V3_REDIST, max - 0x10000n), 'E2BIG', 'half of the redistributor is beyond the IPA limit');
  setAddr(gic, V3_REDIST, 0n);
  assert.is(getAddr(gic, V3_REDIST), 0n);
  throwsErrno(() => setAddr(gic, V3_REDIST, 0xe0000n), 'EEXIST', 'a second legacy region');
  throwsErrno(() => setAddr(gic, V3_REGION, redistRegion(NR_VCPUS, 0x100000n, 0, 0)), 'EINVAL', 'REDIST_REGION after REDIST, index 0');
  throwsErrno(() => setAddr(gic, V3_REGION, redistRegion(NR_VCPUS, 0x100000n, 0, 1)), 'EINVAL', 'REDIST_REGION after REDIST, any index');
  setAddr(gic, V3_DIST, 0x70000n); // overlaps the legacy region: only the first run sees it
  assert.is(getAddr(gic, V3_DIST), 0x70000n);
});

test('legacy REDIST sized by the vCPUs that exist: overlap with an existing DIST is EINVAL', () => {
  const { gic } = makeGic('v3', ids(2));
  setAddr(gic, V3_DIST, 0x40000n);
  throwsErrno(() => setAddr(gic, V3_REDIST, 0x10000n), 'EINVAL', '[0x10000, 0x50000) overlaps the distributor');
  assert.is(getAddr(gic, V3_REDIST), VGIC_ADDR_UNDEF);
  setAddr(gic, V3_REDIST, 0n); // [0, 0x40000) ends where the distributor starts
});

test('legacy REDIST with no vCPUs has size 0: it fits anywhere inside the IPA space', () => {
  const { host, gic } = makeGic('v3');
  setAddr(gic, V3_REDIST, host.maxPhysSize - 0x10000n);
  assert.is(getAddr(gic, V3_REDIST), host.maxPhysSize - 0x10000n);
});

// -- REDIST_REGION (§10.2 insertion rules) --------------------------------------------------------

/** subtest_v3_redist_regions: leaves region 0 @0x200000 x2, region 1 @0x240000 x1, DIST @0x260000. */
function subtestV3RedistRegions(host: FakeHost, gic: Vgic): void {
  const max = host.maxPhysSize;
  gic.hasAttr(ADDR, V3_REDIST);
  throwsErrno(() => setAddr(gic, V3_REGION, redistRegion(NR_VCPUS, 0x100000n, 2, 0)), 'EINVAL', 'flags != 0');
  throwsErrno(() => setAddr(gic, V3_REGION, redistRegion(0, 0x100000n, 0, 0)), 'EINVAL', 'count == 0');
  throwsErrno(() => setAddr(gic, V3_REGION, redistRegion(2, 0x200000n, 0, 1)), 'EINVAL', 'first region with index != 0');
  throwsErrno(() => setAddr(gic, V3_REGION, redistRegion(2, 0x201000n, 0, 1)), 'EINVAL', 'misaligned address');
  setAddr(gic, V3_REGION, redistRegion(2, 0x200000n, 0, 0));
  throwsErrno(() => setAddr(gic, V3_REGION, redistRegion(2, 0x200000n, 0, 1)), 'EINVAL', 'already used base');
  throwsErrno(() => setAddr(gic, V3_REGION, redistRegion(1, 0x210000n, 0, 2)), 'EINVAL', 'overlap with another region');
  throwsErrno(() => setAddr(gic, V3_REGION, redistRegion(1, 0x240000n, 0, 2)), 'EINVAL', 'index not +1');
  setAddr(gic, V3_REGION, redistRegion(1, 0x240000n, 0, 1));
  throwsErrno(() => setAddr(gic, V3_REGION, redistRegion(1, max, 0, 2)), 'E2BIG', 'base beyond the IPA range');
  throwsErrno(() => setAddr(gic, V3_REGION, redistRegion(2, max - 0x30000n, 0, 2)), 'E2BIG', 'top beyond the IPA range');
  throwsErrno(() => setAddr(gic, V3_REDIST, 0x260000n), 'EINVAL', 'legacy REDIST after REDIST_REGION');
  assert.is(getAddr(gic, V3_REGION, redistRegion(0, 0n, 0, 0)), redistRegion(2, 0x200000n, 0, 0));
  assert.is(getAddr(gic, V3_REGION, redistRegion(0, 0n, 0, 1)), redistRegion(1, 0x240000n, 0, 1));
  throwsErrno(() => gic.getAttr(ADDR, V3_REGION, u64(redistRegion(0, 0n, 0, 2))), 'ENOENT');
  setAddr(gic, V3_DIST, 0x260000n);
  throwsErrno(() => setAddr(gic, V3_REGION, redistRegion(1, 0x260000n, 0, 2)), 'EINVAL', 'region colliding with the distributor');
}

test('REDIST_REGION insertion rules and GET by index (subtest_v3_redist_regions)', () => {
  const { host, gic } = makeGic('v3', ids(NR_VCPUS));
  subtestV3RedistRegions(host, gic);
  assert.is(getAddr(gic, V3_REDIST), 0x200000n, 'REDIST GET returns the first region base');
});

test('GET REDIST_REGION reads its index from the value: a missing value is EFAULT', () => {
  const { gic } = makeGic('v3', [0]);
  throwsErrno(() => gic.getAttr(ADDR, V3_REGION), 'EFAULT');
  throwsErrno(() => gic.getAttr(ADDR, V3_REGION, u32(0)), 'EFAULT');
  throwsErrno(() => gic.getAttr(ADDR, V3_REGION, u64(0n)), 'ENOENT');
});

test('a REDIST_REGION overlapping the distributor is EINVAL even with no vCPU to place (§10.2 rule 6)', () => {
  const { gic } = makeGic('v3');
  setAddr(gic, V3_DIST, 0x100000n);
  throwsErrno(() => setAddr(gic, V3_REGION, redistRegion(1, 0xf0000n, 0, 0)), 'EINVAL');
  setAddr(gic, V3_REGION, redistRegion(1, 0xe0000n, 0, 0)); // [0xe0000, 0x100000) touches, no overlap
});

test('new-style regions may be added after CTRL_INIT (checked at the first run)', () => {
  const { gic } = makeGic('v3', [0]);
  ctrlInit(gic);
  setAddr(gic, V3_REGION, redistRegion(1, 0x100000n, 0, 0));
  setAddr(gic, V3_DIST, 0x200000n);
  gic.mapResources();
  assert.ok(gic.ready);
});

// -- assignment and GICR_TYPER (§10.2, §10.12) --------------------------------------------------------

test('test_v3_typer_accesses: EINVAL for a missing vCPU, EBUSY before init, assignment in index order, Last', () => {
  const host = new FakeHost();
  host.addVcpu(0);
  const { gic } = makeGic('v3', [], host);
  host.addVcpu(3);
  throwsErrno(() => typer(gic, 1), 'EINVAL', 'GICR_TYPER of a vCPU that does not exist');
  host.addVcpu(1);
  throwsErrno(() => typer(gic, 1), 'EBUSY', 'GICR_TYPER before the GIC is initialised');
  host.addVcpu(2);
  ctrlInit(gic);
  for (let i = 0; i < NR_VCPUS; i++) assert.is(typer(gic, i), i * 0x100, 'no redistributor yet: Last reads 0');
  setAddr(gic, V3_REGION, redistRegion(2, 0x200000n, 0, 0));
  assert.is(typer(gic, 0), 0x0, 'rdist #0');
  assert.is(typer(gic, 3), 0x310, 'vCPU 3 in slot 1 of a 2-slot region (§10.12 example)');
  throwsErrno(() => setAddr(gic, V3_REGION, redistRegion(10, 0x100000n, 0, 1)), 'EINVAL', 'collision with the previous region');
  assert.is(typer(gic, 1), 0x100);
  assert.is(typer(gic, 2), 0x200);
  setAddr(gic, V3_REGION, redistRegion(10, 0x20000n, 0, 1));
  assert.is(typer(gic, 1), 0x100);
  assert.is(typer(gic, 2), 0x210, 'last allocated slot of a region not yet full');
});

test('test_v3_last_bit_redist_regions: contiguous regions move the Last bit', () => {
  const vcpuids = [0, 3, 5, 4, 1, 2];
  const { gic } = makeGic('v3', vcpuids);
  ctrlInit(gic);
  setAddr(gic, V3_REGION, redistRegion(2, 0x100000n, 0, 0));
  setAddr(gic, V3_REGION, redistRegion(2, 0x240000n, 0, 1));
  setAddr(gic, V3_REGION, redistRegion(2, 0x200000n, 0, 2));
  assert.is(typer(gic, 0), 0x000);
  assert.is(typer(gic, 1), 0x100);
  assert.is(typer(gic, 2), 0x200, 'final slot of region #2, but region #1 starts at its end');
  assert.is(typer(gic, 3), 0x310);
  assert.is(typer(gic, 5), 0x500);
  assert.is(typer(gic, 4), 0x410);
});

test('test_v3_last_bit_single_rdist: the most recently assigned vCPU of a legacy region is Last', () => {
  const { gic } = makeGic('v3', [0, 3, 5, 4, 1, 2]);
  ctrlInit(gic);
  setAddr(gic, V3_REDIST, 0x10000n);
  assert.is(typer(gic, 0), 0x000);
  assert.is(typer(gic, 3), 0x300);
  assert.is(typer(gic, 5), 0x500);
  assert.is(typer(gic, 1), 0x100);
  assert.is(typer(gic, 2), 0x210, 'Processor_Number << 8 | 0x10 (§10.12 example)');
});

test('a vCPU created while a region has room gets the next slot; the Last bit follows', () => {
  const { host, gic } = makeGic('v3', [0]);
  setAddr(gic, V3_REGION, redistRegion(3, 0x100000n, 0, 0));
  host.addVcpu(7);
  host.addVcpu(8);
  host.addVcpu(9); // no room left: no redistributor
  ctrlInit(gic);
  assert.is(typer(gic, 7), 0x700);
  assert.is(typer(gic, 8), 0x810, 'the final slot of the only region');
  assert.is(typer(gic, 9), 0x900, 'no redistributor: Last 0');
  const d = gic.describe();
  assert.match(d.redistributors, 'vcpu8=0x140000');
  assert.match(d.redistributors, 'vcpu9=unset');
});

test('GICR_TYPER high word is the MPIDR affinity Aff3.Aff2.Aff1.Aff0; REDIST_REGS finds the vCPU by it', () => {
  const { host, gic } = makeGic('v3', [0, 17]);
  host.vcpu(0).mpidrValue = 0x80000000n | (0x12n << 32n) | 0x345678n;
  ctrlInit(gic);
  // id 17: Aff1 = 1, Aff0 = 1 (§5.3): packed 0x0101.
  assert.is(typer(gic, 0x0101), 0x1100);
  assert.is(asU32(gic.getAttr(REDIST_REGS, regAttr(0x0101, GICR_TYPER + 4))), 0x0101);
  const packed = 0x12345678;
  assert.is(asU32(gic.getAttr(REDIST_REGS, regAttr(packed, GICR_TYPER + 4))), packed);
  throwsErrno(() => typer(gic, 0), 'EINVAL', 'vCPU 0 no longer has affinity 0');
});

// -- re-validation when a vCPU is created (§10.11) ------------------------------------------------------

test('vCPU creation re-validates a legacy layout without counting the new vCPU; failure removes it', () => {
  const { host, gic } = makeGic('v3', [0]);
  setAddr(gic, V3_REDIST, host.maxPhysSize - 2n * 0x20000n);
  host.addVcpu(1); // 1 online: 128 KiB checked
  host.addVcpu(2); // 2 online: 256 KiB fits exactly
  throwsErrno(() => host.addVcpu(3), 'EINVAL', '3 online x 128 KiB no longer fits');
  assert.is(host.list.length, 3, 'the failed vCPU is gone');
  ctrlInit(gic);
  assert.is(typer(gic, 2), 0x210, 'nothing was assigned for the failed vCPU');
});

test('vCPU creation: a grown legacy region overlapping the distributor is EINVAL', () => {
  const { host, gic } = makeGic('v3', [0]);
  setAddr(gic, V3_REDIST, 0n);
  setAddr(gic, V3_DIST, 0x40000n);
  host.addVcpu(1);
  host.addVcpu(2); // [0, 0x40000) with 2 online: touches only
  throwsErrno(() => host.addVcpu(3), 'EINVAL');
});

test('onVcpuCreated after init is EBUSY (§1.1 rule 5)', () => {
  const { host, gic } = makeGic('v3', [0]);
  ctrlInit(gic);
  throwsErrno(() => host.addVcpu(1), 'EBUSY');
});

// -- first-run validation (§10.11) ---------------------------------------------------------------------

test('§10.11 example: legacy region at max - 3 x 128 KiB, 1 vCPU then 3 more: first run EINVAL', () => {
  const { host, gic } = makeGic('v3', [0]);
  setAddr(gic, V3_REDIST, host.maxPhysSize - 3n * 2n * 0x10000n);
  setAddr(gic, V3_DIST, 0n);
  for (let i = 1; i < NR_VCPUS; i++) host.addVcpu(i);
  ctrlInit(gic);
  throwsErrno(() => gic.mapResources(), 'EINVAL', 'redist base + size above the PA range');
  assert.not.ok(gic.ready);
});

test('§10.11 example: DIST overlapping a legacy REDIST is accepted, then the first run is EINVAL (v3, vcpus then vgic)', () => {
  const { gic } = makeGic('v3', ids(NR_VCPUS));
  setAddr(gic, V3_REDIST, 0n);
  setAddr(gic, V3_DIST, BigInt(NR_VCPUS * 0x20000 - 0x10000)); // rdist.size - rdist.alignment
  ctrlInit(gic);
  throwsErrno(() => gic.mapResources(), 'EINVAL');
});

test('test_vgic_then_vcpus (v3): the overlap appears only once all vCPUs exist', () => {
  const { host, gic } = makeGic('v3', [0]);
  setAddr(gic, V3_REDIST, 0n);
  setAddr(gic, V3_DIST, 0x70000n);
  for (let i = 1; i < NR_VCPUS; i++) host.addVcpu(i); // at most 3 online during creation: [0, 0x60000)
  throwsErrno(() => gic.mapResources(), 'EINVAL', 'EINVAL (layout) is checked before EBUSY (no init)');
});

test('test_vgic_then_vcpus / vcpus_then_vgic (v2): CPU @0, DIST @0x1000 overlap: first run EINVAL', () => {
  for (const before of [1, NR_VCPUS]) {
    const { host, gic } = makeGic('v2', ids(before));
    setAddr(gic, V2_CPU, 0n);
    setAddr(gic, V2_DIST, 0x1000n);
    for (let i = before; i < NR_VCPUS; i++) host.addVcpu(i);
    throwsErrno(() => gic.mapResources(), 'EINVAL');
    assert.not.ok(gic.initialized, 'the checks come before the lazy init');
  }
});

test('test_v3_new_redist_regions: ENXIO without enough redistributors, EBUSY without init, EFAULT, then success', () => {
  {
    const { host, gic } = makeGic('v3', ids(NR_VCPUS));
    subtestV3RedistRegions(host, gic);
    ctrlInit(gic);
    throwsErrno(() => gic.mapResources(), 'ENXIO', 'running without sufficient number of rdists');
  }
  {
    const { host, gic } = makeGic('v3', ids(NR_VCPUS));
    subtestV3RedistRegions(host, gic);
    setAddr(gic, V3_REGION, redistRegion(1, 0x280000n, 0, 2));
    throwsErrno(() => gic.mapResources(), 'EBUSY', 'running without explicit init');
  }
  {
    const { host, gic } = makeGic('v3', ids(NR_VCPUS));
    subtestV3RedistRegions(host, gic);
    throwsErrno(() => gic.setAttr(ADDR, V3_REGION, new Uint8Array(0)), 'EFAULT');
    setAddr(gic, V3_REGION, redistRegion(1, 0x280000n, 0, 2));
    ctrlInit(gic);
    gic.mapResources();
    assert.ok(gic.ready);
    gic.mapResources(); // idempotent once ready
  }
});

test('v3 map_resources order: missing redistributor ENXIO, then missing DIST ENXIO, then EINVAL, then EBUSY', () => {
  const { gic } = makeGic('v3', [0, 1]);
  setAddr(gic, V3_REGION, redistRegion(1, 0x100000n, 0, 0));
  throwsErrno(() => gic.mapResources(), 'ENXIO', 'vCPU 1 has no redistributor (DIST unset too)');
  setAddr(gic, V3_REGION, redistRegion(1, 0x120000n, 0, 1));
  throwsErrno(() => gic.mapResources(), 'ENXIO', 'the distributor base is unset');
  setAddr(gic, V3_DIST, 0x10000n);
  throwsErrno(() => gic.mapResources(), 'EBUSY', 'layout fine, CTRL_INIT missing');
  ctrlInit(gic);
  gic.mapResources();
  assert.ok(gic.ready);
});

test('v3 with no vCPUs: only the distributor base and init are needed', () => {
  const { gic } = makeGic('v3');
  throwsErrno(() => gic.mapResources(), 'ENXIO');
  setAddr(gic, V3_DIST, 0n);
  throwsErrno(() => gic.mapResources(), 'EBUSY');
});

test('v2 map_resources: ENXIO for either base unset, EINVAL for overlap, lazy init, idempotent', () => {
  const { gic } = makeGic('v2', [0]);
  throwsErrno(() => gic.mapResources(), 'ENXIO');
  setAddr(gic, V2_DIST, 0x8000000n);
  throwsErrno(() => gic.mapResources(), 'ENXIO', 'CPU interface unset');
  setAddr(gic, V2_CPU, 0x7fff000n); // [0x7fff000, 0x8001000) overlaps the distributor
  throwsErrno(() => gic.mapResources(), 'EINVAL');
  assert.not.ok(gic.initialized);
  const { gic: ok } = makeGic('v2', [0]);
  setAddr(ok, V2_DIST, 0x8000000n);
  setAddr(ok, V2_CPU, 0x7ffe000n); // ends where the distributor starts
  ok.mapResources();
  assert.ok(ok.initialized, 'GICv2 initialises lazily at the first run');
  assert.ok(ok.ready);
  ok.mapResources();
});

test.run();
