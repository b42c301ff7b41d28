// Packed-bit flow between binary layers (binary_flow.ts): BN + sign folded into
// per-channel thresholds, max pooling on packed bits, flatten re-laying the bit
// rows. The packed path must predict exactly what the float path (the same plan
// with packedBits: false) does: ties (y = 0 → +1), negative scales (flip), zero
// scales, odd channel counts, SAME/VALID pooling, conv and dense producers.
import { describe, expect, it } from 'vitest';
import { createRng } from '../data/random.js';
import { encodeTensor } from '../format/registry.js';
import { gaussian } from '../format/samples.js';
import type { CompressedTensor, LiteGraph } from '../graph/types.js';
import { fma32 } from '../kernels/reference/gemm_s8.js';
import { foldSign, maxPoolBits, packedFlow, repackBits } from './binary_flow.js';
import { buildPlan, runPlan } from './plan.js';
import { inferShapes } from './shapes.js';
import { prepareWeights, type RuntimeWeight } from './weights.js';

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

describe('foldSign', () => {
  it('bit = sign(fma(acc, s, b)) < 0 for every acc, ties (y = 0) giving +1, negative scales flipping, zero scales constant', () => {
    const rng = createRng(5);
    const depth = 37;
    const scales: number[] = [0.25, -0.25, 0.5, -0.5, 0, 0, 1e-30, -3.7];
    const biases: number[] = [-1.25, 1.25, 2, -2, -1, 1, 0, 0];
    for (let i = 0; i < 200; i++) {
      const s = Math.fround((rng.next() - 0.5) * (i % 3 === 0 ? 1 : 8));
      scales.push(s, -s);
      // Every third bias an exact tie (−t·s), the others anywhere around.
      const b = i % 3 === 0 ? Math.fround(-Math.round((rng.next() - 0.5) * 20) * s) : Math.fround((rng.next() - 0.5) * depth * Math.abs(s));
      biases.push(b, b);
    }
    const scale = Float32Array.from(scales), bias = Float32Array.from(biases);
    for (const activation of ['linear', 'relu', 'relu6'] as const) {
      const folded = foldSign(scale, bias, activation, scale.length, depth)!;
      let ties = 0;
      for (let c = 0; c < scale.length; c++) {
        for (let acc = -depth; acc <= depth; acc++) {
          let y = fma32(acc, scale[c], bias[c]);
          if (activation !== 'linear') y = Math.max(0, y);
          if (y === 0) ties++;
          const t = folded.thresholds[c];
          const bit = folded.flip[c] ? acc > t : acc < t;
          expect(bit, `c ${c} s ${scale[c]} b ${bias[c]} acc ${acc}`).toBe(y < 0);
        }
        if (activation === 'linear') expect(folded.flip[c]).toBe(scale[c] < 0 ? 1 : 0);
      }
      expect(ties).toBeGreaterThan(50);
    }
    expect(foldSign(scale, bias, 'sigmoid', scale.length, depth)).toBeNull();
    expect(foldSign(Float32Array.of(NaN), null, 'linear', 1, depth)).toBeNull();
  });
});

/** Unpacks rows of `channels` bits (2·ceil(channels/64) u32 per row) to 0/1. */
function unpack(words: Uint32Array, rows: number, channels: number): number[] {
  const rw = 2 * Math.ceil(channels / 64);
  const out: number[] = [];
  for (let r = 0; r < rows; r++) for (let c = 0; c < channels; c++) out.push((words[r * rw + (c >>> 5)] >>> (c & 31)) & 1);
  return out;
}

function pack(bits: number[], rows: number, channels: number): Uint32Array {
  const rw = 2 * Math.ceil(channels / 64);
  const out = new Uint32Array(rows * rw);
  bits.forEach((b, i) => {
    const r = Math.floor(i / channels), c = i % channels;
    if (b) out[r * rw + (c >>> 5)] |= 1 << (c & 31);
  });
  return out;
}

