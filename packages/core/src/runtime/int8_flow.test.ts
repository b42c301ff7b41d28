// The uint8 flow between statically quantized int8 layers (int8_flow.ts)
// against the same plan with every value in float32 (uint8Activations: false).
// Where every requantization is exact (power-of-two scales, biases on the
// output grid, values that never saturate where the float path does not
// clamp) the flow rounds the same real numbers the float path quantizes, so
// the outputs are bit-identical; on random MobileNetV2- and seedCnn-shaped
// graphs with calibrated ranges each layer rounds once more, so predictions
// agree within a small tolerance.
import { describe, expect, it } from 'vitest';
import type { ActivationQuant, CompressedTensor, GraphNode, Int8Tensor, LiteGraph } from '../graph/index.js';
import { createRng } from '../data/random.js';
import { conv2dS8Direct } from '../kernels/index.js';
import { int8Flow } from './int8_flow.js';
import { LiteModel } from './lite_model.js';
import { buildPlan, runPlan } from './plan.js';
import { inferShapes } from './shapes.js';
import { prepareWeights } from './weights.js';

type Conv = Extract<GraphNode, { op: 'conv2d' }>;
type Depthwise = Extract<GraphNode, { op: 'depthwiseConv2d' }>;
type Dense = Extract<GraphNode, { op: 'dense' }>;

/** A symmetric int8 tensor from codes and one scale per channel (channel of element i: i mod C, C = product of shape[axis..]). */
function int8Tensor(name: string, shape: number[], q: Int8Array, scale: number[], axis: number): Int8Tensor {
  return { name, shape, encoding: 'int8', q, params: { bits: 8, axis, symmetric: true, narrowRange: true, scale, zeroPoint: scale.map(() => 0) } };
}

/** Random weights quantized symmetric per channel. */
function randomInt8(name: string, shape: number[], axis: number, rand: () => number, spread = 0.5): Int8Tensor {
  const channels = shape.slice(axis).reduce((a, b) => a * b, 1);
  const n = shape.reduce((a, b) => a * b, 1);
  const v = Float32Array.from({ length: n }, () => (rand() * 2 - 1) * spread);
  const scale = Array.from({ length: channels }, (_, c) => {
    let m = 0;
    for (let i = c; i < n; i += channels) m = Math.max(m, Math.abs(v[i]));
    return Math.fround((m || 1) / 127);
  });
  const q = Int8Array.from(v, (x, i) => Math.max(-127, Math.min(127, Math.round(x / scale[i % channels]))));
  return int8Tensor(name, shape, q, scale, axis);
}

const f32 = (name: string, values: Float32Array): CompressedTensor => ({ name, shape: [values.length], encoding: 'f32', values });

function graphOf(nodes: GraphNode[], tensors: CompressedTensor[]): LiteGraph {
  return { nodes, outputs: [nodes[nodes.length - 1].name], tensors: new Map(tensors.map((t) => [t.name, t])), provenance: [] };
}

function run(graph: LiteGraph, x: Float32Array, shape: number[], uint8Activations: boolean): Float32Array {
  const plan = buildPlan(graph, prepareWeights(graph), [shape], { uint8Activations });
  plan.inputs[0].buffer.set(x);
  runPlan(plan);
  return plan.outputs[0].value.slice();
}

const conv = (name: string, input: string, activation: Conv['activation'], q: ActivationQuant | undefined): Conv => ({
  op: 'conv2d', name, input, kernel: `${name}/k`, strides: [1, 1], padding: 'same', dilation: [1, 1], activation,
  ...(q ? { inputQuant: q } : {}),
});

