/**
 * Byte planes: the k-th byte (little-endian) of every element of a typed array, as a
 * stream of its own. The high bytes of weights (sign, exponent) are far from uniform
 * while the low bytes are nearly random; split apart, each plane gets its own Huffman
 * table and the skewed ones shrink.
 */


/** The `width`-byte little-endian elements of `data` split into `width` planes. */
export function toBytePlanes(data: Uint8Array | Uint16Array | Uint32Array, width: 2 | 4): Uint8Array[] {
  const n = data.length;
  const planes = Array.from({ length: width }, () => new Uint8Array(n));
  if (width === 2) {
    const [p0, p1] = planes;
    for (let i = 0; i < n; i++) {
      const v = data[i];
      p0[i] = v;
      p1[i] = v >>> 8;
    }
  } else {
    const [p0, p1, p2, p3] = planes;
    for (let i = 0; i < n; i++) {
      const v = data[i];
      p0[i] = v;
      p1[i] = v >>> 8;
      p2[i] = v >>> 16;
      p3[i] = v >>> 24;
    }
  }
  return planes;
}

/** Joins 2 planes of equal length into 16-bit elements. */
export function fromBytePlanes16(planes: readonly Uint8Array[]): Uint16Array {
  const [p0, p1] = planes;
  const out = new Uint16Array(p0.length);
  for (let i = 0; i < out.length; i++) out[i] = p0[i] | (p1[i] << 8);
  return out;
}

/** Joins 4 planes of equal length into 32-bit elements. */
export function fromBytePlanes32(planes: readonly Uint8Array[]): Uint32Array {
  const [p0, p1, p2, p3] = planes;
  const out = new Uint32Array(p0.length);
  for (let i = 0; i < out.length; i++) out[i] = p0[i] | (p1[i] << 8) | (p2[i] << 16) | (p3[i] << 24);
  return out;
}
