/**
 * The JSON header of a .lite file and its validation. The header holds the graph
 * topology (nodes, outputs), the tensor table (name, shape, encoding, encoding
 * metadata, and the sections holding its streams), the provenance of every step
 * applied, and the last report. The same checks run when a file is read and before
 * one is written, so the writer never produces a file the reader rejects.
 */
import type { GraphActivation, GraphModelSpec, GraphModelWeightDtype, GraphNode, Padding, Provenance } from '../graph/types.js';
import { elementCount } from './codec.js';
import { failAt } from './errors.js';
import {
  describe,
  expectArray,
  expectFinite,
  expectInt,
  expectJsonObject,
  expectName,
  expectObject,
  expectOneOf,
  expectString,
  type JsonObject,
} from './json_check.js';
import { MAX_RANK, MAX_SECTIONS, MAX_TENSOR_ELEMENTS } from './limits.js';
import { findEncoding, encodingNames } from './registry.js';

/** One row of the tensor table. */
export interface TensorEntry {
  name: string;
  shape: number[];
  encoding: string;
  /** The encoding's metadata (plain JSON). */
  meta: JsonObject;
  /** Indices of the sections holding the tensor's streams, in the encoding's stream order. */
  sections: number[];
}

/** The parsed, validated JSON header. */
export interface LiteHeader {
  nodes: GraphNode[];
  outputs: string[];
  tensors: TensorEntry[];
  provenance: Provenance[];
  report?: JsonObject;
  /** A tfjs graph model carried by the file (see GraphModelSpec). */
  graphModel?: GraphModelSpec;
}

const ACTIVATIONS: readonly GraphActivation[] = ['linear', 'relu', 'relu6', 'leakyRelu', 'sigmoid', 'tanh', 'softmax'];
const PADDINGS: readonly Padding[] = ['valid', 'same'];
/** Upper bound of strides, pool sizes, dilations and paddings (sanity, not a model limit). */
const MAX_GEOMETRY = 65536;

/** How a node field is checked. */
type FieldSpec =
  | { kind: 'node' }
  | { kind: 'nodes' }
  | { kind: 'tensor'; rank?: number; sameLengthAs?: string }
  | { kind: 'bias'; of: 'conv2d' | 'depthwise' | 'dense' }
  | { kind: 'inputShape' }
  | { kind: 'pair'; min: number }
  | { kind: 'padding2d' }
  | { kind: 'padding' }
  | { kind: 'activation' }
  | { kind: 'finite' }
  | { kind: 'activationQuant' }
  | { kind: 'true' }
  | { kind: 'targetShape' }
  | { kind: 'axis' };

type Schema = { required: Record<string, FieldSpec>; optional?: Record<string, FieldSpec> };

const convLike = (depthwise: boolean): Schema => ({
  required: {
    input: { kind: 'node' },
    kernel: { kind: 'tensor', rank: 4 },
    strides: { kind: 'pair', min: 1 },
    padding: { kind: 'padding' },
    dilation: { kind: 'pair', min: 1 },
    activation: { kind: 'activation' },
  },
  optional: { bias: { kind: 'bias', of: depthwise ? 'depthwise' : 'conv2d' }, alpha: { kind: 'finite' }, inputQuant: { kind: 'activationQuant' }, ...(depthwise ? {} : { binaryInput: { kind: 'true' as const } }) },
});
const pool: Schema = { required: { input: { kind: 'node' }, poolSize: { kind: 'pair', min: 1 }, strides: { kind: 'pair', min: 1 }, padding: { kind: 'padding' } } };
const unary: Schema = { required: { input: { kind: 'node' } } };

