import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../data/random.js';
import { LiteFormatError } from './errors.js';
import { f32ToF16 } from './half.js';
import { HUFFMAN_MAX_CODE_LENGTH, byteHistogram, huffmanCodeLengths, huffmanDecode, huffmanEncode } from './huffman.js';
import { toBytePlanes } from './planes.js';
import { gaussian } from './samples.js';

/** Optimal (unlimited) Huffman cost in bits: the sum of all merged weights. */
function optimalBits(freq: ArrayLike<number>): number {
  const w = Array.from(freq).filter((x) => x > 0);
  if (w.length <= 1) return w.length === 1 ? w[0] : 0;
  let cost = 0;
  while (w.length > 1) {
    w.sort((a, b) => a - b);
    const s = w[0] + w[1];
    cost += s;
    w.splice(0, 2, s);
  }
  return cost;
}

/** Streams of many byte distributions. */
function streams(rng: Rng): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [];
  const make = (name: string, n: number, draw: () => number) => out.push([name, Uint8Array.from({ length: n }, draw)]);
  out.push(['empty', new Uint8Array(0)]);
  for (const n of [1, 2, 7, 8, 9, 100, 5000]) make(`single×${n}`, n, () => 42);
  make('single 0', 17, () => 0);
  make('single 255', 17, () => 255);
  make('two symbols', 1000, () => (rng.next() < 0.3 ? 0 : 255));
  make('uniform 256', 20_000, () => rng.int(256));
  for (let t = 0; t < 20; t++) {
    const k = 2 + rng.int(254);
    const alphabet = Array.from({ length: k }, () => rng.int(256));
    make(`uniform over ${k}`, 1 + rng.int(5000), () => alphabet[rng.int(k)]);
  }
  for (const p of [0.5, 0.2, 0.05, 0.01]) make(`geometric ${p}`, 10_000, () => Math.min(255, Math.floor(Math.log(1 - rng.next()) / Math.log(1 - p))));
  make('zipf', 10_000, () => Math.min(255, Math.floor(1 / (rng.next() + 1e-3)) - 1));
  make('dominant', 10_000, () => (rng.next() < 0.999 ? 7 : rng.int(256)));
  make('runs', 4096, () => 0);
  for (let i = 0; i < out[out.length - 1][1].length; i++) out[out.length - 1][1][i] = i >> 6;
  // Fibonacci counts: optimal codes would be ~30 bits long; the 15-bit limit binds.
  const fib = [1, 1];
  while (fib.length < 30) fib.push(fib[fib.length - 1] + fib[fib.length - 2]);
  const fibStream: number[] = [];
  fib.forEach((c, s) => {
    for (let i = 0; i < c; i++) fibStream.push(s * 3);
  });
  out.push(['fibonacci', Uint8Array.from(fibStream)]);
  return out;
}

describe('canonical Huffman', () => {
  it('round-trips exactly on every byte distribution (random property test)', () => {
    const rng = createRng(11);
    for (let round = 0; round < 3; round++) {
      for (const [name, data] of streams(rng)) {
        const coded = huffmanEncode(data);
        const back = huffmanDecode(coded, data.length);
        if (!Buffer.from(back).equals(Buffer.from(data))) throw new Error(`${name}: round trip differs`);
      }
    }
  });

  it('builds optimal, length-limited, complete codes', () => {
    const rng = createRng(12);
    for (const [name, data] of streams(rng)) {
      const hist = byteHistogram(data);
      const lengths = huffmanCodeLengths(hist);
      const used = Array.from(hist).filter((c) => c > 0).length;
      let kraft = 0;
      let bits = 0;
      for (let s = 0; s < 256; s++) {
        expect(lengths[s] > 0).toBe(hist[s] > 0);
        expect(lengths[s]).toBeLessThanOrEqual(HUFFMAN_MAX_CODE_LENGTH);
        if (lengths[s] > 0) kraft += 2 ** -lengths[s];
        bits += hist[s] * lengths[s];
      }
      if (used >= 2) expect(kraft, name).toBe(1);
      if (name === 'fibonacci') {
        expect(Math.max(...lengths)).toBe(HUFFMAN_MAX_CODE_LENGTH);
        expect(bits).toBeGreaterThan(optimalBits(hist));
      } else if (used >= 2) expect(bits, name).toBe(optimalBits(hist));
    }
  });

  it('round-trips real weight bytes (f16 and f32 of a seedCnn-shaped model) and shrinks the skewed planes', () => {
    const rng = createRng(13);
    const layers: [number, number][] = [[250, 0.2], [10, 0.01], [5000, 0.06], [20, 0.01], [16000, 0.035], [50, 0.01], [500, 0.14], [10, 0.01]];
    let raw = 0;
    let coded = 0;
    for (const [n, std] of layers) {
      const w = gaussian(rng, n, std);
      const halves = f32ToF16(w).bits;
      const streamsOf = [new Uint8Array(w.buffer), new Uint8Array(halves.buffer), ...toBytePlanes(halves, 2), ...toBytePlanes(new Uint32Array(w.buffer), 4)];
      for (const s of streamsOf) {
        const c = huffmanEncode(s);
        expect(Buffer.from(huffmanDecode(c, s.length)).equals(Buffer.from(s))).toBe(true);
      }
      const hi = toBytePlanes(halves, 2)[1];
      raw += hi.length;
      coded += huffmanEncode(hi).length;
    }
    // Sign + exponent bytes of Gaussian weights carry well under 8 bits each.
    expect(coded / raw).toBeLessThan(0.75);
  });

  it('onlyIfSmaller keeps the coded form only when it is smaller', () => {
    const rng = createRng(14);
    expect(huffmanEncode(Uint8Array.from({ length: 4096 }, () => rng.int(256)), { onlyIfSmaller: true })).toBeUndefined();
    expect(huffmanEncode(new Uint8Array(0), { onlyIfSmaller: true })).toBeUndefined();
    expect(huffmanEncode(new Uint8Array(3), { onlyIfSmaller: true })).toBeUndefined();
    const skewed = huffmanEncode(new Uint8Array(4096), { onlyIfSmaller: true });
    expect(skewed!.length).toBe(3 + 512);
  });
});

