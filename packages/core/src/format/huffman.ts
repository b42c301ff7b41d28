/**
 * Canonical Huffman coding of byte streams (the entropy-coding stage of Deep
 * Compression: after pruning and quantization, the stored bytes are far from
 * uniform, and a per-stream prefix code removes the redundancy losslessly).
 *
 * Coded form: a compact code-length table, then the bitstream.
 *
 * | bytes            | content                                                        |
 * |------------------|----------------------------------------------------------------|
 * | 0                | `first`: the smallest symbol with a code                        |
 * | 1                | `last`: the largest symbol with a code (`first ≤ last`)         |
 * | ⌈(last−first+1)/2⌉ | code lengths of symbols `first..last`, 4 bits each, high nibble first; 0 = no code; an odd count pads with a zero nibble |
 * | rest             | codes, most significant bit first, zero-padded to a whole byte  |
 *
 * Codes are canonical (shorter codes first, then by symbol value), at most
 * {@link HUFFMAN_MAX_CODE_LENGTH} bits, built by package-merge (optimal under that
 * limit). The table is exactly complete (Kraft sum 1), except a single symbol, which
 * gets the 1-bit code `0`; an empty stream has no symbols and no bits. The decoded
 * length is not stored: the container records it, and the decoder is told it.
 */
import { LiteFormatError } from './errors.js';

/** Longest code the coder emits and the decoder accepts. */
export const HUFFMAN_MAX_CODE_LENGTH = 15;

/**
 * Optimal code lengths (at most `maxLength` bits) for byte frequencies `freq`
 * (256 counts), by package-merge. Symbols with zero count get length 0; a single
 * used symbol gets length 1.
 */
export function huffmanCodeLengths(freq: ArrayLike<number>, maxLength = HUFFMAN_MAX_CODE_LENGTH): Uint8Array {
  const lengths = new Uint8Array(256);
  const syms: number[] = [];
  for (let s = 0; s < 256; s++) if (freq[s] > 0) syms.push(s);
  const n = syms.length;
  if (n === 0) return lengths;
  if (n === 1) {
    lengths[syms[0]] = 1;
    return lengths;
  }
  if (n > 2 ** maxLength) throw new RangeError(`${n} symbols need codes longer than ${maxLength} bits`);
  syms.sort((a, b) => freq[a] - freq[b] || a - b);
  // Items 0..n-1 are the leaves; packages get ids from n up, with two children each.
  const weight: number[] = syms.map((s) => freq[s]);
  const left: number[] = new Array(n).fill(-1);
  const right: number[] = new Array(n).fill(-1);
  const leaves = Array.from({ length: n }, (_, i) => i);
  let list = leaves;
  for (let level = 1; level < maxLength; level++) {
    const merged: number[] = [];
    let li = 0;
    let pi = 0;
    const packages = list.length >> 1;
    while (li < n || pi < packages) {
      let takeLeaf: boolean;
      if (pi >= packages) takeLeaf = true;
      else if (li >= n) takeLeaf = false;
      else takeLeaf = weight[leaves[li]] <= weight[list[2 * pi]] + weight[list[2 * pi + 1]];
      if (takeLeaf) merged.push(leaves[li++]);
      else {
        const a = list[2 * pi];
        const b = list[2 * pi + 1];
        const id = weight.length;
        weight.push(weight[a] + weight[b]);
        left.push(a);
        right.push(b);
        merged.push(id);
        pi++;
      }
    }
    list = merged;
  }
  // Each appearance of a leaf among the first 2n-2 items adds one bit to its code.
  const stack: number[] = list.slice(0, 2 * n - 2);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id < n) lengths[syms[id]]++;
    else stack.push(left[id], right[id]);
  }
  return lengths;
}

/** Canonical codes for `lengths` (codes of length 0 are unused). */
function canonicalCodes(lengths: Uint8Array): Uint32Array {
  const count = new Uint32Array(HUFFMAN_MAX_CODE_LENGTH + 2);
  for (let s = 0; s < 256; s++) count[lengths[s]]++;
  count[0] = 0;
  const next = new Uint32Array(HUFFMAN_MAX_CODE_LENGTH + 2);
  let code = 0;
  for (let len = 1; len <= HUFFMAN_MAX_CODE_LENGTH; len++) {
    code = (code + count[len - 1]) << 1;
    next[len] = code;
  }
  const codes = new Uint32Array(256);
  for (let s = 0; s < 256; s++) if (lengths[s] > 0) codes[s] = next[lengths[s]]++;
  return codes;
}

