/**
 * Small valid graphs covering every op, every built-in encoding, Huffman-coded and plain
 * sections, empty and single-symbol streams: the seeds of the fuzzer and the
 * fixtures of the format tests.
 */
import { createRng, type Rng } from '../data/random.js';
import type { CompressedTensor, GraphNode, LiteGraph } from '../graph/types.js';
import { encodeTensor } from './registry.js';

/** Normally distributed float32 values (Box–Muller) with standard deviation `std`. */
export function gaussian(rng: Rng, n: number, std: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = 1 - rng.next();
    out[i] = std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  }
  return out;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function tensorsOf(encoding: 'f32' | 'f16', rng: Rng, specs: [name: string, shape: number[], std: number][]): Map<string, CompressedTensor> {
  const map = new Map<string, CompressedTensor>();
  for (const [name, shape, std] of specs) map.set(name, encodeTensor(encoding, name, gaussian(rng, size(shape), std), shape).tensor);
  return map;
}

/** A conv → pool → flatten → dense → softmax classifier with f32 weights. */
export function tinyCnn(seed = 1): LiteGraph {
  const rng = createRng(seed);
  const nodes: GraphNode[] = [
    { op: 'input', name: 'x', shape: [null, 6, 6, 1] },
    { op: 'conv2d', name: 'conv', input: 'x', kernel: 'conv/kernel', bias: 'conv/bias', strides: [1, 1], padding: 'valid', dilation: [1, 1], activation: 'relu' },
    { op: 'maxPool2d', name: 'pool', input: 'conv', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
    { op: 'flatten', name: 'flat', input: 'pool' },
    { op: 'dense', name: 'fc', input: 'flat', kernel: 'fc/kernel', bias: 'fc/bias', activation: 'softmax' },
  ];
  const tensors = tensorsOf('f32', rng, [
    ['conv/kernel', [3, 3, 1, 4], 0.3],
    ['conv/bias', [4], 0.01],
    ['fc/kernel', [16, 3], 0.2],
    ['fc/bias', [3], 0.01],
  ]);
  return { nodes, outputs: ['fc'], tensors, provenance: [{ step: 'train', options: { epochs: 1 }, at: '2026-01-01T00:00:00.000Z', version: '0.1.0' }] };
}

/** A graph using every op of GraphNode once or more, with f16 weights, two outputs, provenance and a report. */
export function everyOp(seed = 2): LiteGraph {
  const rng = createRng(seed);
  const nodes: GraphNode[] = [
    { op: 'input', name: 'img', shape: [null, 8, 8, 3] },
    { op: 'input', name: 'aux', shape: [null, 4] },
    { op: 'zeroPadding2d', name: 'pad', input: 'img', padding: [[1, 1], [1, 1]] },
    { op: 'conv2d', name: 'c1', input: 'pad', kernel: 'c1/k', bias: 'c1/b', strides: [1, 1], padding: 'valid', dilation: [1, 1], activation: 'relu6' },
    { op: 'depthwiseConv2d', name: 'dw', input: 'c1', kernel: 'dw/k', bias: 'dw/b', strides: [1, 1], padding: 'same', dilation: [1, 1], activation: 'linear' },
    { op: 'scaleShift', name: 'bn', input: 'dw', scale: 'bn/scale', shift: 'bn/shift' },
    { op: 'prelu', name: 'pr', input: 'bn', alpha: 'pr/alpha' },
    { op: 'activation', name: 'lr', input: 'c1', activation: 'leakyRelu', alpha: 0.2 },
    { op: 'add', name: 'sum', inputs: ['pr', 'lr'] },
    { op: 'maxPool2d', name: 'mp', input: 'sum', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
    { op: 'avgPool2d', name: 'ap', input: 'sum', poolSize: [2, 2], strides: [2, 2], padding: 'same' },
    { op: 'concatenate', name: 'cat', inputs: ['mp', 'ap'], axis: -1 },
    { op: 'globalAvgPool2d', name: 'gap', input: 'cat' },
    { op: 'reshape', name: 'rs', input: 'cat', targetShape: [-1, 8] },
    { op: 'flatten', name: 'fl', input: 'rs' },
    { op: 'dense', name: 'head', input: 'gap', kernel: 'head/k', activation: 'tanh' },
    { op: 'dense', name: 'aux_fc', input: 'aux', kernel: 'aux/k', bias: 'aux/b', activation: 'sigmoid' },
  ];
  const tensors = tensorsOf('f16', rng, [
    ['c1/k', [3, 3, 3, 4], 0.25],
    ['c1/b', [4], 0.02],
    ['dw/k', [3, 3, 4, 1], 0.3],
    ['dw/b', [4], 0.02],
    ['bn/scale', [4], 1],
    ['bn/shift', [4], 0.1],
    ['pr/alpha', [4], 0.1],
    ['head/k', [8, 2], 0.3],
    ['aux/k', [4, 2], 0.3],
    ['aux/b', [2], 0.01],
  ]);
  return {
    nodes,
    outputs: ['head', 'aux_fc', 'fl'],
    tensors,
    provenance: [
      { step: 'convert', options: { source: 'model.json' }, at: '2026-01-01T00:00:00.000Z', version: '0.1.0' },
      { step: 'quantize', options: { mode: 'f16', nested: { list: [1, 2, { deep: true }] } }, at: '2026-01-02T00:00:00.000Z', version: '0.1.0' },
    ],
    report: { accuracy: 0.98, bytes: 1234, layers: [{ name: 'c1', sparsity: 0 }] },
  };
}

/** Larger skewed tensors (Huffman pays off), an all-zero tensor (single-symbol streams), an empty tensor and a scalar. */
export function huffmanFriendly(seed = 3): LiteGraph {
  const rng = createRng(seed);
  const tensors = tensorsOf('f16', rng, [['w/f16', [32, 24], 0.05]]);
  for (const [name, t] of tensorsOf('f32', rng, [['w/f32', [16, 16], 0.05]])) tensors.set(name, t);
  tensors.set('zeros', encodeTensor('f16', 'zeros', new Float32Array(300), [300]).tensor);
  tensors.set('empty', encodeTensor('f32', 'empty', new Float32Array(0), [0, 5]).tensor);
  tensors.set('scalar', encodeTensor('f32', 'scalar', Float32Array.of(1.5), []).tensor);
  return {
    nodes: [
      { op: 'input', name: 'in', shape: [null, 32] },
      { op: 'dense', name: 'd1', input: 'in', kernel: 'w/f16', activation: 'relu' },
      { op: 'reshape', name: 'r', input: 'd1', targetShape: [24] },
      { op: 'activation', name: 'out', input: 'r', activation: 'linear' },
    ],
    outputs: ['out'],
    tensors,
    provenance: [],
  };
}

/** A weights-only container: no nodes, no outputs (e.g. a tfjs graph model's weights). */
export function weightsOnly(seed = 4): LiteGraph {
  const rng = createRng(seed);
  return { nodes: [], outputs: [], tensors: tensorsOf('f16', rng, [['a', [5, 3], 0.5], ['b', [7], 2]]), provenance: [] };
}

/** A container for a tfjs graph model: its model.json (no weights manifest) and weights in the tensor table. */
export function graphModelContainer(seed = 5): LiteGraph {
  const rng = createRng(seed);
  return {
    nodes: [],
    outputs: [],
    tensors: tensorsOf('f16', rng, [['StatefulPartitionedCall/dense/MatMul', [4, 3], 0.4], ['StatefulPartitionedCall/dense/BiasAdd', [3], 0.1]]),
    provenance: [{ step: 'convert', options: { format: 'graph-model' }, at: '2026-01-01T00:00:00.000Z', version: '0.1.0' }],
    graphModel: {
      modelJson: {
        format: 'graph-model',
        generatedBy: '2.15.0',
        convertedBy: 'TensorFlow.js Converter v4.22.0',
        modelTopology: {
          node: [
            { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '-1' }, { size: '4' }] } } } },
            { name: 'StatefulPartitionedCall/dense/MatMul', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' } } },
            { name: 'Identity', op: 'MatMul', input: ['x', 'StatefulPartitionedCall/dense/MatMul'] },
          ],
          versions: { producer: 1645 },
        },
        signature: { inputs: { x: { name: 'x:0' } }, outputs: { y: { name: 'Identity:0' } } },
      },
      weights: [
        { name: 'StatefulPartitionedCall/dense/MatMul', dtype: 'float32' },
        { name: 'StatefulPartitionedCall/dense/BiasAdd', dtype: 'float32' },
      ],
    },
  };
}