describe('Huffman decoder validation', () => {
  const data = Uint8Array.from({ length: 999 }, (_, i) => (i * 7919) % 13 === 0 ? 200 : (i % 5) + 10);
  const good = huffmanEncode(data);
  const bad = (coded: Uint8Array, rawLength: number, message: RegExp) => {
    let err: unknown;
    try {
      huffmanDecode(coded, rawLength, 1000);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LiteFormatError);
    expect((err as LiteFormatError).message).toMatch(message);
    expect((err as LiteFormatError).offset).toBeGreaterThanOrEqual(1000);
  };

  it('rejects bad tables', () => {
    bad(Uint8Array.of(0, 0), 0, /too few/);
    bad(Uint8Array.of(9, 3, 0x11), 1, /range is empty/);
    bad(Uint8Array.of(0, 200, 0x11), 1, /table truncated/);
    bad(Uint8Array.of(0, 2, 0x11, 0x11), 4, /padding nibble/);
    bad(Uint8Array.of(0, 2, 0x01, 0x10, 0x00), 4, /not trimmed/);
    bad(Uint8Array.of(0, 2, 0x11, 0x10, 0x00), 4, /over-subscribed/);
    bad(Uint8Array.of(0, 1, 0x12, 0x00), 4, /incomplete/);
    bad(Uint8Array.of(5, 5, 0x20, 0x00), 4, /lone symbol must have a 1-bit code/);
    bad(Uint8Array.of(0, 1, 0x11, 0x00), 0, /declared decoded length is 0/);
    bad(Uint8Array.of(0, 0, 0x00), 3, /no symbols but 3 bytes/);
    bad(Uint8Array.of(3, 3, 0x00), 0, /lists no codes/);
    bad(Uint8Array.of(0, 0, 0x00, 0x00), 0, /follow an empty stream/);
    bad(good, -1, /not a non-negative integer/);
    bad(good, 1.5, /not a non-negative integer/);
  });

  it('rejects truncated streams at every length, without over-allocating', () => {
    for (let n = 0; n < good.length; n++) {
      expect(() => huffmanDecode(good.subarray(0, n), data.length)).toThrow(LiteFormatError);
    }
    // A huge declared length fails the bound check before anything is allocated.
    bad(good, 2 ** 31, /bitstream truncated/);
    bad(good, data.length + 50, /truncated/);
  });

  it('rejects trailing bytes, non-zero padding bits, wrong lengths and invalid codes', () => {
    bad(Uint8Array.from([...good, 0]), data.length, /trailing bytes/);
    bad(good, data.length - 20, /trailing bytes/);
    // Bits used for the 999 symbols end mid-byte: set a padding bit.
    const padded = good.slice();
    padded[padded.length - 1] |= 1;
    bad(padded, data.length, /padding bits|invalid code|trailing/);
    bad(Uint8Array.of(5, 5, 0x10, 0x80), 1, /invalid code at symbol 0/);
    expect(Array.from(huffmanDecode(Uint8Array.of(5, 5, 0x10, 0x00), 3))).toEqual([5, 5, 5]);
  });

  it('never throws anything but LiteFormatError on random input', () => {
    const rng = createRng(15);
    for (let t = 0; t < 20_000; t++) {
      const coded = Uint8Array.from({ length: rng.int(40) }, () => (rng.next() < 0.5 ? rng.int(256) : rng.int(3) * 0x11));
      if (coded.length > 1 && rng.next() < 0.5) coded[1] = Math.max(coded[0], coded[1]);
      try {
        huffmanDecode(coded, rng.int(200));
      } catch (e) {
        if (!(e instanceof LiteFormatError)) throw e;
      }
    }
  });
});