describe('packed bit helpers', () => {
  it('repackBits re-lays rows of bits in order (multiple and non-multiple channel counts)', () => {
    const rng = createRng(2);
    for (const [rowsIn, cIn, cOut] of [[12, 37, 111], [8, 70, 280], [6, 33, 22], [5, 64, 32], [4, 3, 6]]) {
      const bits = Array.from({ length: rowsIn * cIn }, () => (rng.next() < 0.5 ? 1 : 0));
      const rowsOut = (rowsIn * cIn) / cOut;
      const from = { rows: rowsIn, channels: cIn, words: rowsIn * 2 * Math.ceil(cIn / 64) };
      const to = { rows: rowsOut, channels: cOut, words: rowsOut * 2 * Math.ceil(cOut / 64) };
      const out = new Uint32Array(to.words).fill(0xffffffff);
      repackBits(pack(bits, rowsIn, cIn), from, out, to);
      expect(unpack(out, rowsOut, cOut)).toEqual(bits);
      expect(out).toEqual(pack(bits, rowsOut, cOut)); // padding bits 0
    }
  });

  it('maxPoolBits: bit = AND over the window (max of ±1), SAME windows clipped', () => {
    const rng = createRng(4);
    const [batch, inH, inW, channels] = [2, 5, 4, 45];
    const bits = Array.from({ length: batch * inH * inW * channels }, () => (rng.next() < 0.8 ? 1 : 0));
    const s = { batch, inH, inW, channels, outH: 3, outW: 2, filterH: 3, filterW: 3, strideH: 2, strideW: 2, padTop: 1, padLeft: 1 };
    const out = new Uint32Array(batch * 3 * 2 * 2);
    maxPoolBits(pack(bits, batch * inH * inW, channels), out, s);
    const want: number[] = [];
    for (let b = 0; b < batch; b++) for (let oy = 0; oy < 3; oy++) for (let ox = 0; ox < 2; ox++) for (let c = 0; c < channels; c++) {
      let all = 1;
      for (let y = oy * 2 - 1; y < oy * 2 + 2; y++) for (let x = ox * 2 - 1; x < ox * 2 + 2; x++) {
        if (y >= 0 && y < inH && x >= 0 && x < inW) all &= bits[((b * inH + y) * inW + x) * channels + c];
      }
      want.push(all);
    }
    expect(unpack(out, batch * 6, channels)).toEqual(want);
  });
});

/**
 * A binary CNN with odd channel counts: c1 (f32, float input) → c2 (binary, 37)
 * → maxPool 3×3/2 SAME → c3 (ternary, 70) → maxPool 2×2/1 VALID → flatten (280)
 * → fc (binary, 13) → fc2 (binary, 11) → out (f32 weights, binary input: float path).
 */
function flowNet(seed: number): LiteGraph {
  const rng = createRng(seed);
  const t = new Map<string, CompressedTensor>();
  const add = (name: string, shape: number[], encoding: 'binary' | 'ternary' | 'f32', values?: Float32Array) => {
    t.set(name, encodeTensor(encoding, name, values ?? gaussian(rng, size(shape), 0.3), shape).tensor);
  };
  add('c1/k', [3, 3, 3, 6], 'f32');
  add('c2/k', [3, 3, 6, 37], 'binary');
  add('c3/k', [3, 3, 37, 70], 'ternary');
  add('fc/k', [280, 13], 'binary');
  add('fc2/k', [13, 11], 'binary');
  add('out/k', [11, 5], 'f32');
  const conv = { strides: [1, 1] as [number, number], dilation: [1, 1] as [number, number], activation: 'linear' as const };
  return {
    nodes: [
      { op: 'input', name: 'x', shape: [null, 11, 11, 3] },
      { op: 'conv2d', name: 'c1', input: 'x', kernel: 'c1/k', padding: 'valid', ...conv },
      { op: 'conv2d', name: 'c2', input: 'c1', kernel: 'c2/k', bias: 'c2/b', padding: 'same', ...conv, binaryInput: true },
      { op: 'maxPool2d', name: 'p1', input: 'c2', poolSize: [3, 3], strides: [2, 2], padding: 'same' },
      { op: 'conv2d', name: 'c3', input: 'p1', kernel: 'c3/k', bias: 'c3/b', padding: 'valid', ...conv, binaryInput: true },
      { op: 'maxPool2d', name: 'p2', input: 'c3', poolSize: [2, 2], strides: [1, 1], padding: 'valid' },
      { op: 'flatten', name: 'flat', input: 'p2' },
      { op: 'dense', name: 'fc', input: 'flat', kernel: 'fc/k', bias: 'fc/b', activation: 'linear', binaryInput: true },
      { op: 'dense', name: 'fc2', input: 'fc', kernel: 'fc2/k', bias: 'fc2/b', activation: 'linear', binaryInput: true },
      { op: 'dense', name: 'out', input: 'fc2', kernel: 'out/k', activation: 'linear', binaryInput: true },
    ],
    outputs: ['out'],
    tensors: t,
    provenance: [],
  };
}

