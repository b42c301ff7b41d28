/**
 * `f32`: plain float32 values, stored as 4 byte planes (so Huffman can shrink the
 * sign/exponent bytes), or, below PLANES_MIN_ELEMENTS (256) elements, as one stream
 * of little-endian float32s (planes.ts); the shape alone says which.
 */
import type { F32Tensor } from '../../graph/types.js';
import { checkEmptyMeta, checkStreamLengths, checkTensorShape, elementCount, type EncodingCodec } from '../codec.js';
import { fromStreams, streamLayout, streamLengths, toStreams } from '../planes.js';

function checkLayout(shape: readonly number[], meta: unknown, lengths: readonly number[], path: string): void {
  const n = elementCount(shape, `${path}.shape`);
  checkEmptyMeta(meta, `${path}.meta`);
  checkStreamLengths(lengths, streamLengths(n, 4), `${path}.sections`, `an f32 tensor of ${n} elements (${streamLayout(n, 4)})`);
}

/** The `f32` encoding: lossless, 4 bytes per value. */
export const f32Codec: EncodingCodec<'f32'> = {
  name: 'f32',
  description: 'float32, 4 bytes per value (lossless)',
  encode({ name, values, shape }) {
    checkTensorShape(name, shape, values.length);
    return { tensor: { name, shape: [...shape], encoding: 'f32', values: values.slice() }, warnings: [] };
  },
  decode(tensor) {
    return tensor.values.slice();
  },
  byteSize(tensor) {
    return tensor.values.length * 4;
  },
  serialize(tensor) {
    checkTensorShape(tensor.name, tensor.shape, tensor.values.length);
    const v = tensor.values;
    return { meta: {}, streams: toStreams(new Uint32Array(v.buffer, v.byteOffset, v.length), 4) };
  },
  checkLayout,
  deserialize(name, shape, meta, streams, path): F32Tensor {
    checkLayout(shape, meta, streams.map((s) => s.length), path);
    return { name, shape, encoding: 'f32', values: new Float32Array(fromStreams(streams, 4).buffer) };
  },
};
