import { describe, expect, it } from 'vitest';
import type { LiteGraph } from '../graph/types.js';
import { assembleLite, decodeLite, encodeLite, packHeader, splitLite, unpackHeader } from './container.js';
import { LiteFormatError } from './errors.js';
import { everyOp, graphModelContainer, huffmanFriendly } from './samples.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Rewrites a valid file's header JSON with `edit` (checksums stay right) and returns the reader's error. */
function readWithEdit(graph: LiteGraph, edit: (h: Json) => unknown): LiteFormatError | undefined {
  const { header: stored, sections } = splitLite(encodeLite(graph));
  const header = JSON.parse(new TextDecoder().decode(unpackHeader(stored)));
  const replaced = edit(header);
  const file = assembleLite(packHeader(new TextEncoder().encode(JSON.stringify(replaced === undefined ? header : replaced))), sections);
  try {
    decodeLite(file);
    return undefined;
  } catch (e) {
    if (!(e instanceof LiteFormatError)) throw e;
    return e;
  }
}

const g = everyOp();
const node = (h: Json, name: string) => h.nodes.find((n: Json) => n.name === name);
const nodeIndex = (name: string) => g.nodes.findIndex((n) => n.name === name);
const tensorIndex = (name: string) => [...g.tensors.keys()].indexOf(name);
const N = (name: string) => `header.nodes[${nodeIndex(name)}]`;
const T = (name: string) => `header.tensors[${tensorIndex(name)}]`;
const deep = (d: number): unknown => (d === 0 ? 1 : [deep(d - 1)]);

