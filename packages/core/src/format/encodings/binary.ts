/**
 * `binary`: one bit per weight plus one float32 scale per output channel (the
 * last axis: dense `[in, out]`, HWIO conv filters), XNOR-Net's `W ≈ α_c·sign(W)`.
 * Bit `i` (row-major element order, least significant bit first) is 1 where the
 * value is negative; element `i` decodes to `−scale[c]` or `+scale[c]` with
 * `c = i mod channels`. The default scale is the channel's mean |W|; a weight
 * that is already `±α_c` per channel (a trained binary layer) is stored exactly.
 * Streams: the bit plane (`ceil(n/8)` bytes, unused high bits 0), the scales.
 */
import type { BinaryTensor } from '../../graph/types.js';
import { checkEmptyMeta, checkStreamLengths, checkTensorShape, elementCount, type EncodingCodec, type EncodingWarning } from '../codec.js';
import { failAt } from '../errors.js';
import {
  bitAt, channelMeanAbs, checkPadding, checkScaleArray, nonFiniteCount, outputChannels, packPlane, planeBytes, readScales, scaleBytes,
} from './binary_bits.js';

/** Options of the `binary` encoder. */
export interface BinaryOptions {
  /** One scale (≥ 0) per output channel; default: each channel's mean |W|. */
  scale?: Float32Array;
}

function nonFiniteWarning(name: string, encoding: string, values: Float32Array): EncodingWarning[] {
  const count = nonFiniteCount(values);
  return count === 0 ? [] : [{
    tensor: name, encoding, kind: 'nonFinite', count,
    message: `tensor "${name}": ${count} non-finite value(s) stored as ${encoding === 'binary' ? '+scale' : '0'} in the ${encoding} encoding`,
  }];
}
export { nonFiniteWarning };

function checkLayout(shape: readonly number[], meta: unknown, lengths: readonly number[], path: string): void {
  const n = elementCount(shape, `${path}.shape`);
  checkEmptyMeta(meta, `${path}.meta`);
  checkStreamLengths(lengths, [planeBytes(n), outputChannels(shape) * 4], `${path}.sections`, 'a binary tensor');
}

/** Checks a binary tensor's payload against its shape (RangeError naming the tensor). */
function checkTensor(t: BinaryTensor): number {
  const n = elementCount(t.shape, `tensor "${t.name}".shape`);
  if (!(t.bits instanceof Uint8Array) || t.bits.length !== planeBytes(n)) throw new RangeError(`tensor "${t.name}": the bit plane must be ${planeBytes(n)} bytes for shape [${t.shape.join(', ')}]`);
  checkScaleArray(t.name, t.scale, outputChannels(t.shape));
  return n;
}

/** The `binary` encoding: 1 bit per value plus 4 bytes per output channel. */
export const binaryCodec: EncodingCodec<'binary', BinaryOptions> = {
  name: 'binary',
  description: '1-bit sign per value (1 = negative) with one float32 scale per output channel (XNOR-Net)',
  encode({ name, values, shape }, options = {}) {
    checkTensorShape(name, shape, values.length);
    const channels = outputChannels(shape);
    const scale = options.scale === undefined ? channelMeanAbs(values, channels) : Float32Array.from(checkScaleArray(name, options.scale, channels));
    const bits = packPlane(values.length, (i) => values[i] < 0);
    return { tensor: { name, shape: [...shape], encoding: 'binary', bits, scale }, warnings: nonFiniteWarning(name, 'binary', values) };
  },
  decode(tensor) {
    const n = checkTensor(tensor);
    const channels = outputChannels(tensor.shape);
    const out = new Float32Array(n);
    for (let i = 0, c = 0; i < n; i++) {
      out[i] = bitAt(tensor.bits, i) ? -tensor.scale[c] : tensor.scale[c];
      if (++c === channels) c = 0;
    }
    return out;
  },
  byteSize(tensor) {
    return tensor.bits.length + tensor.scale.length * 4;
  },
  serialize(tensor) {
    const n = checkTensor(tensor);
    const bad = checkPadding(tensor.bits, n);
    if (bad) failAt(`tensor "${tensor.name}".bits`, bad);
    return { meta: {}, streams: [tensor.bits, scaleBytes(tensor.scale)] };
  },
  checkLayout,
  deserialize(name, shape, meta, streams, path): BinaryTensor {
    checkLayout(shape, meta, streams.map((s) => s.length), path);
    const n = elementCount(shape, `${path}.shape`);
    const bits = streams[0].slice();
    const bad = checkPadding(bits, n);
    if (bad) failAt(`${path}.sections[0]`, bad);
    return { name, shape, encoding: 'binary', bits, scale: readScales(streams[1], `${path}.sections[1]`) };
  },
};