/** Fields of every op besides `op` and `name`. Adding an op to GraphNode means adding its entry here. */
const NODE_SCHEMAS: Record<GraphNode['op'], Schema> = {
  input: { required: { shape: { kind: 'inputShape' } } },
  conv2d: convLike(false),
  depthwiseConv2d: convLike(true),
  dense: {
    required: { input: { kind: 'node' }, kernel: { kind: 'tensor', rank: 2 }, activation: { kind: 'activation' } },
    optional: { bias: { kind: 'bias', of: 'dense' }, alpha: { kind: 'finite' }, inputQuant: { kind: 'activationQuant' }, binaryInput: { kind: 'true' } },
  },
  activation: { required: { input: { kind: 'node' }, activation: { kind: 'activation' } }, optional: { alpha: { kind: 'finite' } } },
  prelu: { required: { input: { kind: 'node' }, alpha: { kind: 'tensor' } } },
  scaleShift: { required: { input: { kind: 'node' }, scale: { kind: 'tensor', rank: 1 }, shift: { kind: 'tensor', rank: 1, sameLengthAs: 'scale' } } },
  zeroPadding2d: { required: { input: { kind: 'node' }, padding: { kind: 'padding2d' } } },
  maxPool2d: pool,
  avgPool2d: pool,
  globalAvgPool2d: unary,
  flatten: unary,
  reshape: { required: { input: { kind: 'node' }, targetShape: { kind: 'targetShape' } } },
  add: { required: { inputs: { kind: 'nodes' } } },
  concatenate: { required: { inputs: { kind: 'nodes' }, axis: { kind: 'axis' } } },
};

/** The ops a .lite file may contain. */
export const NODE_OPS = Object.keys(NODE_SCHEMAS) as GraphNode['op'][];

function checkTensorEntry(v: unknown, path: string, sectionCount: number): TensorEntry {
  const o = expectObject(v, path, ['name', 'shape', 'encoding', 'meta', 'sections']);
  const name = expectName(o.name, `${path}.name`);
  elementCount(o.shape, `${path}.shape`);
  const encoding = expectString(o.encoding, `${path}.encoding`);
  if (!findEncoding(encoding)) {
    failAt(`${path}.encoding`, `unknown tensor encoding ${JSON.stringify(encoding)} (this reader knows ${encodingNames().join(', ')}; a newer @lite/core may read it)`);
  }
  const meta = expectJsonObject(o.meta, `${path}.meta`);
  const sections = expectArray(o.sections, `${path}.sections`, 0, 64).map((s, i) => expectInt(s, `${path}.sections[${i}]`, 0, Math.max(0, sectionCount - 1)));
  if (sectionCount === 0 && sections.length > 0) failAt(`${path}.sections`, 'the file has no sections');
  return { name, shape: o.shape as number[], encoding, meta, sections };
}

function checkProvenance(v: unknown, path: string): Provenance {
  const o = expectObject(v, path, ['step', 'options', 'at', 'version']);
  return {
    step: expectName(o.step, `${path}.step`),
    options: expectJsonObject(o.options, `${path}.options`),
    at: expectString(o.at, `${path}.at`),
    version: expectString(o.version, `${path}.version`),
  };
}

/**
 * Validates a parsed header against the file's `sectionCount`: structure and types
 * of every field, known ops and encodings, unique names, node inputs that refer to
 * earlier nodes, weights that refer to tensors of the right rank, outputs that
 * exist, and sections each used by exactly one tensor. Returns it typed; throws a
 * {@link LiteFormatError} naming the field path otherwise.
 */
