/**
 * Byte planes: the k-th byte (little-endian) of every element of a typed array, as a
 * stream of its own. The high bytes of weights (sign, exponent) are far from uniform
 * while the low bytes are nearly random; split apart, each plane gets its own Huffman
 * table and the skewed ones shrink.
 *
 * Small arrays (fewer than {@link PLANES_MIN_ELEMENTS} elements) are not split: they
 * are stored as ONE stream of their little-endian elements. The layout follows from the
 * element count alone, so a reader knows which to expect without any metadata.
 */

/**
 * Arrays with fewer elements than this are one stream, not planes: every extra stream
 * costs a section entry (and, in an aligned file, on average 32 bytes of padding), more
 * than Huffman can save on a plane this short (a few bits per byte at best, minus its
 * code table).
 */
export const PLANES_MIN_ELEMENTS = 256;

/** The decoded stream lengths of `n` elements of `width` bytes: `width` planes of `n` bytes, or one stream of `n·width` bytes when small. */
export function streamLengths(n: number, width: 2 | 4): number[] {
  return n < PLANES_MIN_ELEMENTS ? [n * width] : new Array<number>(width).fill(n);
}

/** How the elements are stored, for error messages. */
export const streamLayout = (n: number, width: 2 | 4): string =>
  n < PLANES_MIN_ELEMENTS ? `one little-endian stream, as it has under ${PLANES_MIN_ELEMENTS} elements` : `${width} byte planes`;

/** The `width`-byte little-endian elements of `data` as streams: `width` planes, or one stream when small. */
export function toStreams(data: Uint16Array | Uint32Array, width: 2 | 4): Uint8Array[] {
  return data.length >= PLANES_MIN_ELEMENTS ? toBytePlanes(data, width) : [toLittleEndian(data, width)];
}

/** Joins streams made by {@link toStreams} (of checked lengths) into `n` elements of `width` bytes (a copy). */
export function fromStreams(streams: readonly Uint8Array[], width: 2 | 4): Uint16Array | Uint32Array {
  if (streams.length === width) return width === 2 ? fromBytePlanes16(streams) : fromBytePlanes32(streams);
  return fromLittleEndian(streams[0], width);
}

/** The `width`-byte little-endian bytes of `data`, element after element. */
export function toLittleEndian(data: Uint16Array | Uint32Array, width: 2 | 4): Uint8Array {
  const n = data.length;
  const out = new Uint8Array(n * width);
  for (let i = 0; i < n; i++) for (let k = 0; k < width; k++) out[i * width + k] = data[i] >>> (8 * k);
  return out;
}

/** The elements of `width`-byte little-endian bytes (a whole number of them; a copy). */
export function fromLittleEndian(s: Uint8Array, width: 2 | 4): Uint16Array | Uint32Array {
  const n = s.length / width;
  const out = width === 2 ? new Uint16Array(n) : new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let k = 0; k < width; k++) v |= s[i * width + k] << (8 * k);
    out[i] = v;
  }
  return out;
}

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
