import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfconv from '@tensorflow/tfjs-converter';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLite, encodeLite, f32ToF16, LiteFormatError, writeLiteFile } from '../format/index.js';
import { saveModel } from '../io/index.js';
import { createModel } from '../models/index.js';
import { LiteModel } from '../runtime/index.js';
import { convertTfjsModel, graphModelToLite, loadGraphModel } from './convert.js';
import { readTfjsModel } from './read.js';
import { summarizeGraphModel, summarizeTfjsModel } from './summary.js';

// A graph model as tensorflowjs_converter writes it (GraphDef JSON, signature,
// weights manifest and a .bin shard), built here: x[-1,8,8,2] → Conv2D(3×3×2×4, SAME)
// → BiasAdd → Relu → Reshape(int32 [-1, 256]) → MatMul(256×5) → BiasAdd → Relu → Identity.

const b64 = (s: string) => Buffer.from(s).toString('base64');
const dims = (shape: number[]) => ({ dim: shape.map((d) => ({ size: String(d) })) });
const T = { T: { type: 'DT_FLOAT' } };

function uniform(n: number, seed: number, lo: number, hi: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + (hi - lo) * (s / 2 ** 32);
  }
  return out;
}

/** Writes the graph model into `dir` (model.json + group1-shard1of1.bin); `scale` multiplies the dense kernel. */
async function writeGraphModel(dir: string, scale = 1): Promise<void> {
  const weights: [string, number[], 'float32' | 'int32', Float32Array | Int32Array][] = [
    ['conv/filter', [3, 3, 2, 4], 'float32', uniform(72, 1, -0.5, 0.5)],
    ['conv/bias', [4], 'float32', uniform(4, 2, -0.1, 0.1)],
    ['flatten/shape', [2], 'int32', Int32Array.from([-1, 256])],
    ['dense/kernel', [256, 5], 'float32', uniform(1280, 3, -0.2 * scale, 0.2 * scale)],
    ['dense/bias', [5], 'float32', uniform(5, 4, -0.1, 0.1)],
  ];
  const konst = (name: string, shape: number[], dtype: string) => ({
    name,
    op: 'Const',
    attr: { value: { tensor: { dtype, tensorShape: dims(shape) } }, dtype: { type: dtype } },
  });
  const node = [
    { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims([-1, 8, 8, 2]) } } },
    konst('conv/filter', [3, 3, 2, 4], 'DT_FLOAT'),
    konst('conv/bias', [4], 'DT_FLOAT'),
    konst('flatten/shape', [2], 'DT_INT32'),
    konst('dense/kernel', [256, 5], 'DT_FLOAT'),
    konst('dense/bias', [5], 'DT_FLOAT'),
    {
      name: 'conv/Conv2D',
      op: 'Conv2D',
      input: ['x', 'conv/filter'],
      attr: {
        ...T,
        strides: { list: { i: ['1', '1', '1', '1'] } },
        dilations: { list: { i: ['1', '1', '1', '1'] } },
        padding: { s: b64('SAME') },
        data_format: { s: b64('NHWC') },
        use_cudnn_on_gpu: { b: true },
        explicit_paddings: { list: {} },
      },
    },
    { name: 'conv/BiasAdd', op: 'BiasAdd', input: ['conv/Conv2D', 'conv/bias'], attr: { ...T, data_format: { s: b64('NHWC') } } },
    { name: 'conv/Relu', op: 'Relu', input: ['conv/BiasAdd'], attr: T },
    { name: 'flatten/Reshape', op: 'Reshape', input: ['conv/Relu', 'flatten/shape'], attr: { ...T, Tshape: { type: 'DT_INT32' } } },
    { name: 'dense/MatMul', op: 'MatMul', input: ['flatten/Reshape', 'dense/kernel'], attr: { ...T, transpose_a: { b: false }, transpose_b: { b: false } } },
    { name: 'dense/BiasAdd', op: 'BiasAdd', input: ['dense/MatMul', 'dense/bias'], attr: { ...T, data_format: { s: b64('NHWC') } } },
    { name: 'dense/Relu', op: 'Relu', input: ['dense/BiasAdd'], attr: T },
    { name: 'Identity', op: 'Identity', input: ['dense/Relu'], attr: T },
  ];
  const modelJson = {
    format: 'graph-model',
    generatedBy: '2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    signature: {
      inputs: { 'x:0': { name: 'x:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, 8, 8, 2]) } },
      outputs: { 'Identity:0': { name: 'Identity:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, 5]) } },
    },
    modelTopology: { node, library: {}, versions: { producer: 1645 } },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: weights.map(([name, shape, dtype]) => ({ name, shape, dtype })) }],
    userDefinedMetadata: { note: 'test' },
  };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
  await writeFile(join(dir, 'group1-shard1of1.bin'), Buffer.concat(weights.map(([, , , v]) => Buffer.from(v.buffer, v.byteOffset, v.byteLength))));
}

