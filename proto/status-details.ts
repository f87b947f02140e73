/**
 * google.rpc.Status with google.rpc.ErrorInfo details, as carried in `grpc-status-details-bin`:
 * the server encodes it (server/errno-status.ts), clients decode it (clients/kvm-client.ts). It
 * lives beside the contract because both sides of the wire need it and the layers allow both
 * to import proto/. Encoded by hand (a few dozen lines of protobuf wire format) rather than
 * through protobufjs, which is only a transitive dependency here.
 */
// ---------------------------------------------------------------------------------------------
// google.rpc.Status / google.protobuf.Any / google.rpc.ErrorInfo, protobuf wire format.
//   Status    { int32 code = 1; string message = 2; repeated Any details = 3; }
//   Any       { string type_url = 1; bytes value = 2; }
//   ErrorInfo { string reason = 1; string domain = 2; map<string,string> metadata = 3; }
//   map entry { string key = 1; string value = 2; }
// ---------------------------------------------------------------------------------------------

export interface ErrorInfo {
  reason: string;
  domain: string;
  metadata: Record<string, string>;
}

export interface StatusDetails {
  code: number;
  message: string;
  /** The first google.rpc.ErrorInfo among the details, if any. */
  errorInfo?: ErrorInfo;
}

export const ERROR_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.ErrorInfo';

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

function varint(n: number): number[] {
  const out: number[] = [];
  // Non-negative values below 2^53 only (status codes, lengths).
  while (n > 0x7f) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

function lenField(field: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([...varint((field << 3) | WIRE_LEN), ...varint(payload.length)]), payload]);
}

function strField(field: number, s: string): Buffer {
  return lenField(field, Buffer.from(s, 'utf8'));
}

/** Serializes google.rpc.Status, with one ErrorInfo detail when given. */
export function encodeStatus(code: number, message: string, errorInfo?: ErrorInfo): Buffer {
  const parts: Buffer[] = [];
  // proto3: default values (0, "") are not written.
  if (code !== 0) parts.push(Buffer.from([...varint((1 << 3) | WIRE_VARINT), ...varint(code)]));
  if (message !== '') parts.push(strField(2, message));
  if (errorInfo) {
    const info: Buffer[] = [];
    if (errorInfo.reason !== '') info.push(strField(1, errorInfo.reason));
    if (errorInfo.domain !== '') info.push(strField(2, errorInfo.domain));
    // Map entries in key order: deterministic bytes for equal maps.
    for (const key of Object.keys(errorInfo.metadata).sort()) {
      info.push(lenField(3, Buffer.concat([strField(1, key), strField(2, errorInfo.metadata[key])])));
    }
    const any = Buffer.concat([strField(1, ERROR_INFO_TYPE_URL), lenField(2, Buffer.concat(info))]);
    parts.push(lenField(3, any));
  }
  return Buffer.concat(parts);
}

type Field = { field: number; wire: number; value: number | Buffer };

/** Splits one protobuf message into its fields. Throws on malformed input. */
function* fields(buf: Buffer): Generator<Field> {
  let pos = 0;
  const readVarint = (): number => {
    let result = 0;
    let mul = 1;
    for (;;) {
      if (pos >= buf.length) throw new Error('protobuf: truncated varint');
      const b = buf[pos++];
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 0x80;
      if (mul > 2 ** 63) throw new Error('protobuf: varint too long');
    }
  };
  while (pos < buf.length) {
    const key = readVarint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === WIRE_VARINT) {
      yield { field, wire, value: readVarint() };
    } else if (wire === WIRE_LEN) {
      const len = readVarint();
      if (pos + len > buf.length) throw new Error('protobuf: truncated field');
      yield { field, wire, value: buf.subarray(pos, pos + len) };
      pos += len;
    } else if (wire === WIRE_I64 || wire === WIRE_I32) {
      const size = wire === WIRE_I64 ? 8 : 4;
      if (pos + size > buf.length) throw new Error('protobuf: truncated field');
      pos += size;
    } else {
      throw new Error(`protobuf: unsupported wire type ${wire}`);
    }
  }
}

function decodeErrorInfo(buf: Buffer): ErrorInfo {
  const info: ErrorInfo = { reason: '', domain: '', metadata: {} };
  for (const f of fields(buf)) {
    if (f.wire !== WIRE_LEN) continue;
    const v = f.value as Buffer;
    if (f.field === 1) info.reason = v.toString('utf8');
    else if (f.field === 2) info.domain = v.toString('utf8');
    else if (f.field === 3) {
      let key = '';
      let value = '';
      for (const e of fields(v)) {
        if (e.wire !== WIRE_LEN) continue;
        if (e.field === 1) key = (e.value as Buffer).toString('utf8');
        else if (e.field === 2) value = (e.value as Buffer).toString('utf8');
      }
      info.metadata[key] = value;
    }
  }
  return info;
}

/**
 * Parses a `grpc-status-details-bin` value (serialized google.rpc.Status): code, message and
 * the first ErrorInfo detail. For clients and tests.
 *
 * @example
 *   const [bin] = err.metadata.get('grpc-status-details-bin');
 *   const { errorInfo } = decodeStatusDetails(bin as Buffer);
 *   errorInfo?.reason; // 'EEXIST'
 */
export function decodeStatusDetails(buf: Buffer | Uint8Array): StatusDetails {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: StatusDetails = { code: 0, message: '' };
  for (const f of fields(b)) {
    if (f.field === 1 && f.wire === WIRE_VARINT) {
      // int32: negative values arrive as 10-byte varints; map back to two's complement.
      out.code = (f.value as number) | 0;
    } else if (f.field === 2 && f.wire === WIRE_LEN) {
      out.message = (f.value as Buffer).toString('utf8');
    } else if (f.field === 3 && f.wire === WIRE_LEN && out.errorInfo === undefined) {
      let typeUrl = '';
      let value: Buffer = Buffer.alloc(0);
      for (const a of fields(f.value as Buffer)) {
        if (a.wire !== WIRE_LEN) continue;
        if (a.field === 1) typeUrl = (a.value as Buffer).toString('utf8');
        else if (a.field === 2) value = a.value as Buffer;
      }
      if (typeUrl === ERROR_INFO_TYPE_URL) out.errorInfo = decodeErrorInfo(value);
    }
  }
  return out;
}
