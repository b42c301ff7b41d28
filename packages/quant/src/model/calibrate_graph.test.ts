import { createRng, type CompressedTensor, type LiteGraph } from '@lite/core';
import { describe, expect, it } from 'vitest';
import { calibrateActivations } from './calibrate_graph.js';

// Calibration feeds samples shaped as the graph's input, not only MNIST's 28×28×1.

function f32(name: string, shape: number[], seed: number): CompressedTensor {
  const rng = createRng(seed);
  return { name, encoding: 'f32', shape, values: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next() - 0.5) };
}

const graph: LiteGraph = {
  nodes: [
    { op: 'input', name: 'x', shape: [null, 4, 4, 3] },
    { op: 'conv2d', name: 'conv', input: 'x', kernel: 'k', strides: [1, 1], padding: 'same', dilation: [1, 1], activation: 'relu' },
    { op: 'flatten', name: 'flat', input: 'conv' },
    { op: 'dense', name: 'fc', input: 'flat', kernel: 'w', activation: 'linear' },
  ],
  outputs: ['fc'],
  tensors: new Map([['k', f32('k', [3, 3, 3, 8], 1)], ['w', f32('w', [128, 5], 2)]]),
  provenance: [],
};

describe('calibrateActivations', () => {
  it('calibrates a graph whose input is not an MNIST image: the conv sees the data range, the dense layer a ReLU output', () => {
    const count = 20;
    const images = Float32Array.from({ length: count * 48 }, (_, i) => (i % 7) - 2); // values −2..4
    const ranges = calibrateActivations(graph, { images, labels: new Uint8Array(count), count });
    const conv = ranges.get('conv')!;
    expect(conv.scale).toBeCloseTo(6 / 255, 6);
    expect(conv.zeroPoint).toBe(Math.round(2 / conv.scale));
    expect(ranges.get('fc')!.zeroPoint).toBe(0);
  });

  it('rejects data whose samples do not match the input shape', () => {
    const images = new Float32Array(10 * 784);
    expect(() => calibrateActivations(graph, { images, labels: new Uint8Array(10), count: 10 })).toThrow(/input \[4, 4, 3\] needs 48 per sample/);
  });
});