/** The original model, loaded by tfjs itself from the files. */
async function loadOriginal(dir: string): Promise<tfconv.GraphModel> {
  const files = await readTfjsModel(dir);
  return tfconv.loadGraphModel({ load: async () => tf.io.getModelArtifactsForJSONSync(files.modelJson, files.weightSpecs, files.weightData) });
}

function predict(model: tfconv.GraphModel, x: tf.Tensor): Float32Array {
  const y = model.predict(x) as tf.Tensor;
  const v = y.dataSync() as Float32Array;
  y.dispose();
  return v;
}

let tmp: string;
let dir: string;
let x: tf.Tensor;
beforeAll(async () => {
  await tf.setBackend('cpu');
  tmp = await mkdtemp(join(tmpdir(), 'lite-graph-model-'));
  dir = join(tmp, 'graph');
  await writeGraphModel(dir);
  x = tf.tensor(uniform(3 * 8 * 8 * 2, 9, -1, 1), [3, 8, 8, 2]);
});
afterAll(async () => {
  x.dispose();
  await rm(tmp, { recursive: true, force: true });
});

describe('graph models in .lite', () => {
  it('LiteModel.load refuses a graph-model .lite and points to loadGraphModel', async () => {
    const { graph } = await convertTfjsModel(dir);
    await expect(LiteModel.load(encodeLite(graph))).rejects.toThrow(/loadGraphModel/);
  });

  it('reads the model directory, and an f32 .lite predicts exactly as the original', async () => {
    const original = await loadOriginal(dir);
    const expected = predict(original, x);
    expect(expected.length).toBe(15);
    expect(expected.some((v) => v > 0)).toBe(true);

    const { graph, format, warnings, source } = await convertTfjsModel(dir, { version: '9.9.9' });
    expect(format).toBe('graph-model');
    expect(warnings).toEqual([]);
    expect(source.fileBytes).toBeGreaterThan(4 * (72 + 4 + 2 + 1280 + 5));
    expect(graph.nodes).toEqual([]);
    expect(graph.graphModel!.weights).toEqual([
      { name: 'conv/filter', dtype: 'float32' },
      { name: 'conv/bias', dtype: 'float32' },
      { name: 'flatten/shape', dtype: 'int32' },
      { name: 'dense/kernel', dtype: 'float32' },
      { name: 'dense/bias', dtype: 'float32' },
    ]);
    expect(graph.graphModel!.modelJson).not.toHaveProperty('weightsManifest');
    expect(graph.provenance).toEqual([{ step: 'convert', options: { from: 'graph-model', source: 'graph', encoding: 'f32' }, at: expect.any(String), version: '9.9.9' }]);

    const path = join(tmp, 'graph.lite');
    await writeLiteFile(path, graph);
    const back = decodeLite(await readFile(path));
    expect(back.graphModel).toEqual(graph.graphModel);
    expect(back.provenance).toEqual(graph.provenance);

    const loaded = await loadGraphModel(path);
    expect(loaded).toBeInstanceOf(tfconv.GraphModel);
    expect(predict(loaded, x)).toEqual(expected);
    expect((loaded.metadata as Record<string, unknown>).note).toBe('test');
    expect(predict(await loadGraphModel(await readFile(path)), x)).toEqual(expected);
  });

  it('f16 halves the float weights, keeps int32 weights exact, and stays close', async () => {
    const original = await loadOriginal(dir);
    const expected = predict(original, x);
    const { graph } = await convertTfjsModel(dir, { encoding: 'f16' });
    expect([...graph.tensors.values()].map((t) => t.encoding)).toEqual(['f16', 'f16', 'f32', 'f16', 'f16']);
    const f32Bytes = encodeLite((await convertTfjsModel(dir)).graph, { huffman: 'off' }).length;
    const f16Bytes = encodeLite(graph, { huffman: 'off' }).length;
    expect(f16Bytes).toBeLessThan(0.75 * f32Bytes);
    const got = predict(await loadGraphModel(encodeLite(graph)), x);
    for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - expected[i])).toBeLessThan(1e-2);
  });

  it('warns, naming the weight, when a value overflows fp16', async () => {
    const big = join(tmp, 'big');
    await writeGraphModel(big, 1e6);
    const seen: string[] = [];
    const { warnings } = await convertTfjsModel(big, { encoding: 'f16', onWarning: (w) => seen.push(w.message) });
    const overflow = warnings.filter((w) => w.kind === 'overflow');
    expect(overflow.map((w) => w.tensor)).toEqual(['dense/kernel']);
    expect(seen.some((m) => m.startsWith('dense/kernel:') && /exceed fp16/.test(m))).toBe(true);
  });

  it('summarises the GraphDef: nodes, shapes, weights and MACs', async () => {
    const { graph } = await convertTfjsModel(dir, { encoding: 'f16' });
    const model = await loadGraphModel(graph);
    const tensors = [...graph.tensors.values()].map((t) => {
      const params = t.shape.reduce((p, d) => p * d, 1);
      return { name: t.name, shape: t.shape, encoding: t.encoding, params, bytes: params * (t.encoding === 'f16' ? 2 : 4) };
    });
    const s = await summarizeGraphModel(model, graph.graphModel!.modelJson.modelTopology, tensors, graph.provenance);
    expect(s.params).toBe(72 + 4 + 2 + 1280 + 5);
    expect(s.bytesByEncoding).toEqual({ f16: 2 * (72 + 4 + 1280 + 5), f32: 8 });
    expect(s.macs).toBe(8 * 8 * 4 * (3 * 3 * 2) + 5 * 256);
    const byName = new Map(s.layers.map((l) => [l.name, l]));
    expect(byName.get('conv/Conv2D')!.outputShape).toEqual([1, 8, 8, 4]);
    expect(byName.get('dense/MatMul')!.macs).toBe(1280);
    expect(byName.get('dense/kernel')!.tensors[0].encoding).toBe('f16');
    expect(s.inputs).toHaveLength(1);
    expect(s.outputs).toHaveLength(1);
  });

  it('errors: a Layers .lite, unknown weight dtypes, bad graphModel headers', async () => {
    const layers = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3] })] });
    const layersDir = join(tmp, 'layers');
    await saveModel(layers, layersDir);
    const converted = await convertTfjsModel(layersDir);
    expect(converted.format).toBe('layers-model');
    const path = join(tmp, 'layers.lite');
    await writeLiteFile(path, converted.graph);
    await expect(loadGraphModel(path)).rejects.toThrow(/not a tfjs graph model .*LiteModel\.load/);
    // ...which LiteModel runs as the original.
    const lite = await LiteModel.load(path);
    const input = tf.ones([1, 3]);
    const a = (layers.predict(input) as tf.Tensor).dataSync();
    const b = (lite.predict(input) as tf.Tensor).dataSync();
    for (let i = 0; i < 2; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-5);

    const files = await readTfjsModel(dir);
    const specs = files.weightSpecs.map((s) => (s.name === 'flatten/shape' ? { ...s, dtype: 'string' as const } : s));
    expect(() => graphModelToLite(files.modelJson, specs, files.weightData)).toThrow(/flatten\/shape' has dtype string/);

    const { graph } = await convertTfjsModel(dir);
    const bad = (gm: unknown) => () => encodeLite({ ...graph, graphModel: gm as never });
    expect(bad({ ...graph.graphModel, weights: [{ name: 'nope', dtype: 'float32' }] })).toThrow(/no tensor named "nope".*header\.graphModel\.weights\[0\]\.name/);
    expect(bad({ ...graph.graphModel, weights: [{ name: 'conv/bias', dtype: 'float64' }] })).toThrow(LiteFormatError);
    expect(bad({ modelJson: { format: 'graph-model' }, weights: [] })).toThrow(/header\.graphModel\.modelJson\.modelTopology/);
    expect(bad({ modelJson: { modelTopology: {}, weightsManifest: [] }, weights: [] })).toThrow(/must be absent/);
    expect(bad({ ...graph.graphModel, extra: 1 })).toThrow(/header\.graphModel\.extra/);
  });

  it('readTfjsModel: clear errors for missing, truncated and escaping files', async () => {
    await expect(readTfjsModel(join(tmp, 'none'))).rejects.toThrow(/no model at .*none/);
    const broken = join(tmp, 'broken');
    await writeGraphModel(broken);
    const bin = join(broken, 'group1-shard1of1.bin');
    await writeFile(bin, (await readFile(bin)).subarray(0, 100));
    await expect(readTfjsModel(broken)).rejects.toThrow(/hold 100 bytes but the manifest describes 5452/);
    const json = JSON.parse(await readFile(join(broken, 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['../x.bin'];
    await writeFile(join(broken, 'model.json'), JSON.stringify(json));
    await expect(readTfjsModel(broken)).rejects.toThrow(/points outside the model directory/);
    json.format = 'saved-model';
    await writeFile(join(broken, 'model.json'), JSON.stringify(json));
    await expect(readTfjsModel(join(broken, 'model.json'))).rejects.toThrow(/unknown model format "saved-model"/);
  });

  it('converts a zoo Layers model through its directory', async () => {
    const model = createModel('seedStudent');
    const d = join(tmp, 'student');
    await saveModel(model, d);
    const { graph, stats, format } = await convertTfjsModel(join(d, 'model.json'), { encoding: 'f16', record: { huffman: 'auto' } });
    expect(format).toBe('layers-model');
    expect(stats).toBeDefined();
    expect([...graph.tensors.values()].every((t) => t.encoding === 'f16')).toBe(true);
    expect(graph.provenance[0].options).toEqual({ from: 'layers-model', source: 'student', encoding: 'f16', huffman: 'auto' });
    const lite = LiteModel.fromGraph(graph);
    const input = tf.tensor(uniform(2 * 784, 5, 0, 1), [2, 28, 28, 1]);
    const a = (model.predict(input) as tf.Tensor).dataSync();
    const b = (lite.predict(input) as tf.Tensor).dataSync();
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(2e-2);
    model.dispose();
  });

  it('summarizeTfjsModel: Layers and graph directories, weights as stored', async () => {
    const graph = await summarizeTfjsModel(await readTfjsModel(dir));
    expect(graph.params).toBe(1363);
    expect(graph.bytesByEncoding).toEqual({ float32: 4 * 1361, int32: 8 });
    expect(graph.macs).toBe(8 * 8 * 4 * 18 + 1280);

    const model = createModel('seedStudent');
    const d = join(tmp, 'student-summary');
    await saveModel(model, d);
    const s = await summarizeTfjsModel(await readTfjsModel(d));
    expect(s.layers.map((l) => l.op)).toEqual(model.layers.map((l) => l.getClassName()));
    expect(s.params).toBe(model.countParams());
    expect(s.bytes).toBe(4 * model.countParams());
    expect(s.layers.every((l) => l.tensors.every((t) => t.encoding === 'float32'))).toBe(true);
    expect(s.inputs[0].shape).toEqual([null, 28, 28, 1]);
    expect(s.macs).toBeGreaterThan(0);
    model.dispose();
  });

  it('dequantizes weights tensorflowjs_converter quantized (uint8 affine, float16)', async () => {
    const q = join(tmp, 'quantized');
    await writeGraphModel(q);
    const files = await readTfjsModel(q);
    const filter = files.weightSpecs[0];
    const kernel = files.weightSpecs[3];
    const all = new Float32Array(files.weightData);
    // conv/filter as uint8 with scale/min; dense/kernel as float16.
    const min = -0.5;
    const scale = 1 / 255;
    const codes = Uint8Array.from(all.subarray(0, 72), (v) => Math.round((v - min) / scale));
    const kernelValues = all.subarray(72 + 4 + 2, 72 + 4 + 2 + 1280);
    const f16 = f32ToF16(kernelValues, 'clamp').bits;
    const json = JSON.parse(await readFile(join(q, 'model.json'), 'utf8'));
    json.weightsManifest[0].weights[0] = { ...filter, quantization: { dtype: 'uint8', scale, min } };
    json.weightsManifest[0].weights[3] = { ...kernel, quantization: { dtype: 'float16' } };
    await writeFile(join(q, 'model.json'), JSON.stringify(json));
    const raw = new Uint8Array(files.weightData);
    const parts = [
      codes,
      raw.subarray(4 * 72, 4 * (72 + 4 + 2)),
      new Uint8Array(f16.buffer, f16.byteOffset, f16.byteLength),
      raw.subarray(4 * (72 + 4 + 2 + 1280)),
    ];
    await writeFile(join(q, 'group1-shard1of1.bin'), Buffer.concat(parts));
    const original = await loadOriginal(q);
    const expected = predict(original, x);
    const { graph } = await convertTfjsModel(q);
    expect(graph.graphModel!.weights.map((w) => w.dtype)).toEqual(['float32', 'float32', 'int32', 'float32', 'float32']);
    expect(graph.tensors.get('conv/filter')!.encoding).toBe('f32');
    expect(predict(await loadGraphModel(encodeLite(graph)), x)).toEqual(expected);
  });
});