describe('uint8 flow', () => {
  it('equals the float32 path bit for bit where every requantization is exact', () => {
    const rand = createRng(5).next;
    const codes = (n: number, zeros = 0.5) => Int8Array.from({ length: n }, () => (rand() < zeros ? 0 : rand() < 0.5 ? -1 : 1));
    const grid = (n: number, step: number, span: number) => Float32Array.from({ length: n }, () => step * Math.round((rand() * 2 - 1) * span));
    // K ≥ 32 everywhere, so the float path runs every conv/dense on the int8 kernels too (quantizing its input).
    const qx = { scale: 2 ** -6, zeroPoint: 0 }, qv = { scale: 2 ** -5, zeroPoint: 0 };
    const q3 = { scale: 2 ** -4, zeroPoint: 30 }, qd = { scale: 2 ** -5, zeroPoint: 128 };
    const nodes: GraphNode[] = [
      { op: 'input', name: 'x', shape: [null, 8, 8, 4] },
      { ...conv('c1', 'x', 'relu6', qx), bias: 'c1/b' },
      { op: 'maxPool2d', name: 'mp', input: 'c1', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
      { op: 'depthwiseConv2d', name: 'dw', input: 'mp', kernel: 'dw/k', bias: 'dw/b', strides: [1, 1], padding: 'same', dilation: [1, 1], activation: 'relu6', inputQuant: qv },
      conv('c2', 'dw', 'linear', qv),
      { op: 'add', name: 'add', inputs: ['dw', 'c2'] },
      // A second, float32 reader keeps c2 float32 (else the add's ranges would quantize it, inexactly).
      { op: 'globalAvgPool2d', name: 'side', input: 'c2' },
      conv('c3', 'add', 'relu', q3),
      { op: 'flatten', name: 'fl', input: 'c3' },
      { op: 'dense', name: 'out', input: 'fl', kernel: 'out/k', bias: 'out/b', activation: 'linear', inputQuant: qd },
    ];
    const ones = (n: number, v = 1) => Array.from({ length: n }, () => v);
    const graph = graphOf(nodes, [
      int8Tensor('c1/k', [3, 3, 4, 32], codes(1152, 0.85), ones(32, 2), 3), f32('c1/b', grid(32, 2 ** -5, 20)),
      int8Tensor('dw/k', [3, 3, 32, 1], codes(288), ones(32), 2), f32('dw/b', grid(32, 2 ** -5, 10)),
      int8Tensor('c2/k', [1, 1, 32, 32], codes(1024, 0.9), ones(32), 3),
      int8Tensor('c3/k', [1, 1, 32, 3], codes(96), ones(3, 2 ** -3), 3),
      int8Tensor('out/k', [48, 5], codes(240, 0.7), [0.25, 0.5, 0.125, 0.25, 1], 1), f32('out/b', grid(5, 2 ** -3, 8)),
    ]);
    const shape = [3, 8, 8, 4];
    // Inputs on the input's grid (the flow-disabled path quantizes them the same way).
    const x = Float32Array.from({ length: 3 * 8 * 8 * 4 }, () => 2 ** -6 * Math.floor(rand() * 97));
    const flow = int8Flow(graph, prepareWeights(graph), new Map([['c1', [3, 8, 8, 32]]]), new Set());
    expect([...flow.values.keys()].sort()).toEqual(['add', 'c1', 'c3', 'dw', 'fl', 'mp']);
    expect([...flow.depthwise.keys()]).toEqual(['dw']);
    const float = run(graph, x, shape, false);
    const bytes = run(graph, x, shape, true);
    expect(new Set(float).size).toBeGreaterThan(10); // not a degenerate, saturated network
    expect(Array.from(bytes)).toEqual(Array.from(float));
  });

  it('keeps graph outputs, values with disagreeing readers and float-only readers in float32', () => {
    const rand = createRng(6).next;
    const qa = { scale: 0.02, zeroPoint: 10 }, qb = { scale: 0.03, zeroPoint: 10 };
    const nodes: GraphNode[] = [
      { op: 'input', name: 'x', shape: [null, 5, 5, 3] },
      conv('c1', 'x', 'relu', qa),
      conv('a', 'c1', 'relu', qa), // c1: readers agree (qa) → uint8
      conv('b', 'a', 'relu', qa),
      conv('c', 'a', 'relu', qb), // a: readers disagree → float32
      { op: 'globalAvgPool2d', name: 'g', input: 'b' }, // b: a float-only reader → float32
      { op: 'add', name: 'out', inputs: ['c', 'c'] }, // c: read by an add only (no parameters) → float32; out: a graph output
    ];
    const graph = graphOf(nodes, [
      randomInt8('c1/k', [3, 3, 3, 4], 3, rand), randomInt8('a/k', [1, 1, 4, 4], 3, rand),
      randomInt8('b/k', [1, 1, 4, 4], 3, rand), randomInt8('c/k', [1, 1, 4, 4], 3, rand),
    ]);
    graph.outputs = ['out', 'g'];
    const flow = int8Flow(graph, prepareWeights(graph), new Map(), new Set());
    expect([...flow.values.keys()]).toEqual(['c1']);
  });

  for (const name of ['MobileNetV2-style', 'seedCnn-style'] as const) {
    it(`${name}: the same predictions as the float32 path within requantization error`, () => {
      const rand = createRng(name.length).next;
      const { graph, shape } = name === 'seedCnn-style' ? seedCnnGraph(rand) : mobileNetGraph(rand);
      const batch = 64;
      const x = Float32Array.from({ length: batch * shape.reduce((a, b) => a * b, 1) }, () => rand());
      const calibrated = calibrate(graph, x, [batch, ...shape]);
      const weights = prepareWeights(calibrated);
      const shapes = inferShapes(calibrated, new Map([['x', [batch, ...shape]]]), (w) => weights.get(w)!.shape);
      const flow = int8Flow(calibrated, weights, shapes, new Set(['stem_pad']));
      // seedCnn's conv1 (5×5×1) reads float32 below MIN_FLOAT_INPUT_CHANNELS: int8 (fused with pool1) only on conv2dS8's direct kernel.
      const conv1 = conv2dS8Direct({
        batch, inH: 28, inW: 28, inC: 1, outH: 24, outW: 24, outC: 10, filterH: 5, filterW: 5,
        strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0,
      }, { filterH: 2, filterW: 2, strideH: 2, strideW: 2 });
      expect([...flow.values.keys()]).toEqual(name === 'seedCnn-style'
        ? [...(conv1 ? ['conv1', 'pool1'] : []), 'conv2', 'pool2', 'flat', 'fc1']
        : ['stem', 'b1_e', 'b1_dw', 'b1_p', 'b1_add', 'b2_e', 'b2_dw', 'b2_p', 'b3_e', 'b3_dw', 'b3_p', 'b3_add', 'head']);
      expect([...flow.pooled]).toEqual(name === 'seedCnn-style' ? [...(conv1 ? [['pool1', 'conv1']] : []), ['pool2', 'conv2']] : []);
      const float = run(calibrated, x, [batch, ...shape], false);
      const bytes = run(calibrated, x, [batch, ...shape], true);
      const classes = float.length / batch;
      let agree = 0, maxDiff = 0, maxAbs = 0;
      for (let b = 0; b < batch; b++) {
        const row = (v: Float32Array) => v.subarray(b * classes, (b + 1) * classes);
        const argmax = (v: Float32Array) => v.indexOf(Math.max(...v));
        if (argmax(row(float)) === argmax(row(bytes))) agree++;
      }
      for (let i = 0; i < float.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(float[i] - bytes[i]));
        maxAbs = Math.max(maxAbs, Math.abs(float[i]));
      }
      expect(agree / batch).toBeGreaterThanOrEqual(0.99);
      expect(maxDiff).toBeLessThan(0.05 * maxAbs);
    });
  }
});