export function validateHeader(json: unknown, sectionCount: number): LiteHeader {
  const root = expectObject(json, 'header', ['nodes', 'outputs', 'tensors', 'provenance'], ['report', 'graphModel']);
  if (!Number.isSafeInteger(sectionCount) || sectionCount < 0 || sectionCount > MAX_SECTIONS) throw new RangeError(`bad section count ${sectionCount}`);

  // Tensor table first: nodes refer to it.
  const tensorList = expectArray(root.tensors, 'header.tensors');
  const tensors: TensorEntry[] = [];
  const tensorByName = new Map<string, TensorEntry>();
  const sectionOwner = new Array<string | undefined>(sectionCount);
  tensorList.forEach((t, i) => {
    const path = `header.tensors[${i}]`;
    const entry = checkTensorEntry(t, path, sectionCount);
    if (tensorByName.has(entry.name)) failAt(`${path}.name`, `duplicate tensor name ${JSON.stringify(entry.name)}`);
    entry.sections.forEach((s, k) => {
      const owner = sectionOwner[s];
      if (owner !== undefined) failAt(`${path}.sections[${k}]`, `section ${s} is already used by tensor ${JSON.stringify(owner)}`);
      sectionOwner[s] = entry.name;
    });
    tensorByName.set(entry.name, entry);
    tensors.push(entry);
  });
  for (let s = 0; s < sectionCount; s++) if (sectionOwner[s] === undefined) failAt('header.tensors', `section ${s} belongs to no tensor`);

  // Nodes in order: inputs first, then ops whose inputs come earlier.
  const nodeList = expectArray(root.nodes, 'header.nodes');
  const seen = new Set<string>();
  let inputsDone = false;
  nodeList.forEach((n, i) => {
    const path = `header.nodes[${i}]`;
    if (n === null || typeof n !== 'object' || Array.isArray(n)) failAt(path, `expected an object, found ${describe(n)}`);
    const op = expectOneOf((n as JsonObject).op, `${path}.op`, NODE_OPS);
    const schema = NODE_SCHEMAS[op];
    const o = expectObject(n, path, ['op', 'name', ...Object.keys(schema.required)], Object.keys(schema.optional ?? {}));
    const name = expectName(o.name, `${path}.name`);
    if (seen.has(name)) failAt(`${path}.name`, `duplicate node name ${JSON.stringify(name)}`);
    if (op === 'input') {
      if (inputsDone) failAt(`${path}.op`, 'input nodes must come before all other nodes');
    } else inputsDone = true;
    const specs: [string, FieldSpec][] = [...Object.entries(schema.required), ...Object.entries(schema.optional ?? {})];
    for (const [field, spec] of specs) {
      if (!Object.prototype.hasOwnProperty.call(o, field)) continue;
      checkField(o, field, spec, `${path}.${field}`, seen, tensorByName);
    }
    seen.add(name);
  });

  const outputs = expectArray(root.outputs, 'header.outputs', nodeList.length > 0 ? 1 : 0).map((v, i) => {
    const name = expectName(v, `header.outputs[${i}]`);
    if (!seen.has(name)) failAt(`header.outputs[${i}]`, `no node named ${JSON.stringify(name)}`);
    return name;
  });

  const provenance = expectArray(root.provenance, 'header.provenance').map((p, i) => checkProvenance(p, `header.provenance[${i}]`));
  const header: LiteHeader = { nodes: nodeList as GraphNode[], outputs, tensors, provenance };
  if (Object.prototype.hasOwnProperty.call(root, 'report')) header.report = expectJsonObject(root.report, 'header.report');
  if (Object.prototype.hasOwnProperty.call(root, 'graphModel')) header.graphModel = checkGraphModel(root.graphModel, 'header.graphModel', tensorByName);
  return header;
}

const GRAPH_MODEL_DTYPES: readonly GraphModelWeightDtype[] = ['float32', 'int32', 'bool'];

/** A tfjs graph model's model.json (without weightsManifest) and its weights, each a tensor of the table, named once. */
function checkGraphModel(v: unknown, path: string, tensors: Map<string, TensorEntry>): GraphModelSpec {
  const o = expectObject(v, path, ['modelJson', 'weights']);
  const modelJson = expectJsonObject(o.modelJson, `${path}.modelJson`);
  expectJsonObject(modelJson.modelTopology, `${path}.modelJson.modelTopology`);
  if (Object.prototype.hasOwnProperty.call(modelJson, 'weightsManifest')) failAt(`${path}.modelJson.weightsManifest`, 'must be absent (the weights are the tensor table)');
  const seen = new Set<string>();
  const weights = expectArray(o.weights, `${path}.weights`, 0, tensors.size).map((w, i) => {
    const p = `${path}.weights[${i}]`;
    const e = expectObject(w, p, ['name', 'dtype']);
    const name = expectName(e.name, `${p}.name`);
    if (!tensors.has(name)) failAt(`${p}.name`, `no tensor named ${JSON.stringify(name)} in the tensor table`);
    if (seen.has(name)) failAt(`${p}.name`, `weight ${JSON.stringify(name)} is listed twice`);
    seen.add(name);
    return { name, dtype: expectOneOf(e.dtype, `${p}.dtype`, GRAPH_MODEL_DTYPES) };
  });
  return { modelJson, weights };
}

