import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KVM_FULL_SERVICE_NAMES, kvmPackageDefinition, kvmServices } from '../../../server/proto';

test('the four kvm.v1 services are loaded', () => {
  assert.equal([...KVM_FULL_SERVICE_NAMES], ['kvm.v1.SystemService', 'kvm.v1.VmService', 'kvm.v1.VcpuService', 'kvm.v1.DeviceService']);
  for (const name of KVM_FULL_SERVICE_NAMES) assert.ok(kvmPackageDefinition[name], name);
  assert.is(kvmServices.SystemService.CreateVm.path, '/kvm.v1.SystemService/CreateVm');
  assert.is(kvmServices.VcpuService.Run.path, '/kvm.v1.VcpuService/Run');
  assert.ok(kvmServices.VmService.WriteGuestMemory.requestStream);
  assert.ok(kvmServices.VmService.ReadGuestMemory.responseStream);
});

test('loader options: camelCase, 64-bit as strings, defaults filled', () => {
  const createVm = kvmServices.SystemService.CreateVm;
  // CreateVmRequest{type = 2^64 - 1}
  const req = createVm.requestDeserialize(Buffer.from('08ffffffffffffffffff01', 'hex'));
  assert.equal(req, { type: '18446744073709551615' });
  assert.equal(createVm.requestDeserialize(Buffer.alloc(0)), { type: '0' }, 'defaults: true');
  const init = kvmServices.VcpuService.ArmVcpuInit.requestDeserialize(Buffer.from('1001', 'hex'));
  assert.is(init.vcpuId, 1, 'keepCase false: vcpu_id -> vcpuId');
  assert.equal(init.features, []);
  // Responses take 64-bit values as strings or bigints.
  const a = createVm.responseSerialize({ vm: '18446744073709551615', ipaBits: 40 });
  const b = createVm.responseSerialize({ vm: 2n ** 64n - 1n, ipaBits: 40 });
  assert.is(a.toString('hex'), b.toString('hex'));
});

test.run();