/** The graph with every int8 layer's inputQuant set from the min/max of what it reads on `x` (as static calibration does). */
function calibrate(graph: LiteGraph, x: Float32Array, shape: number[]): LiteGraph {
  const targets = graph.nodes.filter((n): n is Conv | Depthwise | Dense => n.op === 'conv2d' || n.op === 'depthwiseConv2d' || n.op === 'dense');
  const sources = [...new Set(targets.map((t) => t.input))];
  const probe = LiteModel.fromGraph({ ...graph, outputs: sources });
  const values = probe.predict([{ data: x, shape }]);
  const quant = new Map(sources.map((s, i) => {
    let lo = 0, hi = 0;
    for (const v of values[i].data) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const scale = Math.fround((hi - lo) / 255) || 1;
    return [s, { scale, zeroPoint: Math.min(255, Math.max(0, Math.round(-lo / scale))) }];
  }));
  return { ...graph, nodes: graph.nodes.map((n) => (targets.includes(n as Conv) ? { ...n, inputQuant: quant.get((n as Conv).input)! } : n)) };
}

function seedCnnGraph(rand: () => number): { graph: LiteGraph; shape: number[] } {
  const pool = (name: string, input: string): GraphNode => ({ op: 'maxPool2d', name, input, poolSize: [2, 2], strides: [2, 2], padding: 'valid' });
  const nodes: GraphNode[] = [
    { op: 'input', name: 'x', shape: [null, 28, 28, 1] },
    { ...conv('conv1', 'x', 'relu', undefined), padding: 'valid', bias: 'conv1/b' },
    pool('pool1', 'conv1'),
    { ...conv('conv2', 'pool1', 'relu', undefined), padding: 'valid', bias: 'conv2/b' },
    pool('pool2', 'conv2'),
    { op: 'flatten', name: 'flat', input: 'pool2' },
    { op: 'dense', name: 'fc1', input: 'flat', kernel: 'fc1/k', bias: 'fc1/b', activation: 'relu' },
    { op: 'dense', name: 'fc2', input: 'fc1', kernel: 'fc2/k', bias: 'fc2/b', activation: 'softmax' },
  ];
  const bias = (name: string, n: number) => f32(name, Float32Array.from({ length: n }, () => rand() * 0.2 - 0.1));
  const graph = graphOf(nodes, [
    randomInt8('conv1/k', [5, 5, 1, 10], 3, rand), bias('conv1/b', 10),
    randomInt8('conv2/k', [5, 5, 10, 20], 3, rand, 0.15), bias('conv2/b', 20),
    randomInt8('fc1/k', [320, 50], 1, rand, 0.1), bias('fc1/b', 50),
    randomInt8('fc2/k', [50, 10], 1, rand, 0.3), bias('fc2/b', 10),
  ]);
  return { graph, shape: [28, 28, 1] };
}

