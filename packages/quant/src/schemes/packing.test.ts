import { encodeTensor, type Int4Tensor, type KMeansTensor } from '@lite/core';
import { describe, expect, it } from 'vitest';
import { packInt4, unpackInt4 } from './int4.js';
import { packIndices, unpackIndices } from './kmeans.js';

describe('int4 packing', () => {
  it('round-trips every code at odd and even lengths, low nibble first, pad nibble 0', () => {
    for (const n of [0, 1, 2, 3, 15, 16, 17, 101]) {
      const q = Int8Array.from({ length: n }, (_, i) => ((i * 11 + n) % 16) - 8);
      const packed = packInt4(q);
      expect(packed.length).toBe(Math.ceil(n / 2));
      expect(Array.from(unpackInt4(packed, n))).toEqual(Array.from(q));
      if (n % 2 === 1) expect(packed[packed.length - 1] >> 4).toBe(0);
    }
    expect(Array.from(packInt4([7, -8, -1]))).toEqual([0x87, 0x0f]);
    expect(() => packInt4([8])).toThrow(/int4 code 0 is 8, outside -8\.\.7/);
    expect(() => unpackInt4(new Uint8Array(1), 3)).toThrow(/hold at most 2 int4 codes/);
  });

  it('matches the int4 encoding’s bytes', () => {
    const v = Float32Array.from({ length: 21 }, (_, i) => Math.sin(i * 1.7));
    const t = encodeTensor('int4', 'w', v, [3, 7]).tensor as Int4Tensor;
    const q = unpackInt4(t.packed, 21);
    expect(Array.from(packInt4(q))).toEqual(Array.from(t.packed));
  });
});

describe('index packing', () => {
  it('round-trips 1–8-bit indices at every length, least significant bit first', () => {
    for (let bits = 1; bits <= 8; bits++) {
      for (const n of [0, 1, 7, 8, 9, 63, 100]) {
        const idx = Uint8Array.from({ length: n }, (_, i) => (i * 37 + bits) % 2 ** bits);
        const packed = packIndices(idx, bits);
        expect(packed.length).toBe(Math.ceil((n * bits) / 8));
        expect(Array.from(unpackIndices(packed, bits, n))).toEqual(Array.from(idx));
      }
    }
    expect(Array.from(packIndices([3, 0, 2, 1], 2))).toEqual([0b01100011]);
    expect(() => packIndices([4], 2)).toThrow(/index 0 is 4, outside 0\.\.3/);
    expect(() => packIndices([0], 9)).toThrow(/bits must be an integer 1\.\.8/);
  });

  it('matches the kmeans encoding’s bytes', () => {
    const v = Float32Array.from({ length: 45 }, (_, i) => Math.cos(i * 0.37));
    for (const bits of [2, 3, 5, 7]) {
      const t = encodeTensor('kmeans', 'w', v, [45], { bits }).tensor as KMeansTensor;
      expect(Array.from(packIndices(unpackIndices(t.packed, bits, 45), bits))).toEqual(Array.from(t.packed));
    }
  });
});
