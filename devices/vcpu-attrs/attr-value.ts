/**
 * The bytes at kvm_device_attr.addr (spec §9.2): the kernel's get_user / copy_from_user read a
 * fixed size, so a shorter buffer is EFAULT; put_user writes the same sizes back. Little-endian.
 */
import { check } from '../../vmcore/errno';

function need(value: Uint8Array, bytes: number, what: string): DataView {
  check(value.length >= bytes, 'EFAULT', `${what}: ${bytes} bytes expected at addr, got ${value.length} (§9.2)`);
  return new DataView(value.buffer, value.byteOffset, value.byteLength);
}

/** get_user(int): a signed 32-bit value. */
export function readAttrInt(value: Uint8Array, what: string): number {
  return need(value, 4, what).getInt32(0, true);
}

/** get_user(u32). */
export function readAttrU32(value: Uint8Array, what: string): number {
  return need(value, 4, what).getUint32(0, true);
}

/** get_user(u64). */
export function readAttrU64(value: Uint8Array, what: string): bigint {
  return need(value, 8, what).getBigUint64(0, true);
}

/** copy_from_user(&s, addr, sizeof(s)): the first `bytes` bytes, as a view. */
export function readAttrStruct(value: Uint8Array, bytes: number, what: string): DataView {
  return need(value, bytes, what);
}

/** put_user(int). */
export function intAttrBytes(v: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, v, true);
  return out;
}

/** put_user(u64). */
export function u64AttrBytes(v: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  return out;
}

/** The attribute number as a small integer for table lookups; -1 for anything outside 0..2^31. */
export function attrIndex(attr: bigint): number {
  return attr >= 0n && attr <= 0x7fffffffn ? Number(attr) : -1;
}
