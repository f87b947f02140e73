/**
 * Linux errno values, and the one error type through which the KVM-semantics layer reports them.
 *
 * The KVM-semantics layer (vmcore, devices) is the only place an errno is born: an ioctl that the
 * kernel would fail with -1/errno throws a KvmError carrying that errno name. The server turns it
 * into a gRPC status in exactly one place (server/errno-status.ts).
 *
 * Numbers: linux include/uapi/asm-generic/errno-base.h and errno.h (arm64 uses the generic ones).
 */
export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  ENOEXEC: 8,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  ENOSPC: 28,
  ERANGE: 34,
  ENOSYS: 38,
  ENOBUFS: 105,
  EOPNOTSUPP: 95,
} as const;

export type ErrnoName = keyof typeof ERRNO;

/** An ioctl failure: the errno the kernel would return, and a message saying which rule fired. */
export class KvmError extends Error {
  readonly errno: ErrnoName;
  /** Extra facts for the caller, e.g. KVM_GET_REG_LIST's required count `n` on E2BIG
   *  (the kernel writes it back into the struct; the server puts it in ErrorInfo.metadata). */
  readonly metadata?: Readonly<Record<string, string>>;
  constructor(errno: ErrnoName, message: string, metadata?: Record<string, string>) {
    super(`${errno}: ${message}`);
    this.name = 'KvmError';
    this.errno = errno;
    this.metadata = metadata;
  }
  get errnoNumber(): number {
    return ERRNO[this.errno];
  }
}

/** Throw a KvmError. Typed `never` so that `cond || fail(...)` narrows. */
export function fail(errno: ErrnoName, message: string): never {
  throw new KvmError(errno, message);
}

/** Throw unless `ok`. The message should name the rule (and cite the spec section). */
export function check(ok: boolean, errno: ErrnoName, message: string): asserts ok {
  if (!ok) throw new KvmError(errno, message);
}