/** Stem, inverted-residual blocks (expand, depthwise, project, add), head conv, global pool and a softmax dense. */
function mobileNetGraph(rand: () => number): { graph: LiteGraph; shape: number[] } {
  const nodes: GraphNode[] = [{ op: 'input', name: 'x', shape: [null, 16, 16, 3] }];
  const tensors: CompressedTensor[] = [];
  const bias = (name: string, n: number) => tensors.push(f32(name, Float32Array.from({ length: n }, () => rand() * 0.2 - 0.1)));
  const add = (node: GraphNode) => (nodes.push(node), node.name);
  nodes.push({ op: 'zeroPadding2d', name: 'stem_pad', input: 'x', padding: [[0, 1], [0, 1]] });
  let x = add({ ...conv('stem', 'stem_pad', 'relu6', undefined), strides: [2, 2], padding: 'valid', bias: 'stem/b' });
  tensors.push(randomInt8('stem/k', [3, 3, 3, 8], 3, rand, 0.4));
  bias('stem/b', 8);
  let c = 8;
  const block = (name: string, out: number, stride: 1 | 2) => {
    const input = x;
    const e = add({ ...conv(`${name}_e`, x, 'relu6', undefined), bias: `${name}_e/b` });
    tensors.push(randomInt8(`${name}_e/k`, [1, 1, c, c * 4], 3, rand, 0.4));
    bias(`${name}_e/b`, c * 4);
    const d = add({
      op: 'depthwiseConv2d', name: `${name}_dw`, input: e, kernel: `${name}_dw/k`, bias: `${name}_dw/b`, strides: [stride, stride],
      padding: 'same', dilation: [1, 1], activation: 'relu6',
    });
    tensors.push(randomInt8(`${name}_dw/k`, [3, 3, c * 4, 1], 2, rand, 0.5));
    bias(`${name}_dw/b`, c * 4);
    const p = add({ ...conv(`${name}_p`, d, 'linear', undefined), bias: `${name}_p/b` });
    tensors.push(randomInt8(`${name}_p/k`, [1, 1, c * 4, out], 3, rand, 0.3));
    bias(`${name}_p/b`, out);
    x = stride === 1 && out === c ? add({ op: 'add', name: `${name}_add`, inputs: [input, p] }) : p;
    c = out;
  };
  block('b1', 8, 1);
  block('b2', 12, 2);
  block('b3', 12, 1);
  x = add({ ...conv('head', x, 'relu6', undefined), bias: 'head/b' });
  tensors.push(randomInt8('head/k', [1, 1, 12, 64], 3, rand, 0.4));
  bias('head/b', 64);
  x = add({ op: 'globalAvgPool2d', name: 'pool', input: x });
  add({ op: 'dense', name: 'logits', input: x, kernel: 'logits/k', bias: 'logits/b', activation: 'softmax' });
  tensors.push(randomInt8('logits/k', [64, 10], 1, rand, 0.5));
  bias('logits/b', 10);
  return { graph: graphOf(nodes, tensors), shape: [16, 16, 3] };
}