/** [description, edit, expected field path, expected message]. */
const CASES: [string, (h: Json) => unknown, string, RegExp][] = [
  // Top level.
  ['header is an array', () => [], 'header', /expected an object, found an array/],
  ['header is a string', () => 'lite', 'header', /expected an object, found the string/],
  ['unknown top-level field', (h) => void (h.version = 2), 'header.version', /unknown field \(expected nodes, outputs, tensors, provenance, report/],
  ['nodes missing', (h) => void delete h.nodes, 'header.nodes', /required field is missing/],
  ['outputs missing', (h) => void delete h.outputs, 'header.outputs', /required field is missing/],
  ['tensors missing', (h) => void delete h.tensors, 'header.tensors', /required field is missing/],
  ['provenance missing', (h) => void delete h.provenance, 'header.provenance', /required field is missing/],
  ['report not an object', (h) => void (h.report = [1]), 'header.report', /expected an object, found an array/],
  ['report nested too deep', (h) => void (h.report = { x: deep(80) }), 'header.report', /nested deeper than 64 levels/],
  // Tensor table.
  ['tensors not an array', (h) => void (h.tensors = {}), 'header.tensors', /expected an array, found an object/],
  ['tensor entry not an object', (h) => void (h.tensors[0] = 'c1/k'), 'header.tensors[0]', /expected an object/],
  ['tensor unknown field', (h) => void (h.tensors[0].dtype = 'float32'), 'header.tensors[0].dtype', /unknown field/],
  ['tensor name missing', (h) => void delete h.tensors[0].name, 'header.tensors[0].name', /required field is missing/],
  ['tensor name not a string', (h) => void (h.tensors[0].name = 3), 'header.tensors[0].name', /expected a string, found the number 3/],
  ['tensor name empty', (h) => void (h.tensors[0].name = ''), 'header.tensors[0].name', /name is empty/],
  ['tensor name too long', (h) => void (h.tensors[0].name = 'x'.repeat(5000)), 'header.tensors[0].name', /longer than 4096/],
  ['tensor name duplicated', (h) => void (h.tensors[1].name = h.tensors[0].name), 'header.tensors[1].name', /duplicate tensor name "c1\/k"/],
  ['shape not an array', (h) => void (h.tensors[0].shape = 108), 'header.tensors[0].shape', /shape must be an array/],
  ['shape dimension negative', (h) => void (h.tensors[0].shape[1] = -3), 'header.tensors[0].shape[1]', /dimension the number -3 is not a non-negative integer/],
  ['shape dimension fractional', (h) => void (h.tensors[0].shape[0] = 1.5), 'header.tensors[0].shape[0]', /not a non-negative integer/],
  ['shape dimension a string', (h) => void (h.tensors[0].shape[0] = '3'), 'header.tensors[0].shape[0]', /not a non-negative integer/],
  ['shape rank 9', (h) => void (h.tensors[0].shape = [1, 1, 1, 1, 1, 1, 1, 1, 108]), 'header.tensors[0].shape', /rank 9 exceeds the limit of 8/],
  ['shape too large', (h) => void (h.tensors[0].shape = [1e6, 1e6]), 'header.tensors[0].shape', /more than 268435456 elements/],
  ['shape disagrees with the payload', (h) => void (h.tensors[tensorIndex('head/k')].shape = [8, 3]), `${T('head/k')}.sections[0]`, /an f16 tensor of 24 elements \(one little-endian stream, as it has under 256 elements\) needs 48 bytes in section 0, the file has 32/],
  ['encoding unknown', (h) => void (h.tensors[0].encoding = 'int3'), 'header.tensors[0].encoding', /unknown tensor encoding "int3" \(this reader knows f32, f16, int8, int4, kmeans/],
  ['encoding not a string', (h) => void (h.tensors[0].encoding = null), 'header.tensors[0].encoding', /expected a string, found null/],
  ['encoding of another size', (h) => void (h.tensors[0].encoding = 'f32'), 'header.tensors[0].sections[0]', /an f32 tensor of 108 elements \(one little-endian stream, as it has under 256 elements\) needs 432 bytes in section 0, the file has 216/],
  ['meta not an object', (h) => void (h.tensors[0].meta = null), 'header.tensors[0].meta', /expected an object, found null/],
  ['meta unknown field', (h) => void (h.tensors[0].meta = { scale: 1 }), 'header.tensors[0].meta.scale', /unknown meta field/],
  ['sections not an array', (h) => void (h.tensors[0].sections = 0), 'header.tensors[0].sections', /expected an array/],
  ['section index out of range', (h) => void (h.tensors[0].sections[0] = 999), 'header.tensors[0].sections[0]', /999 is outside 0\.\.9/],
  ['section index negative', (h) => void (h.tensors[0].sections[0] = -1), 'header.tensors[0].sections[0]', /outside/],
  ['section used twice', (h) => void (h.tensors[1].sections[0] = 0), 'header.tensors[1].sections[0]', /section 0 is already used by tensor "c1\/k"/],
  ['section used by no tensor', (h) => void h.tensors.pop(), 'header.tensors', /section 9 belongs to no tensor/],
  ['sections swapped between tensors of different sizes', (h) => void ([h.tensors[0].sections, h.tensors[1].sections] = [h.tensors[1].sections, h.tensors[0].sections]), 'header.tensors[0].sections[0]', /needs 216 bytes in section 0, the file has 8/],
  // Nodes.
  ['nodes not an array', (h) => void (h.nodes = {}), 'header.nodes', /expected an array/],
  ['node not an object', (h) => void (h.nodes[2] = 'pad'), 'header.nodes[2]', /expected an object, found the string/],
  ['node op missing', (h) => void delete h.nodes[2].op, 'header.nodes[2].op', /expected one of input, conv2d/],
  ['node op unknown', (h) => void (h.nodes[2].op = 'lstm'), 'header.nodes[2].op', /expected one of input, conv2d, depthwiseConv2d, dense/],
  ['node name missing', (h) => void delete h.nodes[2].name, 'header.nodes[2].name', /required field is missing/],
  ['node name duplicated', (h) => void (h.nodes[3].name = 'pad'), 'header.nodes[3].name', /duplicate node name "pad"/],
  ['node unknown field', (h) => void (node(h, 'c1').groups = 2), `${N('c1')}.groups`, /unknown field \(expected op, name, input, kernel/],
  ['input after other nodes', (h) => void h.nodes.splice(3, 0, { op: 'input', name: 'late', shape: [1] }), 'header.nodes[3].op', /input nodes must come before all other nodes/],
  ['input shape missing', (h) => void delete h.nodes[0].shape, 'header.nodes[0].shape', /required field is missing/],
  ['input shape empty', (h) => void (h.nodes[0].shape = []), 'header.nodes[0].shape', /at least 1 entries/],
  ['input shape zero dimension', (h) => void (h.nodes[0].shape[1] = 0), 'header.nodes[0].shape[1]', /0 is outside 1\.\./],
  ['input shape string dimension', (h) => void (h.nodes[0].shape[1] = '8'), 'header.nodes[0].shape[1]', /expected an integer/],
  ['conv input missing', (h) => void delete node(h, 'c1').input, `${N('c1')}.input`, /required field is missing/],
  ['conv input unknown', (h) => void (node(h, 'c1').input = 'ghost'), `${N('c1')}.input`, /no earlier node named "ghost"/],
  ['conv input refers forward', (h) => void (node(h, 'c1').input = 'head'), `${N('c1')}.input`, /no earlier node named "head" \(a node's inputs must come before it\)/],
  ['conv input refers to itself', (h) => void (node(h, 'c1').input = 'c1'), `${N('c1')}.input`, /no earlier node named "c1"/],
  ['conv kernel unknown', (h) => void (node(h, 'c1').kernel = 'c1/kk'), `${N('c1')}.kernel`, /no tensor named "c1\/kk" in the tensor table/],
  ['conv kernel wrong rank', (h) => void (node(h, 'c1').kernel = 'head/k'), `${N('c1')}.kernel`, /has rank 2, this field needs rank 4/],
  ['conv bias wrong rank', (h) => void (node(h, 'c1').bias = 'dw/k'), `${N('c1')}.bias`, /has rank 4, this field needs rank 1/],
  ['conv bias wrong length', (h) => void (node(h, 'c1').bias = 'aux/b'), `${N('c1')}.bias`, /bias has 2 values, the kernel \[3, 3, 3, 4\] has 4 output channels/],
  ['conv strides zero', (h) => void (node(h, 'c1').strides = [0, 1]), `${N('c1')}.strides[0]`, /0 is outside 1\.\.65536/],
  ['conv strides three entries', (h) => void (node(h, 'c1').strides = [1, 1, 1]), `${N('c1')}.strides`, /at most 2 entries/],
  ['conv strides huge', (h) => void (node(h, 'c1').strides = [1, 1e9]), `${N('c1')}.strides[1]`, /outside/],
  ['conv padding unknown', (h) => void (node(h, 'c1').padding = 'full'), `${N('c1')}.padding`, /expected one of valid, same, found the string "full"/],
  ['conv dilation one entry', (h) => void (node(h, 'c1').dilation = [1]), `${N('c1')}.dilation`, /at least 2 entries/],
  ['conv activation unknown', (h) => void (node(h, 'c1').activation = 'gelu'), `${N('c1')}.activation`, /expected one of linear, relu, relu6, leakyRelu/],
  ['conv alpha not a number', (h) => void (node(h, 'c1').alpha = 'NaN'), `${N('c1')}.alpha`, /expected a finite number/],
  ['depthwise bias wrong length', (h) => void (node(h, 'dw').bias = 'aux/b'), `${N('dw')}.bias`, /bias has 2 values, the kernel \[3, 3, 4, 1\] has 4 output channels/],
  ['depthwise kernel missing', (h) => void delete node(h, 'dw').kernel, `${N('dw')}.kernel`, /required field is missing/],
  ['dense kernel wrong rank', (h) => void (node(h, 'head').kernel = 'c1/k'), `${N('head')}.kernel`, /has rank 4, this field needs rank 2/],
  ['dense bias wrong length', (h) => void (node(h, 'aux_fc').bias = 'c1/b'), `${N('aux_fc')}.bias`, /bias has 4 values, the kernel \[4, 2\] has 2 output channels/],
  ['activation missing', (h) => void delete node(h, 'lr').activation, `${N('lr')}.activation`, /required field is missing/],
  ['activation alpha infinite', (h) => void (node(h, 'lr').alpha = 1e999), `${N('lr')}.alpha`, /expected a finite number, found null/],
  ['prelu alpha unknown tensor', (h) => void (node(h, 'pr').alpha = 0.2), `${N('pr')}.alpha`, /expected a string, found the number 0.2/],
  ['scaleShift shift length', (h) => void (node(h, 'bn').shift = 'aux/b'), `${N('bn')}.shift`, /has 2 values, scale has 4/],
  ['scaleShift scale missing', (h) => void delete node(h, 'bn').scale, `${N('bn')}.scale`, /required field is missing/],
  ['zeroPadding2d one pair', (h) => void (node(h, 'pad').padding = [[1, 1]]), `${N('pad')}.padding`, /at least 2 entries/],
  ['zeroPadding2d negative', (h) => void (node(h, 'pad').padding = [[-1, 0], [0, 0]]), `${N('pad')}.padding[0][0]`, /-1 is outside 0\.\./],
  ['zeroPadding2d flat', (h) => void (node(h, 'pad').padding = [1, 1]), `${N('pad')}.padding[0]`, /expected an array, found the number 1/],
  ['maxPool2d pool size zero', (h) => void (node(h, 'mp').poolSize = [0, 2]), `${N('mp')}.poolSize[0]`, /outside 1\.\./],
  ['maxPool2d strides missing', (h) => void delete node(h, 'mp').strides, `${N('mp')}.strides`, /required field is missing/],
  ['avgPool2d padding unknown', (h) => void (node(h, 'ap').padding = 'causal'), `${N('ap')}.padding`, /expected one of valid, same/],
  ['globalAvgPool2d input unknown', (h) => void (node(h, 'gap').input = 'nothing'), `${N('gap')}.input`, /no earlier node named "nothing"/],
  ['flatten unknown field', (h) => void (node(h, 'fl').dataFormat = 'channelsFirst'), `${N('fl')}.dataFormat`, /unknown field \(expected op, name, input\)/],
  ['reshape dimension zero', (h) => void (node(h, 'rs').targetShape = [0, 8]), `${N('rs')}.targetShape[0]`, /dimension 0/],
  ['reshape two inferred dimensions', (h) => void (node(h, 'rs').targetShape = [-1, -1]), `${N('rs')}.targetShape[1]`, /more than one -1/],
  ['reshape empty target', (h) => void (node(h, 'rs').targetShape = []), `${N('rs')}.targetShape`, /at least 1 entries/],
  ['add one input', (h) => void (node(h, 'sum').inputs = ['pr']), `${N('sum')}.inputs`, /at least 2 entries/],
  ['add forward input', (h) => void (node(h, 'sum').inputs = ['pr', 'cat']), `${N('sum')}.inputs[1]`, /no earlier node named "cat"/],
  ['add inputs not an array', (h) => void (node(h, 'sum').inputs = 'pr,lr'), `${N('sum')}.inputs`, /expected an array/],
  ['concatenate axis fractional', (h) => void (node(h, 'cat').axis = 1.5), `${N('cat')}.axis`, /expected an integer, found the number 1.5/],
  ['concatenate axis out of range', (h) => void (node(h, 'cat').axis = 99), `${N('cat')}.axis`, /99 is outside -8\.\.8/],
  // Outputs.
  ['outputs not an array', (h) => void (h.outputs = 'head'), 'header.outputs', /expected an array/],
  ['outputs empty', (h) => void (h.outputs = []), 'header.outputs', /at least 1 entries/],
  ['output unknown', (h) => void (h.outputs[1] = 'logits'), 'header.outputs[1]', /no node named "logits"/],
  ['output not a string', (h) => void (h.outputs[0] = 0), 'header.outputs[0]', /expected a string/],
  // Provenance.
  ['provenance not an array', (h) => void (h.provenance = {}), 'header.provenance', /expected an array/],
  ['provenance step missing', (h) => void delete h.provenance[0].step, 'header.provenance[0].step', /required field is missing/],
  ['provenance options not an object', (h) => void (h.provenance[1].options = 'f16'), 'header.provenance[1].options', /expected an object/],
  ['provenance options too deep', (h) => void (h.provenance[1].options = { d: deep(70) }), 'header.provenance[1].options', /nested deeper/],
  ['provenance at not a string', (h) => void (h.provenance[0].at = 0), 'header.provenance[0].at', /expected a string/],
  ['provenance version missing', (h) => void delete h.provenance[0].version, 'header.provenance[0].version', /required field is missing/],
  ['provenance unknown field', (h) => void (h.provenance[0].user = 'me'), 'header.provenance[0].user', /unknown field \(expected step, options, at, version\)/],
];

const GRAPH_MODEL_CASES: [string, (h: Json) => unknown, string, RegExp][] = [
  ['graphModel not an object', (h) => void (h.graphModel = []), 'header.graphModel', /expected an object, found an array/],
  ['graphModel unknown field', (h) => void (h.graphModel.format = 'graph-model'), 'header.graphModel.format', /unknown field \(expected modelJson, weights\)/],
  ['graphModel modelJson missing', (h) => void delete h.graphModel.modelJson, 'header.graphModel.modelJson', /required field is missing/],
  ['graphModel modelTopology missing', (h) => void delete h.graphModel.modelJson.modelTopology, 'header.graphModel.modelJson.modelTopology', /expected an object/],
  ['graphModel modelTopology too deep', (h) => void (h.graphModel.modelJson.modelTopology = { n: deep(70) }), 'header.graphModel.modelJson', /nested deeper/],
  ['graphModel weightsManifest present', (h) => void (h.graphModel.modelJson.weightsManifest = []), 'header.graphModel.modelJson.weightsManifest', /must be absent/],
  ['graphModel weights not an array', (h) => void (h.graphModel.weights = {}), 'header.graphModel.weights', /expected an array/],
  ['graphModel weight unknown tensor', (h) => void (h.graphModel.weights[0].name = 'w'), 'header.graphModel.weights[0].name', /no tensor named "w"/],
  ['graphModel weight listed twice', (h) => void (h.graphModel.weights[1].name = h.graphModel.weights[0].name), 'header.graphModel.weights[1].name', /listed twice/],
  ['graphModel weight dtype', (h) => void (h.graphModel.weights[0].dtype = 'float16'), 'header.graphModel.weights[0].dtype', /expected one of float32, int32, bool/],
  ['graphModel weight unknown field', (h) => void (h.graphModel.weights[0].shape = [4, 3]), 'header.graphModel.weights[0].shape', /unknown field/],
];

describe('.lite reader: every header field', () => {
  it.each(GRAPH_MODEL_CASES)('%s', (_name, edit, path, message) => {
    const err = readWithEdit(graphModelContainer(), edit);
    expect(err, 'the file was accepted').toBeInstanceOf(LiteFormatError);
    expect(err!.path).toBe(path);
    expect(err!.message).toMatch(message);
  });

  it.each(CASES)('%s', (_name, edit, path, message) => {
    const err = readWithEdit(g, edit);
    expect(err, 'the file was accepted').toBeInstanceOf(LiteFormatError);
    expect(err!.path).toBe(path);
    expect(err!.message).toMatch(message);
    expect(err!.message).toContain(`(at ${path})`);
  });

  it('accepts the unedited header and a header with no report', () => {
    expect(readWithEdit(g, () => undefined)).toBeUndefined();
    expect(readWithEdit(g, (h) => void delete h.report)).toBeUndefined();
  });

  it('accepts weights-only containers but not nodes without outputs', () => {
    expect(readWithEdit(huffmanFriendly(), (h) => void ((h.nodes = []), (h.outputs = [])))).toBeUndefined();
    expect(readWithEdit(huffmanFriendly(), (h) => void ((h.outputs = []))))?.toHaveProperty('path', 'header.outputs');
  });

  it('checks encoding-specific layouts of a Huffman-heavy file', () => {
    const e = readWithEdit(huffmanFriendly(), (h) => void (h.tensors.find((t: Json) => t.name === 'zeros').shape = [301]));
    expect(e?.message).toMatch(/an f16 tensor of 301 elements \(2 byte planes\) needs 301 bytes in section 0, the file has 300/);
  });
});