function checkField(o: JsonObject, field: string, spec: FieldSpec, path: string, nodes: Set<string>, tensors: Map<string, TensorEntry>): void {
  const v = o[field];
  const nodeRef = (x: unknown, p: string) => {
    const name = expectName(x, p);
    if (!nodes.has(name)) failAt(p, `no earlier node named ${JSON.stringify(name)} (a node's inputs must come before it)`);
  };
  const tensorRef = (x: unknown, p: string, rank?: number): TensorEntry => {
    const name = expectName(x, p);
    const t = tensors.get(name);
    if (!t) failAt(p, `no tensor named ${JSON.stringify(name)} in the tensor table`);
    if (rank !== undefined && t.shape.length !== rank) failAt(p, `tensor ${JSON.stringify(name)} has rank ${t.shape.length}, this field needs rank ${rank}`);
    return t;
  };
  switch (spec.kind) {
    case 'node':
      return nodeRef(v, path);
    case 'nodes':
      expectArray(v, path, 2, 1024).forEach((x, i) => nodeRef(x, `${path}[${i}]`));
      return;
    case 'tensor': {
      const t = tensorRef(v, path, spec.rank);
      const other = spec.sameLengthAs !== undefined ? tensors.get(o[spec.sameLengthAs] as string) : undefined;
      if (other && other.shape[0] !== t.shape[0]) failAt(path, `has ${t.shape[0]} values, ${spec.sameLengthAs} has ${other.shape[0]}`);
      return;
    }
    case 'bias': {
      const bias = tensorRef(v, path, 1);
      const kernel = tensors.get(o.kernel as string);
      if (!kernel) return; // the kernel field reports its own error
      const k = kernel.shape;
      const expected = spec.of === 'dense' ? k[1] : spec.of === 'conv2d' ? k[3] : k[2] * k[3];
      if (bias.shape[0] !== expected) failAt(path, `bias has ${bias.shape[0]} values, the kernel [${k.join(', ')}] has ${expected} output channels`);
      return;
    }
    case 'inputShape':
      expectArray(v, path, 1, MAX_RANK).forEach((d, i) => {
        if (d !== null) expectInt(d, `${path}[${i}]`, 1, MAX_TENSOR_ELEMENTS);
      });
      return;
    case 'pair':
      expectArray(v, path, 2, 2).forEach((x, i) => expectInt(x, `${path}[${i}]`, spec.min, MAX_GEOMETRY));
      return;
    case 'padding2d':
      expectArray(v, path, 2, 2).forEach((pair, i) =>
        expectArray(pair, `${path}[${i}]`, 2, 2).forEach((x, j) => expectInt(x, `${path}[${i}][${j}]`, 0, MAX_GEOMETRY)),
      );
      return;
    case 'padding':
      expectOneOf(v, path, PADDINGS);
      return;
    case 'activation':
      expectOneOf(v, path, ACTIVATIONS);
      return;
    case 'finite':
      expectFinite(v, path);
      return;
    case 'activationQuant': {
      const q = expectObject(v, path, ['scale', 'zeroPoint']);
      const scale = expectFinite(q.scale, `${path}.scale`);
      if (!(scale > 0) || Math.fround(scale) !== scale) failAt(`${path}.scale`, `must be a positive float32, got ${scale}`);
      expectInt(q.zeroPoint, `${path}.zeroPoint`, 0, 255);
      return;
    }
    case 'true':
      if (v !== true) failAt(path, `must be true when present (omit it for false), found ${describe(v)}`);
      return;
    case 'targetShape': {
      let unknown = 0;
      expectArray(v, path, 1, MAX_RANK).forEach((x, i) => {
        const d = expectInt(x, `${path}[${i}]`, -1, MAX_TENSOR_ELEMENTS);
        if (d === 0) failAt(`${path}[${i}]`, 'dimension 0 (use a positive size, or -1 for the one inferred dimension)');
        if (d === -1 && ++unknown > 1) failAt(`${path}[${i}]`, 'more than one -1 (inferred) dimension');
      });
      return;
    }
    case 'axis':
      expectInt(v, path, -MAX_RANK, MAX_RANK);
      return;
  }
}