/**
 * Folded BN per channel as the runtime sees it: scales ±2^-k (negative where the
 * BN scale was), a few zero, biases −t·s (exact ties) or anywhere between.
 */
function withFoldedBn(graph: LiteGraph, seed: number): { graph: LiteGraph; weights: Map<string, RuntimeWeight> } {
  const rng = createRng(seed);
  const tensors = new Map(graph.tensors);
  const scales = new Map<string, Float32Array>();
  for (const [layer, n] of [['c2', 37], ['c3', 70], ['fc', 13], ['fc2', 11]] as const) {
    const scale = new Float32Array(n), bias = new Float32Array(n);
    for (let c = 0; c < n; c++) {
      const r = rng.next();
      scale[c] = r < 0.08 ? 0 : (rng.next() < 0.4 ? -1 : 1) * 2 ** -Math.floor(rng.next() * 4);
      bias[c] = rng.next() < 0.6 || scale[c] === 0
        ? (scale[c] === 0 ? (rng.next() < 0.5 ? -1 : 1) : -Math.round((rng.next() - 0.5) * 8) * scale[c])
        : (rng.next() - 0.5) * 6 * Math.abs(scale[c]);
    }
    tensors.set(`${layer}/b`, encodeTensor('f32', `${layer}/b`, bias, [n]).tensor);
    scales.set(`${layer}/k`, scale);
  }
  const out = { ...graph, tensors };
  const weights = prepareWeights(out);
  // Stored binary scales are ≥ 0 (the quantizer flips weight signs for a negative BN);
  // the runtime weight's scale is set here so the flip path runs too.
  for (const [name, scale] of scales) {
    const w = weights.get(name)!;
    if (w.kind !== 'binary') throw new Error(`${name} is not packed`);
    w.scale.set(scale);
  }
  return { graph: out, weights };
}

function run(graph: LiteGraph, weights: Map<string, RuntimeWeight>, x: Float32Array, shape: number[], packedBits: boolean): Float32Array[] {
  const plan = buildPlan(graph, weights, [shape], { packedBits });
  plan.inputs[0].buffer.set(x);
  runPlan(plan);
  return plan.outputs.map((o) => o.value.slice());
}

describe('packed-bit flow in the runtime', () => {
  it('plans every value between binary layers as packed bits, and only those', () => {
    const { graph, weights } = withFoldedBn(flowNet(1), 2);
    const shapes = inferShapes(graph, new Map([['x', [3, 11, 11, 3]]]), (n) => weights.get(n)!.shape);
    const flow = packedFlow(graph, weights, shapes);
    expect([...flow.keys()].sort()).toEqual(['c2', 'c3', 'fc', 'flat', 'p1', 'p2']);
    expect(flow.get('flat')).toEqual({ rows: 3, channels: 280, words: 3 * 10 });
    // fc2 feeds an f32-weight layer (float path over signs); an output stays float (and so does what makes it).
    const asOutput = { ...graph, outputs: ['out', 'p1'] };
    expect([...packedFlow(asOutput, weights, shapes).keys()].sort()).toEqual(['c3', 'fc', 'flat', 'p2']);
  });

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: predictions equal the float path exactly (ties, flips, zero scales, odd channels, SAME/VALID pools)`, () => {
      const { graph, weights } = withFoldedBn(flowNet(seed), seed + 10);
      const rng = createRng(seed + 20);
      let zeros = 0;
      for (const batch of [1, 4]) {
        const shape = [batch, 11, 11, 3];
        const x = Float32Array.from({ length: size(shape) }, () => rng.next() * 2 - 1);
        const [got] = run(graph, weights, x, shape, true);
        const [want, ...hidden] = run({ ...graph, outputs: ['out', 'c2', 'c3', 'fc', 'fc2'] }, weights, x, shape, false);
        expect(Array.from(got)).toEqual(Array.from(want));
        for (const h of hidden) for (const v of h) if (v === 0) zeros++;
      }
      // The comparison saw sign ties (y = 0 exactly, which must read +1).
      expect(zeros).toBeGreaterThan(10);
    });
  }

  it('a packed plan needs no more floats than the float plan at batch 64', () => {
    const { graph, weights } = withFoldedBn(flowNet(1), 2);
    const packed = buildPlan(graph, weights, [[64, 11, 11, 3]], { packedBits: true });
    const float = buildPlan(graph, weights, [[64, 11, 11, 3]], { packedBits: false });
    expect(packed.floats).toBeLessThanOrEqual(float.floats);
  });
});
