import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeTensor, encodeTensor } from '@lite/core';
import { approxSign, binaryWeight, steSign, ternaryWeight } from './quantizers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const grad = (f: (x: tf.Tensor) => tf.Tensor, x: number[]) => Array.from(tf.grad((t: tf.Tensor) => tf.sum(f(t)))(tf.tensor1d(x)).dataSync());

describe('binary quantizers', () => {
  const xs = [-2, -1, -0.5, 0, 0.25, 1, 1.5];
  it('steSign: ±1 (sign(0) = +1), gradient 1 where |x| ≤ 1 and 0 outside', () => {
    expect(Array.from(steSign(tf.tensor1d(xs)).dataSync())).toEqual([-1, -1, -1, 1, 1, 1, 1]);
    expect(grad(steSign, xs)).toEqual([0, 1, 1, 1, 1, 1, 0]);
  });
  it('approxSign: gradient 2 − 2|x| inside [−1, 1], 0 outside', () => {
    expect(Array.from(approxSign(tf.tensor1d(xs)).dataSync())).toEqual([-1, -1, -1, 1, 1, 1, 1]);
    expect(grad(approxSign, xs)).toEqual([0, 0, 1, 2, 1.5, 0, 0]);
  });
  it('binaryWeight: α_c = mean |W_c| per output channel, as the binary encoding stores it', () => {
    const w = Float32Array.of(0.5, -2, -1, 1, 0, 4, -0.5, 1, 1);
    const got = binaryWeight(tf.tensor2d(w, [3, 3])).dataSync();
    expect(Array.from(got)).toEqual(Array.from(decodeTensor(encodeTensor('binary', 'w', w, [3, 3]).tensor)));
    expect(grad(binaryWeight, [0.5, -3])).toEqual([1, 0]);
  });
  it('ternaryWeight: TWN threshold 0.7·mean|W| and α over the survivors, equal to the ternary encoding', () => {
    const w = Float32Array.of(1, 0.4, -0.1, -0.4, -2, 0.4, 0.3, -0.4);
    const got = Array.from(ternaryWeight(tf.tensor2d(w, [4, 2])).dataSync(), (v) => v + 0);
    expect(got).toEqual([1.5, 0.4, 0, -0.4, -1.5, 0.4, 0, -0.4].map(Math.fround));
    expect(got).toEqual(Array.from(decodeTensor(encodeTensor('ternary', 'w', w, [4, 2]).tensor)));
    expect(grad(ternaryWeight, [3, -0.1, 0.2])).toEqual([1, 1, 1]);
  });
});
