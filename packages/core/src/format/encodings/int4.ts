/**
 * `int4`: affine 4-bit quantization, `value = scale · (q − zeroPoint)` with codes
 * in −8..7 (−7..7 narrow), two per byte: element `2k` in the low nibble of byte
 * `k`, element `2k + 1` in the high nibble (two's complement); an odd count leaves
 * the last high nibble 0. Parameters per tensor or per channel, stored and chosen
 * exactly as for `int8` (see int8.ts: round half to even, then clamp; default
 * symmetric narrow range, absmax, per channel on the last axis for rank ≥ 2).
 */
import type { Int4Tensor, QuantParams } from '../../graph/types.js';
import { checkStreamLengths, checkTensorShape, elementCount, type EncodingCodec } from '../codec.js';
import { failAt } from '../errors.js';
import {
  channelCount,
  checkAffineMeta,
  checkQuantParams,
  checkTensorParams,
  copyParams,
  defaultQuantParams,
  dequantizeAffine,
  deserializeParams,
  paramsBytes,
  quantizeAffine,
  serializeParams,
  type AffineMeta,
  type AffineOptions,
} from './int8.js';

/** Packs codes in −8..7 two per byte (low nibble first); an odd count leaves the last high nibble 0. */
export function packNibbles(q: Int8Array): Uint8Array {
  const out = new Uint8Array((q.length + 1) >> 1);
  for (let i = 0; i < q.length; i++) out[i >> 1] |= (q[i] & 0xf) << ((i & 1) << 2);
  return out;
}

/** The signed 4-bit code of element `i` of packed nibbles. */
export function nibbleAt(packed: Uint8Array, i: number): number {
  return (((packed[i >> 1] >> ((i & 1) << 2)) & 0xf) << 28) >> 28;
}

/** Unpacks `n` signed 4-bit codes. */
export function unpackNibbles(packed: Uint8Array, n: number): Int8Array {
  const out = new Int8Array(n);
  for (let i = 0; i < n; i++) out[i] = nibbleAt(packed, i);
  return out;
}

function checkLayout(shape: readonly number[], meta: unknown, streamLengths: readonly number[], path: string): AffineMeta {
  const n = elementCount(shape, `${path}.shape`);
  const m = checkAffineMeta(shape, meta, `${path}.meta`);
  const c = channelCount(shape, m.axis);
  checkStreamLengths(streamLengths, [(n + 1) >> 1, c * (m.symmetric ? 4 : 5)], `${path}.sections`, 'an int4 tensor');
  return m;
}

/** Checks packed codes: the pad nibble of an odd count is 0, and narrow range has no −8. Returns an error message or undefined. */
function checkPacked(packed: Uint8Array, n: number, narrowRange: boolean): string | undefined {
  if (n & 1 && packed[packed.length - 1] >> 4 !== 0) return `the unused high nibble of the last byte is ${packed[packed.length - 1] >> 4}, not 0`;
  if (narrowRange) {
    for (let i = 0; i < n; i++) if (nibbleAt(packed, i) === -8) return `value ${i} has code −8, outside the narrow range −7..7`;
  }
  return undefined;
}

/** The `int4` encoding: half a byte per value plus 4–5 bytes per scale. */
export const int4Codec: EncodingCodec<'int4', AffineOptions> = {
  name: 'int4',
  description: 'affine int4, two values per byte, scale and zero point per tensor or per channel (round half to even)',
  encode({ name, values, shape }, options = {}) {
    checkTensorShape(name, shape, values.length);
    const params = options.params === undefined ? defaultQuantParams(values, shape, 4) : checkQuantParams(options.params, shape, 4, `int4 encoding of "${name}"`);
    const { q, warnings } = quantizeAffine(name, 'int4', values, shape, params);
    return { tensor: { name, shape: [...shape], encoding: 'int4', packed: packNibbles(q), params: copyParams(params) as QuantParams & { bits: 4 } }, warnings };
  },
  decode(tensor) {
    const p = tensor.packed;
    const n = elementCount(tensor.shape, `tensor "${tensor.name}".shape`);
    if (p.length !== (n + 1) >> 1) throw new RangeError(`tensor "${tensor.name}": ${p.length} packed bytes do not hold shape [${tensor.shape.join(', ')}] (${(n + 1) >> 1} needed)`);
    return dequantizeAffine(n, (i) => nibbleAt(p, i), tensor.shape, tensor.params);
  },
  byteSize(tensor) {
    return tensor.packed.length + paramsBytes(tensor.params);
  },
  serialize(tensor) {
    const n = elementCount(tensor.shape, `tensor "${tensor.name}".shape`);
    if (tensor.packed.length !== (n + 1) >> 1) failAt(`tensor "${tensor.name}".packed`, `${tensor.packed.length} bytes do not hold shape [${tensor.shape.join(', ')}] (${(n + 1) >> 1} needed)`);
    const params = checkTensorParams(tensor.name, tensor.shape, tensor.params, 4);
    const bad = checkPacked(tensor.packed, n, params.narrowRange);
    if (bad) failAt(`tensor "${tensor.name}".packed`, bad);
    return {
      meta: { axis: params.axis, symmetric: params.symmetric, narrowRange: params.narrowRange },
      streams: [tensor.packed, serializeParams(params)],
    };
  },
  checkLayout(shape, meta, streamLengths, path) {
    checkLayout(shape, meta, streamLengths, path);
  },
  deserialize(name, shape, meta, streams, path): Int4Tensor {
    const m = checkLayout(shape, meta, streams.map((s) => s.length), path);
    const n = elementCount(shape, `${path}.shape`);
    const params = deserializeParams(streams[1], m, channelCount(shape, m.axis), 4, `${path}.sections[1]`);
    const packed = streams[0].slice();
    const bad = checkPacked(packed, n, m.narrowRange);
    if (bad) failAt(`${path}.sections[0]`, bad);
    return { name, shape, encoding: 'int4', packed, params: params as QuantParams & { bits: 4 } };
  },
};
