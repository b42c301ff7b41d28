import type { GraphNode, LiteGraph } from '../graph/index.js';
import { axisGeometry, sizeOf } from './geometry.js';

/** Names of the nodes a node reads. */
export function nodeInputs(node: GraphNode): string[] {
  switch (node.op) {
    case 'input':
      return [];
    case 'add':
    case 'concatenate':
      return node.inputs;
    default:
      return [node.input];
  }
}

/** Names of the weight tensors a node reads. */
export function nodeTensors(node: GraphNode): string[] {
  switch (node.op) {
    case 'conv2d':
    case 'depthwiseConv2d':
    case 'dense':
      return node.bias === undefined ? [node.kernel] : [node.kernel, node.bias];
    case 'prelu':
      return [node.alpha];
    case 'scaleShift':
      return [node.scale, node.shift];
    default:
      return [];
  }
}

function fail(node: GraphNode, message: string): never {
  throw new Error(`node '${node.name}' (${node.op}): ${message}`);
}

function expectRank(node: GraphNode, shape: number[], rank: number, what = 'NHWC input'): void {
  if (shape.length !== rank) fail(node, `expects a rank-${rank} ${what}, got shape [${shape.join(', ')}]`);
}

/** Resolves a negative axis against a rank. */
export function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Resolves a tfjs Reshape target (without the batch dimension, at most one −1) for `size` elements per sample. */
export function reshapeTarget(node: GraphNode, target: number[], perSample: number): number[] {
  const known = target.filter((d) => d !== -1);
  const unknown = target.length - known.length;
  const knownSize = sizeOf(known);
  if (unknown > 1) fail(node, `target shape [${target.join(', ')}] has more than one unknown (-1) dimension`);
  if (unknown === 1) {
    if (knownSize === 0 || perSample % knownSize !== 0) fail(node, `cannot reshape ${perSample} values per sample into [${target.join(', ')}]`);
    return target.map((d) => (d === -1 ? perSample / knownSize : d));
  }
  if (knownSize !== perSample) fail(node, `cannot reshape ${perSample} values per sample into [${target.join(', ')}]`);
  return [...target];
}

/**
 * The shape of every node's output for concrete input shapes (batch included),
 * checking that each node's inputs and weights fit together. `weightShape`
 * gives the shape of a named weight tensor.
 */
export function inferShapes(
  graph: LiteGraph,
  inputShapes: ReadonlyMap<string, number[]>,
  weightShape: (name: string) => number[],
): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  const get = (node: GraphNode, name: string): number[] => {
    const s = shapes.get(name);
    if (!s) fail(node, `reads '${name}', which no earlier node produces`);
    return s;
  };
  for (const node of graph.nodes) {
    shapes.set(node.name, nodeShape(node, inputShapes, weightShape, get));
  }
  return shapes;
}

function nodeShape(
  node: GraphNode,
  inputShapes: ReadonlyMap<string, number[]>,
  weightShape: (name: string) => number[],
  get: (node: GraphNode, name: string) => number[],
): number[] {
  switch (node.op) {
    case 'input': {
      const s = inputShapes.get(node.name);
      if (!s) fail(node, 'no value was given for this input');
      return s;
    }
    case 'conv2d':
    case 'depthwiseConv2d': {
      const x = get(node, node.input);
      expectRank(node, x, 4);
      const k = weightShape(node.kernel);
      if (k.length !== 4 || k[2] !== x[3]) fail(node, `kernel [${k.join(', ')}] does not fit input channels ${x[3]}`);
      const h = axisGeometry(x[1], k[0], node.strides[0], node.dilation[0], node.padding);
      const w = axisGeometry(x[2], k[1], node.strides[1], node.dilation[1], node.padding);
      if (h.out < 1 || w.out < 1) fail(node, `input ${x[1]}×${x[2]} is smaller than the ${k[0]}×${k[1]} filter`);
      return [x[0], h.out, w.out, node.op === 'conv2d' ? k[3] : k[2] * k[3]];
    }
    case 'dense': {
      const x = get(node, node.input);
      const k = weightShape(node.kernel);
      if (x.length < 2 || k.length !== 2 || k[0] !== x[x.length - 1]) {
        fail(node, `kernel [${k.join(', ')}] does not fit input [${x.join(', ')}]`);
      }
      return [...x.slice(0, -1), k[1]];
    }
    case 'activation':
      return get(node, node.input);
    case 'prelu':
    case 'scaleShift': {
      const x = get(node, node.input);
      for (const t of nodeTensors(node)) {
        const s = weightShape(t);
        const trailing = x.slice(x.length - s.length);
        if (s.length > x.length - 1 || s.some((d, i) => d !== 1 && d !== trailing[i])) {
          fail(node, `weight '${t}' [${s.join(', ')}] does not broadcast over input [${x.join(', ')}]`);
        }
      }
      return x;
    }
    case 'zeroPadding2d': {
      const x = get(node, node.input);
      expectRank(node, x, 4);
      const [[t, b], [l, r]] = node.padding;
      return [x[0], x[1] + t + b, x[2] + l + r, x[3]];
    }
    case 'maxPool2d':
    case 'avgPool2d': {
      const x = get(node, node.input);
      expectRank(node, x, 4);
      const h = axisGeometry(x[1], node.poolSize[0], node.strides[0], 1, node.padding);
      const w = axisGeometry(x[2], node.poolSize[1], node.strides[1], 1, node.padding);
      if (h.out < 1 || w.out < 1) fail(node, `input ${x[1]}×${x[2]} is smaller than the pool window`);
      return [x[0], h.out, w.out, x[3]];
    }
    case 'globalAvgPool2d': {
      const x = get(node, node.input);
      expectRank(node, x, 4);
      return [x[0], x[3]];
    }
    case 'flatten': {
      const x = get(node, node.input);
      return [x[0], sizeOf(x.slice(1))];
    }
    case 'reshape': {
      const x = get(node, node.input);
      return [x[0], ...reshapeTarget(node, node.targetShape, sizeOf(x.slice(1)))];
    }
    case 'add': {
      const xs = node.inputs.map((n) => get(node, n));
      for (const s of xs.slice(1)) {
        if (s.join() !== xs[0].join()) fail(node, `inputs have different shapes: ${xs.map((x) => `[${x.join(', ')}]`).join(', ')}`);
      }
      return xs[0];
    }
    case 'concatenate': {
      const xs = node.inputs.map((n) => get(node, n));
      const rank = xs[0].length;
      const axis = normalizeAxis(node.axis, rank);
      if (axis < 1 || axis >= rank) fail(node, `axis ${node.axis} is out of range for rank ${rank} (the batch axis cannot be joined)`);
      for (const s of xs) {
        if (s.length !== rank || s.some((d, i) => i !== axis && d !== xs[0][i])) {
          fail(node, `inputs do not match outside axis ${axis}: ${xs.map((x) => `[${x.join(', ')}]`).join(', ')}`);
        }
      }
      const out = [...xs[0]];
      out[axis] = xs.reduce((sum, s) => sum + s[axis], 0);
      return out;
    }
  }
}