/** Byte frequencies of `data`. */
export function byteHistogram(data: Uint8Array): Uint32Array {
  const h = new Uint32Array(256);
  for (let i = 0; i < data.length; i++) h[data[i]]++;
  return h;
}

/** Size in bytes of the coded form of `data` under code `lengths`, without building it. */
function codedSize(hist: Uint32Array, lengths: Uint8Array, tableBytes: number): number {
  let bits = 0;
  for (let s = 0; s < 256; s++) bits += hist[s] * lengths[s];
  return tableBytes + Math.ceil(bits / 8);
}

function tableRange(lengths: Uint8Array): [first: number, last: number] {
  let first = 0;
  while (first < 256 && lengths[first] === 0) first++;
  if (first === 256) return [0, 0]; // no symbols (empty stream)
  let last = 255;
  while (last > first && lengths[last] === 0) last--;
  return [first, last];
}

/**
 * Huffman-codes `data` (see the module comment for the layout). With `onlyIfSmaller`,
 * returns `undefined` when the coded form would not be smaller than `data`.
 */
export function huffmanEncode(data: Uint8Array): Uint8Array;
export function huffmanEncode(data: Uint8Array, options: { onlyIfSmaller: true }): Uint8Array | undefined;
export function huffmanEncode(data: Uint8Array, options: { onlyIfSmaller?: boolean } = {}): Uint8Array | undefined {
  const hist = byteHistogram(data);
  const lengths = huffmanCodeLengths(hist);
  const [first, last] = tableRange(lengths);
  const tableBytes = 2 + Math.ceil((last - first + 1) / 2);
  const size = codedSize(hist, lengths, tableBytes);
  if (options.onlyIfSmaller && size >= data.length) return undefined;
  const out = new Uint8Array(size);
  out[0] = first;
  out[1] = last;
  for (let s = first; s <= last; s++) {
    const k = s - first;
    out[2 + (k >> 1)] |= k & 1 ? lengths[s] : lengths[s] << 4;
  }
  const codes = canonicalCodes(lengths);
  let pos = tableBytes;
  let acc = 0;
  let nb = 0;
  for (let i = 0; i < data.length; i++) {
    const s = data[i];
    acc = (acc << lengths[s]) | codes[s];
    nb += lengths[s];
    while (nb >= 8) {
      nb -= 8;
      out[pos++] = acc >>> nb;
      acc &= (1 << nb) - 1;
    }
  }
  if (nb > 0) out[pos++] = acc << (8 - nb);
  return out;
}

/**
 * Decodes a stream made by {@link huffmanEncode} into exactly `rawLength` bytes,
 * validating everything first: the table's range and lengths (at most
 * {@link HUFFMAN_MAX_CODE_LENGTH} bits, an exactly complete code), that the bitstream
 * can hold `rawLength` symbols (so the output allocation is bounded by 8× the input),
 * that every code read is valid, and that the stream ends exactly where the last
 * symbol does (zero padding, no trailing bytes). Errors are {@link LiteFormatError}s
 * whose offsets are relative to `coded[0]` plus `baseOffset`.
 */
