import { describe, expect, it } from 'vitest';
import type { CompressedTensor, LiteGraph } from '../graph/types.js';
import { checkEmptyMeta, checkStreamLengths, elementCount, type EncodingCodec, type EncodingWarning } from './codec.js';
import { decodeLite, encodeLite } from './container.js';
import { LiteFormatError } from './errors.js';
import { decodeTensor, encodeTensor, encodingNames, getEncoding, reencodeGraph, registerEncoding, tensorByteSize } from './registry.js';
import { tinyCnn } from './samples.js';

describe('encoding registry', () => {
  it('ships f32 and f16', () => {
    expect(encodingNames()).toEqual(expect.arrayContaining(['f32', 'f16']));
    expect(getEncoding('f16').description).toMatch(/float16/);
    expect(() => getEncoding('int3')).toThrow(/unknown tensor encoding "int3"; known: f32, f16/);
    expect(() => registerEncoding(getEncoding('f32'))).toThrow(/already registered/);
  });

  it('f32 is lossless and copies its input', () => {
    const v = Float32Array.of(1, -2.5, NaN, Infinity, -0, 1e-45);
    const { tensor, warnings } = encodeTensor('f32', 'w', v, [2, 3]);
    expect(warnings).toEqual([]);
    v[0] = 99;
    const back = decodeTensor(tensor);
    expect(Array.from(back)).toEqual([1, -2.5, NaN, Infinity, -0, Math.fround(1e-45)]);
    expect(tensorByteSize(tensor)).toBe(24);
  });

  it('f16 halves the bytes within fp16 precision', () => {
    const v = Float32Array.from({ length: 100 }, (_, i) => Math.sin(i) * 3);
    const { tensor, warnings } = encodeTensor('f16', 'w', v, [10, 10]);
    expect(warnings).toEqual([]);
    expect(tensor.encoding).toBe('f16');
    expect(tensorByteSize(tensor)).toBe(200);
    const back = decodeTensor(tensor);
    for (let i = 0; i < v.length; i++) expect(Math.abs(back[i] - v[i])).toBeLessThanOrEqual(Math.abs(v[i]) * 2 ** -11);
  });

  it('f16 warns, naming the weight, about overflow, underflow, subnormals and non-finite values', () => {
    const seen: EncodingWarning[] = [];
    const v = Float32Array.of(1e5, -7e4, 1e-9, 2e-6, NaN, 0.5);
    const { warnings, tensor } = encodeTensor('f16', 'dense_1/kernel', v, [6], { onWarning: (w) => seen.push(w) });
    expect(seen).toEqual(warnings);
    expect(warnings.map((w) => [w.kind, w.count])).toEqual([
      ['overflow', 2],
      ['underflow', 1],
      ['subnormal', 1],
      ['nonFinite', 1],
    ]);
    for (const w of warnings) expect(w.message).toMatch(/^dense_1\/kernel: \d+ of 6 values/);
    expect(warnings[0].message).toMatch(/1\.00e\+5 > 65504\); clamped to ±65504/);
    expect(Array.from(decodeTensor(tensor).slice(0, 2))).toEqual([65504, -65504]);
    const inf = encodeTensor('f16', 'k', v, [6], { overflow: 'infinity' });
    expect(inf.warnings[0].message).toMatch(/Infinity/);
    expect(Array.from(decodeTensor(inf.tensor).slice(0, 2))).toEqual([Infinity, -Infinity]);
    expect(() => encodeTensor('f16', 'k', v, [6], { overflow: 'wrap' })).toThrow(/overflow must be/);
  });

  it('rejects a shape that does not match the values', () => {
    expect(() => encodeTensor('f32', 'w', new Float32Array(6), [4])).toThrow(/shape \[4\] has 4 elements but the data has 6/);
    expect(() => encodeTensor('f16', 'w', new Float32Array(6), [2, -3])).toThrow(LiteFormatError);
  });

  it('serialize / checkLayout / deserialize validate meta and stream lengths', () => {
    for (const enc of ['f32', 'f16'] as const) {
      const codec = getEncoding(enc);
      const width = enc === 'f32' ? 4 : 2;
      const { tensor } = encodeTensor(enc, 't', Float32Array.of(1, 2, 3), [3]);
      const s = codec.serialize(tensor);
      expect(s.streams.map((x) => x.length)).toEqual([3 * width]); // small: one stream
      expect(decodeTensor(codec.deserialize('t', [3], s.meta, s.streams, 'p'))).toEqual(Float32Array.of(1, 2, 3));
      expect(() => codec.checkLayout([3], { extra: 1 }, s.streams.map((x) => x.length), 'p')).toThrow(/unknown meta field \(at p\.meta\.extra\)/);
      expect(() => codec.checkLayout([3], [], s.streams.map((x) => x.length), 'p')).toThrow(/meta must be an object/);
      expect(() => codec.checkLayout([4], {}, s.streams.map((x) => x.length), 'p')).toThrow(new RegExp(`needs ${4 * width} bytes in section 0, the file has ${3 * width} \\(at p\\.sections\\[0\\]\\)`));
      expect(() => codec.checkLayout([3], {}, [3, 3], 'p')).toThrow(/needs 1 section\(s\), the file lists 2/);
      expect(() => codec.deserialize('t', [3], {}, [s.streams[0].subarray(1)], 'p')).toThrow(LiteFormatError);
      expect(() => codec.deserialize('t', [3], {}, [], 'p')).toThrow(LiteFormatError);
    }
  });

  it('f32/f16 store tensors under 256 elements as one little-endian stream, larger ones as byte planes, and insist on it', () => {
    for (const enc of ['f32', 'f16'] as const) {
      const codec = getEncoding(enc);
      const width = enc === 'f32' ? 4 : 2;
      for (const n of [0, 1, 255, 256, 1000]) {
        const values = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.1);
        const { tensor } = encodeTensor(enc, 't', values, [n]);
        const s = codec.serialize(tensor);
        const small = n < 256;
        expect(s.streams.map((x) => x.length)).toEqual(small ? [n * width] : new Array(width).fill(n));
        if (small) {
          // Exactly the little-endian values (this host is little-endian).
          const payload = tensor.encoding === 'f32' ? tensor.values : (tensor as { bits: Uint16Array }).bits;
          expect(Buffer.from(s.streams[0]).equals(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength))).toBe(true);
        }
        const back = codec.deserialize('t', [n], {}, s.streams, 'p');
        expect(Buffer.from(decodeTensor(back).buffer).equals(Buffer.from(decodeTensor(tensor).buffer))).toBe(true);
        // The other layout is rejected: planes for a small tensor, one stream for a big one.
        const other = small ? new Array(width).fill(n) : [n * width];
        const what = new RegExp(`an ${enc} tensor of ${n} elements \\(${small ? 'one little-endian stream, as it has under 256 elements' : `${width} byte planes`}\\) needs ${small ? 1 : width} section\\(s\\), the file lists ${other.length} \\(at p\\.sections\\)`);
        expect(() => codec.checkLayout([n], {}, other, 'p')).toThrow(what);
        if (n > 0) expect(() => codec.deserialize('t', [n], {}, other.map((l) => new Uint8Array(l)), 'p')).toThrow(LiteFormatError);
      }
    }
    // Decoding copies: the tensor does not share the caller's bytes.
    const stream = new Uint8Array(8);
    const t = getEncoding('f32').deserialize('t', [2], {}, [stream], 'p') as { values: Float32Array };
    stream.fill(0xff);
    expect(Array.from(t.values)).toEqual([0, 0]);
  });

  it('elementCount checks ranks, dimensions and the element cap', () => {
    expect(elementCount([], 's')).toBe(1);
    expect(elementCount([0, 5], 's')).toBe(0);
    expect(() => elementCount([1, 2, 3, 4, 5, 6, 7, 8, 9], 's')).toThrow(/rank 9/);
    expect(() => elementCount([1.5], 's')).toThrow(/at s\[0\]/);
    expect(() => elementCount([65536, 65536], 's')).toThrow(/more than/);
    expect(() => elementCount('3', 's')).toThrow(/must be an array/);
  });

  it('reencodeGraph converts every tensor and collects warnings without touching the input', () => {
    const g = tinyCnn();
    const bias = g.tensors.get('fc/bias')!;
    if (bias.encoding === 'f32') bias.values[0] = 1e6;
    const { graph, warnings } = reencodeGraph(g, 'f16');
    expect([...graph.tensors.values()].every((t) => t.encoding === 'f16')).toBe(true);
    expect([...g.tensors.values()].every((t) => t.encoding === 'f32')).toBe(true);
    expect(warnings.map((w) => w.tensor)).toEqual(['fc/bias']);
    const partial = reencodeGraph(g, 'f16', { filter: (t) => t.shape.length > 1 });
    expect(partial.graph.tensors.get('fc/bias')!.encoding).toBe('f32');
    expect(partial.graph.tensors.get('fc/kernel')!.encoding).toBe('f16');
  });
});

