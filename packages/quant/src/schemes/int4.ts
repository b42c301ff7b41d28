/**
 * int4 packing: two signed 4-bit codes per byte, element `2k` in the low nibble of
 * byte `k` and element `2k + 1` in the high nibble (two's complement), as the `int4`
 * encoding of @lite/core stores them; an odd count leaves the last high nibble 0.
 */

/** Packs codes in −8..7 two per byte (throws on a code outside −8..7). */
export function packInt4(q: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array((q.length + 1) >> 1);
  for (let i = 0; i < q.length; i++) {
    const v = q[i];
    if (!Number.isInteger(v) || v < -8 || v > 7) throw new RangeError(`int4 code ${i} is ${v}, outside -8..7`);
    out[i >> 1] |= (v & 0xf) << ((i & 1) << 2);
  }
  return out;
}

/** Unpacks `n` signed 4-bit codes (`packed` must hold at least `ceil(n / 2)` bytes). */
export function unpackInt4(packed: Uint8Array, n: number): Int8Array {
  if (packed.length < (n + 1) >> 1) throw new RangeError(`${packed.length} bytes hold at most ${packed.length * 2} int4 codes, not ${n}`);
  const out = new Int8Array(n);
  for (let i = 0; i < n; i++) out[i] = (((packed[i >> 1] >> ((i & 1) << 2)) & 0xf) << 28) >> 28;
  return out;
}