export function huffmanDecode(coded: Uint8Array, rawLength: number, baseOffset = 0): Uint8Array {
  const fail = (at: number, msg: string): never => {
    throw new LiteFormatError(`Huffman stream: ${msg}`, { offset: baseOffset + at });
  };
  if (!Number.isSafeInteger(rawLength) || rawLength < 0) fail(0, `declared decoded length ${rawLength} is not a non-negative integer`);
  if (coded.length < 3) fail(coded.length, `${coded.length} bytes are too few for a code table (at least 3)`);
  const first = coded[0];
  const last = coded[1];
  if (first > last) fail(0, `table range is empty (first symbol ${first} > last symbol ${last})`);
  const count = last - first + 1;
  const tableBytes = 2 + Math.ceil(count / 2);
  if (coded.length < tableBytes) fail(coded.length, `code table truncated (needs ${tableBytes} bytes, stream has ${coded.length})`);
  if (count & 1 && (coded[tableBytes - 1] & 0x0f) !== 0) fail(tableBytes - 1, 'code table padding nibble is not zero');
  const lengths = new Uint8Array(256);
  const perLength = new Uint32Array(16);
  let symbols = 0;
  let minLen = 16;
  let maxLen = 0;
  for (let s = first; s <= last; s++) {
    const k = s - first;
    const len = k & 1 ? coded[2 + (k >> 1)] & 0x0f : coded[2 + (k >> 1)] >> 4;
    if (len > HUFFMAN_MAX_CODE_LENGTH) fail(2 + (k >> 1), `code of symbol ${s} is ${len} bits, over the ${HUFFMAN_MAX_CODE_LENGTH}-bit limit`);
    if (len === 0) continue;
    lengths[s] = len;
    perLength[len]++;
    symbols++;
    if (len < minLen) minLen = len;
    if (len > maxLen) maxLen = len;
  }
  const bitBytes = coded.length - tableBytes;
  if (symbols === 0) {
    if (first !== 0 || last !== 0) fail(0, `table range ${first}..${last} lists no codes (an empty stream's table is 0..0)`);
    if (rawLength !== 0) fail(2, `code table has no symbols but ${rawLength} bytes are declared`);
    if (bitBytes !== 0) fail(tableBytes, `${bitBytes} bytes follow an empty stream's table`);
    return new Uint8Array(0);
  }
  if (lengths[first] === 0 || lengths[last] === 0) fail(2, `table range ${first}..${last} is not trimmed to the symbols with codes`);
  if (rawLength === 0) fail(0, 'code table lists symbols but the declared decoded length is 0');
  if (symbols === 1) {
    if (maxLen !== 1) fail(2, `a lone symbol must have a 1-bit code, not ${maxLen} bits`);
  } else {
    // Kraft sum in units of 2^-15: exactly 2^15 for a complete prefix code.
    let kraft = 0;
    for (let len = 1; len <= HUFFMAN_MAX_CODE_LENGTH; len++) kraft += perLength[len] * 2 ** (HUFFMAN_MAX_CODE_LENGTH - len);
    const full = 2 ** HUFFMAN_MAX_CODE_LENGTH;
    if (kraft > full) fail(2, 'code lengths are over-subscribed (not a prefix code)');
    if (kraft < full) fail(2, 'code lengths are incomplete (some bit patterns decode to nothing)');
  }
  if (rawLength * minLen > bitBytes * 8) {
    fail(coded.length, `bitstream truncated: ${rawLength} symbols of at least ${minLen} bits need ${Math.ceil((rawLength * minLen) / 8)} bytes, ${bitBytes} present`);
  }
  // Lookup table over maxLen-bit prefixes: symbol | length << 8 (0 = no code).
  const size = 1 << maxLen;
  const lut = new Uint16Array(size);
  const codes = canonicalCodes(lengths);
  for (let s = first; s <= last; s++) {
    const len = lengths[s];
    if (len === 0) continue;
    const start = codes[s] << (maxLen - len);
    lut.fill(s | (len << 8), start, start + (1 << (maxLen - len)));
  }
  const out = new Uint8Array(rawLength);
  const end = coded.length;
  let pos = tableBytes;
  let acc = 0;
  let nb = 0;
  const mask = size - 1;
  for (let i = 0; i < rawLength; i++) {
    while (nb < maxLen) {
      acc = (acc << 8) | (pos < end ? coded[pos] : 0);
      pos++;
      nb += 8;
    }
    const e = lut[(acc >>> (nb - maxLen)) & mask];
    if (e === 0) fail(Math.min(pos, end) - 1, `invalid code at symbol ${i}`);
    nb -= e >>> 8;
    acc &= (1 << nb) - 1;
    out[i] = e & 0xff;
  }
  const usedBits = (pos - tableBytes) * 8 - nb;
  const usedBytes = Math.ceil(usedBits / 8);
  if (usedBytes > bitBytes) fail(end, `bitstream truncated: ${rawLength} symbols need ${usedBytes} bytes, ${bitBytes} present`);
  if (usedBytes < bitBytes) fail(tableBytes + usedBytes, `${bitBytes - usedBytes} trailing bytes after the last symbol`);
  const padBits = usedBytes * 8 - usedBits;
  if (padBits > 0 && (coded[end - 1] & ((1 << padBits) - 1)) !== 0) fail(end - 1, 'padding bits after the last symbol are not zero');
  return out;
}