describe('a new encoding is one codec', () => {
  // A toy 8-bit encoding (value = byte/10), registered like a plugin, runs through the container.
  type Toy = { name: string; shape: number[]; encoding: 'toy8'; q: Uint8Array };
  const toy: EncodingCodec<never, Record<string, never>> = {
    name: 'toy8' as never,
    description: 'test encoding',
    encode: ({ name, values, shape }) => ({ tensor: { name, shape: [...shape], encoding: 'toy8', q: Uint8Array.from(values, (x) => Math.round(x * 10)) } as never, warnings: [] }),
    decode: (t) => Float32Array.from((t as unknown as Toy).q, (x) => x / 10),
    byteSize: (t) => (t as unknown as Toy).q.length,
    serialize: (t) => ({ meta: { scale: 0.1 }, streams: [(t as unknown as Toy).q] }),
    checkLayout(shape, meta, lengths, path) {
      const n = elementCount(shape, `${path}.shape`);
      if (typeof meta !== 'object' || meta === null || (meta as { scale?: unknown }).scale !== 0.1) throw new LiteFormatError('bad scale', { path: `${path}.meta` });
      checkStreamLengths(lengths, [n], `${path}.sections`, 'a toy8 tensor');
    },
    deserialize(name, shape, meta, streams, path) {
      this.checkLayout(shape, meta, streams.map((s) => s.length), path);
      return { name, shape, encoding: 'toy8', q: streams[0].slice() } as never;
    },
  };

  it('registers and round-trips through a .lite file', () => {
    registerEncoding(toy);
    checkEmptyMeta({}, 'x');
    const t = encodeTensor('toy8' as never, 'w', Float32Array.of(0.1, 0.5, 2), [3]).tensor as CompressedTensor;
    const g: LiteGraph = { nodes: [], outputs: [], tensors: new Map([['w', t]]), provenance: [] };
    const back = decodeLite(encodeLite(g));
    expect(decodeTensor(back.tensors.get('w')!)).toEqual(Float32Array.of(0.1, 0.5, 2));
  });
});
