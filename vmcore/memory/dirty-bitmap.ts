/**
 * Per-slot dirty-page bitmaps (spec §4.3).
 *
 * A bitmap lives in a SharedArrayBuffer of 32-bit words so that vCPU worker threads can set bits
 * with Atomics.or while the main thread reads and clears them with Atomics.exchange / Atomics.and.
 * Bit i (word i >>> 5, bit i & 31) is page i of the slot. On a little-endian host these words,
 * laid end to end, are byte-for-byte the kernel's bitmap of little-endian u64 words; the copy-out
 * below writes them little-endian explicitly anyway.
 *
 * The buffer is sized like the kernel's: ALIGN(npages, 64) / 8 bytes, so the bits past npages in
 * the last u64 exist and are always zero.
 */

/** Bytes in the bitmap of a slot of `npages` pages: ALIGN(npages, 64) / 8 (§4.3). */
export function dirtyBitmapBytes(npages: number): number {
  return Math.ceil(npages / 64) * 8;
}

/**
 * Marks page `pageIndex` (relative to the slot's first page) dirty. Hot path: call it AFTER the
 * guest's store to that page, so that a GET_DIRTY_LOG that clears the bit between the check and
 * the store cannot lose the write (the bit is then set again, and the next GET reports it).
 * The plain Atomics.load first avoids a read-modify-write on every store to an already dirty page.
 */
export function markDirty(dirty: Int32Array, pageIndex: number): void {
  const w = pageIndex >>> 5;
  const bit = 1 << (pageIndex & 31);
  if ((Atomics.load(dirty, w) & bit) === 0) Atomics.or(dirty, w, bit);
}

/** A new bitmap for `npages` pages: all clear, or with the first `npages` bits set (INITIALLY_SET). */
export function newDirtyBitmap(npages: number, allSet: boolean): Int32Array {
  const words = new Int32Array(new SharedArrayBuffer(dirtyBitmapBytes(npages)));
  if (allSet) {
    const full = npages >>> 5;
    words.fill(-1, 0, full);
    const rest = npages & 31;
    if (rest !== 0) words[full] = (1 << rest) - 1;
  }
  return words;
}

/**
 * Copies the bitmap out as little-endian bytes (ALIGN(npages, 64) / 8 of them). With `clear`, each
 * word is read and zeroed in one atomic step, so a bit set concurrently by a vCPU thread is either
 * returned now or kept for the next call, never lost (§4.3 "returns the bits and atomically clears").
 */
export function copyOutDirtyBitmap(dirty: Int32Array, clear: boolean): Uint8Array {
  const out = new Uint8Array(dirty.length * 4);
  const view = new DataView(out.buffer);
  for (let w = 0; w < dirty.length; w++) {
    const v = clear ? Atomics.exchange(dirty, w, 0) : Atomics.load(dirty, w);
    view.setInt32(w * 4, v, true);
  }
  return out;
}

/**
 * KVM_CLEAR_DIRTY_LOG's effect (§4.3): clears the bits of `mask` (little-endian bytes, bit j = page
 * firstPage + j) in the bitmap. firstPage is a multiple of 64, hence of 32, so mask word j lines up
 * with bitmap word firstPage / 32 + j. Bits of the mask past the end of the slot land on the
 * always-zero padding of the last u64 (the caller bounds the range like the kernel does).
 */
export function clearDirtyBits(dirty: Int32Array, firstPage: number, mask: Uint8Array): void {
  const view = new DataView(mask.buffer, mask.byteOffset, mask.byteLength);
  const base = firstPage >>> 5;
  const words = mask.byteLength >>> 2;
  for (let j = 0; j < words && base + j < dirty.length; j++) {
    const m = view.getInt32(j * 4, true);
    if (m !== 0) Atomics.and(dirty, base + j, ~m);
  }
}