/** A graph with no weights at all (no sections). */
export function noWeights(): LiteGraph {
  return {
    nodes: [
      { op: 'input', name: 'x', shape: [null, 2, 2, 1] },
      { op: 'flatten', name: 'f', input: 'x' },
    ],
    outputs: ['f'],
    tensors: new Map(),
    provenance: [],
    report: {},
  };
}

/**
 * Quantized weights: int8 and int4 per tensor and per channel (depthwise channel
 * span, symmetric and asymmetric, narrow and full range, odd int4 counts), k-means
 * with 1, 3 and 8 bits (indices across byte boundaries, a codebook shorter than
 * 2^bits), an empty and a scalar quantized tensor.
 */
export function quantized(seed = 6): LiteGraph {
  const rng = createRng(seed);
  const t = new Map<string, CompressedTensor>();
  const add = (name: string, shape: number[], std: number, encoding: 'int8' | 'int4' | 'kmeans', options: Record<string, unknown> = {}) => {
    t.set(name, encodeTensor(encoding, name, gaussian(rng, size(shape), std), shape, options).tensor);
  };
  add('conv/k', [3, 3, 1, 3], 0.3, 'int4');
  t.set('conv/b', encodeTensor('f32', 'conv/b', gaussian(rng, 3, 0.01), [3]).tensor);
  add('dw/k', [3, 3, 3, 1], 0.3, 'int8', { params: { bits: 8, axis: 2, symmetric: false, narrowRange: false, scale: [0.004, 0.0035, 0.005].map(Math.fround), zeroPoint: [3, -5, 10] } });
  add('dw/b', [3], 0.02, 'int4', { params: { bits: 4, axis: null, symmetric: false, narrowRange: true, scale: [Math.fround(0.006)], zeroPoint: [-1] } });
  add('fc/k', [12, 5], 0.2, 'kmeans', { bits: 3 });
  add('fc/b', [5], 0.01, 'int8');
  add('out/k', [5, 2], 0.3, 'kmeans', { bits: 8 });
  add('out/b', [2], 0.01, 'kmeans', { bits: 1 });
  add('empty8', [0, 4], 1, 'int8');
  add('scalar4', [], 1, 'int4');
  return {
    nodes: [
      { op: 'input', name: 'x', shape: [null, 6, 6, 1] },
      { op: 'conv2d', name: 'conv', input: 'x', kernel: 'conv/k', bias: 'conv/b', strides: [1, 1], padding: 'valid', dilation: [1, 1], activation: 'relu' },
      { op: 'depthwiseConv2d', name: 'dw', input: 'conv', kernel: 'dw/k', bias: 'dw/b', strides: [1, 1], padding: 'same', dilation: [1, 1], activation: 'relu' },
      { op: 'maxPool2d', name: 'pool', input: 'dw', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
      { op: 'flatten', name: 'flat', input: 'pool' },
      { op: 'dense', name: 'fc', input: 'flat', kernel: 'fc/k', bias: 'fc/b', activation: 'relu' },
      { op: 'dense', name: 'out', input: 'fc', kernel: 'out/k', bias: 'out/b', activation: 'softmax' },
    ],
    outputs: ['out'],
    tensors: t,
    provenance: [{ step: 'quantize', options: { mode: 'int8', perChannel: true }, at: '2026-01-03T00:00:00.000Z', version: '0.1.0' }],
  };
}

/** `values` with each entry set to 0 with probability `sparsity`. */
function sparsified(rng: Rng, values: Float32Array, sparsity: number): Float32Array {
  for (let i = 0; i < values.length; i++) if (rng.next() < sparsity) values[i] = 0;
  return values;
}

/**
 * Sparse weights: csr with every index form (bitmask, 4-bit deltas with fillers, 8-bit
 * deltas) and value encoding (f32 in planes and as one stream, f16, int8 per channel and
 * per tensor, kmeans), nm 2:4 and 1:4 with a partial last group, an all-zero csr tensor.
 */
export function sparse(seed = 7): LiteGraph {
  const rng = createRng(seed);
  const t = new Map<string, CompressedTensor>();
  const add = (name: string, shape: number[], sparsity: number, encoding: 'csr' | 'nm', options: Record<string, unknown> = {}) => {
    let v = sparsified(rng, gaussian(rng, size(shape), 0.2), sparsity);
    if (encoding === 'nm') {
      // Keep the first `n` of every group of `m` rows per output channel.
      const cols = shape[shape.length - 1];
      const m = (options.m as number) ?? 4;
      const n = (options.n as number) ?? 2;
      v = v.map((x, i) => (Math.floor(i / cols) % m < n ? x : 0));
    }
    t.set(name, encodeTensor(encoding, name, v, shape, options).tensor);
  };
  add('conv/k', [3, 3, 2, 4], 0.5, 'csr', { index: 'bitmask' });
  t.set('conv/b', encodeTensor('f32', 'conv/b', gaussian(rng, 4, 0.01), [4]).tensor);
  add('fc1/k', [16, 40], 0.95, 'csr', { index: 'delta4' });
  add('fc1/b', [40], 0.3, 'csr', { index: 'delta8', valueEncoding: 'f16' });
  add('fc2/k', [40, 12], 0.8, 'csr', { valueEncoding: 'int8' });
  add('fc3/k', [12, 10], 0.7, 'csr', { valueEncoding: 'int8', perChannel: false });
  add('fc4/k', [10, 6], 0.6, 'csr', { valueEncoding: 'kmeans', bits: 3 });
  add('nm/k', [18, 5], 0, 'nm', { valueEncoding: 'int8' });
  add('nm14/k', [9, 3], 0.2, 'nm', { n: 1, m: 4, valueEncoding: 'kmeans', bits: 2 });
  add('zeros', [300], 1, 'csr');
  return {
    nodes: [
      { op: 'input', name: 'x', shape: [null, 6, 6, 2] },
      { op: 'conv2d', name: 'conv', input: 'x', kernel: 'conv/k', bias: 'conv/b', strides: [2, 2], padding: 'valid', dilation: [1, 1], activation: 'relu' },
      { op: 'flatten', name: 'flat', input: 'conv' },
      { op: 'dense', name: 'fc1', input: 'flat', kernel: 'fc1/k', bias: 'fc1/b', activation: 'relu' },
      { op: 'dense', name: 'fc2', input: 'fc1', kernel: 'fc2/k', activation: 'relu' },
      { op: 'dense', name: 'fc3', input: 'fc2', kernel: 'fc3/k', activation: 'relu' },
      { op: 'dense', name: 'fc4', input: 'fc3', kernel: 'fc4/k', activation: 'softmax' },
    ],
    outputs: ['fc4'],
    tensors: t,
    provenance: [{ step: 'prune', options: { sparsity: 0.9 }, at: '2026-01-04T00:00:00.000Z', version: '0.1.0' }],
  };
}

/**
 * A binary network: binary and ternary weights (odd counts: bit planes with padding,
 * a channel of zeros), layers with `binaryInput`, an fp32 first layer.
 */
export function binaryNet(seed = 8): LiteGraph {
  const rng = createRng(seed);
  const t = new Map<string, CompressedTensor>();
  const add = (name: string, shape: number[], encoding: 'binary' | 'ternary' | 'f32') => {
    t.set(name, encodeTensor(encoding, name, gaussian(rng, size(shape), 0.3), shape).tensor);
  };
  add('c1/k', [3, 3, 1, 4], 'f32');
  add('c1/b', [4], 'f32');
  add('c2/k', [3, 3, 4, 5], 'binary');
  add('c2/b', [5], 'f32');
  add('fc/k', [20, 7], 'ternary');
  add('out/k', [7, 3], 'binary');
  return {
    nodes: [
      { op: 'input', name: 'x', shape: [null, 7, 7, 1] },
      { op: 'conv2d', name: 'c1', input: 'x', kernel: 'c1/k', bias: 'c1/b', strides: [1, 1], padding: 'valid', dilation: [1, 1], activation: 'linear' },
      { op: 'conv2d', name: 'c2', input: 'c1', kernel: 'c2/k', bias: 'c2/b', strides: [1, 1], padding: 'same', dilation: [1, 1], activation: 'linear', binaryInput: true },
      { op: 'maxPool2d', name: 'pool', input: 'c2', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
      { op: 'flatten', name: 'flat', input: 'pool' },
      { op: 'dense', name: 'fc', input: 'flat', kernel: 'fc/k', activation: 'relu', binaryInput: true },
      { op: 'dense', name: 'out', input: 'fc', kernel: 'out/k', activation: 'softmax' },
    ],
    outputs: ['out'],
    tensors: t,
    provenance: [{ step: 'quantize', options: { mode: 'binary' }, at: '2026-01-04T00:00:00.000Z', version: '0.1.0' }],
  };
}

/** All sample graphs by name. */
export function sampleGraphs(): { name: string; graph: LiteGraph }[] {
  return [
    { name: 'tinyCnn', graph: tinyCnn() },
    { name: 'everyOp', graph: everyOp() },
    { name: 'huffmanFriendly', graph: huffmanFriendly() },
    { name: 'weightsOnly', graph: weightsOnly() },
    { name: 'graphModel', graph: graphModelContainer() },
    { name: 'noWeights', graph: noWeights() },
    { name: 'quantized', graph: quantized() },
    { name: 'sparse', graph: sparse() },
    { name: 'binaryNet', graph: binaryNet() },
  ];
}
