import { describe, expect, it } from 'vitest';
import type { BinaryTensor, CompressedTensor, LiteGraph, TernaryTensor } from '../../graph/types.js';
import { decodeLite, encodeLite } from '../container.js';
import { LiteFormatError } from '../errors.js';
import { decodeTensor, encodeTensor, getEncoding, tensorByteSize } from '../registry.js';
import { twnTernarize } from './ternary.js';

const single = (t: CompressedTensor): LiteGraph => ({ nodes: [], outputs: [], tensors: new Map([[t.name, t]]), provenance: [] });
const roundTrip = <T extends CompressedTensor>(t: T): T => decodeLite(encodeLite(single(t), { huffman: 'off' })).tensors.get(t.name) as T;

/** Deserializes hand-made streams through the strict reader's codec entry point. */
function deserialize(encoding: 'binary' | 'ternary', shape: number[], streams: Uint8Array[], meta: unknown = {}): unknown {
  return getEncoding(encoding)!.deserialize('w', shape, meta, streams, 'header.tensors[0]');
}
const f32Bytes = (...v: number[]) => new Uint8Array(Float32Array.from(v).buffer);

describe('binary encoding', () => {
  it('stores signs and the per-channel mean |W| (XNOR-Net), exactly for ±α weights', () => {
    const v = Float32Array.of(0.5, -2, -1, 1, 0, 4, -0.5, 1, 1);
    const t = encodeTensor('binary', 'w', v, [3, 3]).tensor as BinaryTensor;
    expect(Array.from(t.scale)).toEqual([Math.fround(2 / 3), 1, 2]);
    expect(Array.from(decodeTensor(t))).toEqual([2 / 3, -1, -2, 2 / 3, 1, 2, -2 / 3, 1, 2].map(Math.fround));
    const exact = Float32Array.of(0.25, -3, 1, -0.25, 3, -1, 0.25, -3, -1);
    expect(decodeTensor(encodeTensor('binary', 'e', exact, [3, 3]).tensor)).toEqual(exact);
    expect(tensorByteSize(t)).toBe(2 + 12);
  });

  it('round-trips through a .lite file bit for bit', () => {
    const v = Float32Array.from({ length: 3 * 3 * 5 * 7 }, (_, i) => Math.sin(i * 1.7));
    const t = encodeTensor('binary', 'w', v, [3, 3, 5, 7]).tensor as BinaryTensor;
    const back = roundTrip(t);
    expect(back.bits).toEqual(t.bits);
    expect(back.scale).toEqual(t.scale);
    expect(decodeTensor(back)).toEqual(decodeTensor(t));
  });

  it('rejects hostile streams with LiteFormatError', () => {
    expect(() => deserialize('binary', [3, 3], [Uint8Array.of(0xff, 0x01), f32Bytes(1, 1, 1)])).not.toThrow();
    expect(() => deserialize('binary', [3, 3], [Uint8Array.of(0xff, 0x03), f32Bytes(1, 1, 1)])).toThrow(LiteFormatError); // padding bit
    expect(() => deserialize('binary', [3, 3], [Uint8Array.of(0xff), f32Bytes(1, 1, 1)])).toThrow(/needs 2 bytes/);
    expect(() => deserialize('binary', [3, 3], [Uint8Array.of(0, 0), f32Bytes(1, 1)])).toThrow(LiteFormatError);
    expect(() => deserialize('binary', [3, 3], [Uint8Array.of(0, 0), f32Bytes(1, NaN, 1)])).toThrow(/finite/);
    expect(() => deserialize('binary', [3, 3], [Uint8Array.of(0, 0), f32Bytes(1, -1, 1)])).toThrow(LiteFormatError);
    expect(() => deserialize('binary', [3, 3], [Uint8Array.of(0, 0), f32Bytes(1, 1, 1)], { x: 1 })).toThrow(/unknown meta/);
    expect(() => deserialize('binary', [3, 3], [Uint8Array.of(0, 0)])).toThrow(LiteFormatError);
  });
});

describe('ternary encoding', () => {
  it('uses the TWN threshold 0.7·mean|W| and α = mean |w| above it, per output channel', () => {
    // channel 0: |w| = 1, 0.1, 2, 0.3 → mean 0.85, Δ = 0.595 → nonzero 1, 2 → α 1.5
    // channel 1: |w| = 0.4, 0.4, 0.4, 0.4 → Δ = 0.28 → all nonzero, α 0.4
    const v = Float32Array.of(1, 0.4, -0.1, -0.4, -2, 0.4, 0.3, -0.4);
    const twn = twnTernarize(v, 2);
    expect(twn.threshold[0]).toBeCloseTo(0.595, 6);
    expect(Array.from(twn.nonzero)).toEqual([1, 1, 0, 1, 1, 1, 0, 1]);
    expect(twn.scale[0]).toBeCloseTo(1.5, 6);
    expect(twn.scale[1]).toBeCloseTo(0.4, 6);
    const t = encodeTensor('ternary', 'w', v, [4, 2]).tensor as TernaryTensor;
    expect(Array.from(decodeTensor(t))).toEqual([1.5, 0.4, 0, -0.4, -1.5, 0.4, 0, -0.4].map(Math.fround));
    expect(tensorByteSize(t)).toBe(1 + 1 + 8);
  });

  it('round-trips through a .lite file', () => {
    const v = Float32Array.from({ length: 45 * 7 }, (_, i) => Math.cos(i * 0.37) * (i % 5));
    const t = encodeTensor('ternary', 'w', v, [45, 7]).tensor as TernaryTensor;
    const back = roundTrip(t);
    expect([back.sign, back.nonzero, back.scale]).toEqual([t.sign, t.nonzero, t.scale]);
  });

  it('rejects a sign bit on a zero, padding bits and bad scales', () => {
    const ok = [Uint8Array.of(0x01, 0), Uint8Array.of(0x03, 0x01), f32Bytes(1, 2, 3)];
    expect(() => deserialize('ternary', [3, 3], ok)).not.toThrow();
    expect(() => deserialize('ternary', [3, 3], [Uint8Array.of(0x04, 0), ok[1], ok[2]])).toThrow(/value 2 has its sign bit set/);
    expect(() => deserialize('ternary', [3, 3], [ok[0], Uint8Array.of(0x03, 0x81), ok[2]])).toThrow(/unused high bits/);
    expect(() => deserialize('ternary', [3, 3], [ok[0], ok[1], f32Bytes(1, Infinity, 3)])).toThrow(LiteFormatError);
    expect(() => deserialize('ternary', [3, 3], [ok[0], ok[1]])).toThrow(/needs 3 section/);
  });
});
