import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createRng } from '../data/random.js';
import { crc32 } from './crc32.js';

describe('crc32', () => {
  it('matches the standard check value and zlib', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const rng = createRng(1);
    for (const n of [1, 2, 3, 4, 5, 7, 8, 63, 64, 65, 1000, 4099]) {
      const b = new Uint8Array(n).map(() => rng.int(256));
      expect(crc32(b)).toBe(zlibCrc32(b));
    }
  });

  it('covers sub-ranges and continues across chunks', () => {
    const rng = createRng(2);
    const b = new Uint8Array(777).map(() => rng.int(256));
    for (let t = 0; t < 50; t++) {
      const s = rng.int(b.length);
      const e = s + rng.int(b.length - s + 1);
      const m = s + rng.int(e - s + 1);
      const whole = zlibCrc32(b.subarray(s, e));
      expect(crc32(b, s, e)).toBe(whole);
      expect(crc32(b, m, e, crc32(b, s, m))).toBe(whole);
    }
  });
});
