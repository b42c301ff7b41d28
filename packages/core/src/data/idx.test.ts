import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSplit, Dataset } from './dataset.js';
import { IDX_FILES, encodeIdxImages, encodeIdxLabels, loadIdx, parseIdxImages, parseIdxLabels, writeIdx } from './idx.js';

/** A small deterministic dataset with pixels that are exact bytes / 255. */
function fakeDataset(count: number, offset: number): Dataset {
  const images = new Float32Array(count * 784);
  for (let i = 0; i < images.length; i++) images[i] = ((i * 7 + offset) % 256) / 255;
  const labels = Uint8Array.from({ length: count }, (_, i) => (i + offset) % 10);
  return { images, labels, count };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lite-idx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('IDX files', () => {
  const split: DataSplit = { train: fakeDataset(12, 0), test: fakeDataset(5, 3) };

  for (const gzip of [false, true]) {
    it(`round-trips a split ${gzip ? 'gzipped' : 'uncompressed'}`, async () => {
      const sub = join(dir, gzip ? 'gz' : 'raw');
      await writeIdx(sub, split, { gzip, normalized: false });
      const name = join(sub, IDX_FILES.trainImages + (gzip ? '.gz' : ''));
      const bytes = await readFile(name);
      expect(bytes[0] === 0x1f && bytes[1] === 0x8b).toBe(gzip);
      const back = await loadIdx(sub, { normalize: false });
      expect(back.train.count).toBe(12);
      expect(back.test.count).toBe(5);
      expect(Array.from(back.train.labels)).toEqual(Array.from(split.train.labels));
      expect(Array.from(back.test.labels)).toEqual(Array.from(split.test.labels));
      for (let i = 0; i < back.train.images.length; i++) {
        if (Math.abs(back.train.images[i] - split.train.images[i]) > 1e-6) throw new Error(`pixel ${i} differs`);
      }
      const normalised = await loadIdx(sub);
      expect(normalised.test.images[1]).toBeCloseTo((split.test.images[1] - 0.1307) / 0.3081, 5);
    });
  }

  it('says which file is missing', async () => {
    const sub = join(dir, 'missing');
    await writeIdx(sub, split);
    await rm(join(sub, IDX_FILES.testLabels));
    await expect(loadIdx(sub)).rejects.toThrow(/missing t10k-labels-idx1-ubyte/);
  });

  it('rejects bad magic, truncated files, mismatched counts, labels above 9 and bad gzip', async () => {
    const images = encodeIdxImages(new Uint8Array(2 * 784), 2);
    const labels = encodeIdxLabels(Uint8Array.from([1, 2]));
    expect(() => parseIdxImages(labels, 'x')).toThrow(/bad IDX magic 0x00000801, expected 0x00000803/);
    expect(() => parseIdxLabels(images, 'x')).toThrow(/bad IDX magic/);
    expect(() => parseIdxImages(images.subarray(0, 100), 'x')).toThrow(/truncated or corrupt/);
    expect(() => parseIdxImages(images.subarray(0, 10), 'x')).toThrow(/too short/);
    expect(() => parseIdxImages(new Uint8Array(0), 'x')).toThrow(/bad IDX magic missing/);
    expect(() => parseIdxLabels(encodeIdxLabels(Uint8Array.from([3, 10])), 'x')).toThrow(/label 10 at index 1/);
    expect(() => parseIdxLabels(Uint8Array.from([0x1f, 0x8b, 1, 2, 3]), 'x')).toThrow(/corrupt gzip/);
    expect(parseIdxLabels(gzipSync(labels))).toEqual(Uint8Array.from([1, 2]));

    const sub = join(dir, 'mismatch');
    await writeIdx(sub, split);
    await writeFile(join(sub, IDX_FILES.trainLabels), encodeIdxLabels(new Uint8Array(11)));
    await expect(loadIdx(sub)).rejects.toThrow(/12 images but .* 11 labels/);
    await writeFile(join(sub, IDX_FILES.trainImages), encodeIdxImages(new Uint8Array(11 * 100), 11, 10, 10));
    await expect(loadIdx(sub)).rejects.toThrow(/10×10.*need 28×28/);
  });
});
