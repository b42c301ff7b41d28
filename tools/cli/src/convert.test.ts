import { inspectLite, loadGraphModel } from '@lite/core';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lite, liteJson, requireBuiltCli } from './testing/cli.js';

// `lite convert`, `lite inspect` and `lite eval` on .lite files, through the built CLI.

function uniform(n: number, seed: number, lo: number, hi: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + (hi - lo) * (s / 2 ** 32);
  }
  return out;
}

/**
 * An MNIST-shaped graph model as tensorflowjs_converter writes it: x[-1,28,28,1] →
 * Conv2D(3×3×1×4, stride 2, SAME) → BiasAdd → Relu → Reshape(int32 [-1, 784]) →
 * MatMul(784×10) → BiasAdd → Identity (logits).
 */
const GRAPH = {
  filter: uniform(36, 11, -0.5, 0.5),
  convBias: uniform(4, 12, -0.1, 0.1),
  kernel: uniform(7840, 13, -0.1, 0.1),
  bias: uniform(10, 14, -0.1, 0.1),
};

async function writeGraphModel(dir: string, kernelScale = 1): Promise<void> {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const dims = (shape: number[]) => ({ dim: shape.map((d) => ({ size: String(d) })) });
  const T = { T: { type: 'DT_FLOAT' } };
  const konst = (name: string, shape: number[], dtype: string) => ({ name, op: 'Const', attr: { value: { tensor: { dtype, tensorShape: dims(shape) } }, dtype: { type: dtype } } });
  const kernel = GRAPH.kernel.map((v) => v * kernelScale);
  const weights: [string, number[], string, Float32Array | Int32Array][] = [
    ['conv/filter', [3, 3, 1, 4], 'float32', GRAPH.filter],
    ['conv/bias', [4], 'float32', GRAPH.convBias],
    ['flat/shape', [2], 'int32', Int32Array.from([-1, 784])],
    ['fc/kernel', [784, 10], 'float32', kernel],
    ['fc/bias', [10], 'float32', GRAPH.bias],
  ];
  const node = [
    { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims([-1, 28, 28, 1]) } } },
    konst('conv/filter', [3, 3, 1, 4], 'DT_FLOAT'),
    konst('conv/bias', [4], 'DT_FLOAT'),
    konst('flat/shape', [2], 'DT_INT32'),
    konst('fc/kernel', [784, 10], 'DT_FLOAT'),
    konst('fc/bias', [10], 'DT_FLOAT'),
    {
      name: 'conv/Conv2D',
      op: 'Conv2D',
      input: ['x', 'conv/filter'],
      attr: { ...T, strides: { list: { i: ['1', '2', '2', '1'] } }, dilations: { list: { i: ['1', '1', '1', '1'] } }, padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') } },
    },
    { name: 'conv/BiasAdd', op: 'BiasAdd', input: ['conv/Conv2D', 'conv/bias'], attr: { ...T, data_format: { s: b64('NHWC') } } },
    { name: 'conv/Relu', op: 'Relu', input: ['conv/BiasAdd'], attr: T },
    { name: 'flat/Reshape', op: 'Reshape', input: ['conv/Relu', 'flat/shape'], attr: { ...T, Tshape: { type: 'DT_INT32' } } },
    { name: 'fc/MatMul', op: 'MatMul', input: ['flat/Reshape', 'fc/kernel'], attr: { ...T, transpose_a: { b: false }, transpose_b: { b: false } } },
    { name: 'fc/BiasAdd', op: 'BiasAdd', input: ['fc/MatMul', 'fc/bias'], attr: { ...T, data_format: { s: b64('NHWC') } } },
    { name: 'Identity', op: 'Identity', input: ['fc/BiasAdd'], attr: T },
  ];
  const modelJson = {
    format: 'graph-model',
    generatedBy: '2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    signature: {
      inputs: { 'x:0': { name: 'x:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, 28, 28, 1]) } },
      outputs: { 'Identity:0': { name: 'Identity:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, 10]) } },
    },
    modelTopology: { node, library: {}, versions: { producer: 1645 } },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: weights.map(([name, shape, dtype]) => ({ name, shape, dtype })) }],
  };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
  await writeFile(join(dir, 'group1-shard1of1.bin'), Buffer.concat(weights.map(([, , , v]) => Buffer.from(v.buffer, v.byteOffset, v.byteLength))));
}

/** The graph model's logits computed directly (an independent reference). */
function referenceLogits(x: Float32Array, batch: number): Float32Array {
  const out = new Float32Array(batch * 10);
  const hidden = new Float32Array(784);
  for (let b = 0; b < batch; b++) {
    // SAME with stride 2 on 28: 14 outputs, padding 0 before, 1 after.
    for (let oy = 0; oy < 14; oy++) {
      for (let ox = 0; ox < 14; ox++) {
        for (let c = 0; c < 4; c++) {
          let s = GRAPH.convBias[c];
          for (let ky = 0; ky < 3; ky++) {
            for (let kx = 0; kx < 3; kx++) {
              const iy = 2 * oy + ky;
              const ix = 2 * ox + kx;
              if (iy < 28 && ix < 28) s += x[b * 784 + iy * 28 + ix] * GRAPH.filter[(ky * 3 + kx) * 4 + c];
            }
          }
          hidden[(oy * 14 + ox) * 4 + c] = Math.max(0, s);
        }
      }
    }
    for (let j = 0; j < 10; j++) {
      let s = GRAPH.bias[j];
      for (let i = 0; i < 784; i++) s += hidden[i] * GRAPH.kernel[i * 10 + j];
      out[b * 10 + j] = s;
    }
  }
  return out;
}

let tmp: string;
let layersDir: string;
let graphDir: string;
beforeAll(async () => {
  requireBuiltCli();
  tmp = await mkdtemp(join(tmpdir(), 'lite-convert-'));
  layersDir = join(tmp, 'seed');
  graphDir = join(tmp, 'graph');
  await writeGraphModel(graphDir);
  const t = await lite('train', '--model', 'seedCnn', '--epochs', '1', '--batch', '32', '--limit', '256', '-o', layersDir);
  expect(t.code, t.stderr).toBe(0);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('lite convert (Layers models)', () => {
  it('writes .lite files: f16 smaller than f32, Huffman smaller than none; provenance records the step', async () => {
    const sizes: Record<string, number> = {};
    for (const [name, flags] of [['f32', []], ['f32-raw', ['--no-huffman']], ['f16', ['--encoding', 'f16']], ['f16-raw', ['--encoding', 'f16', '--no-huffman']]] as const) {
      const out = join(tmp, `${name}.lite`);
      const r = await liteJson('convert', layersDir, '-o', out, '--json', ...flags);
      expect(r.format).toBe('layers-model');
      expect(r.params).toBe(21840);
      expect(r.outputBytes).toBe((await stat(out)).size);
      sizes[name] = r.outputBytes;
    }
    const dirBytes = (await stat(join(layersDir, 'model.json'))).size + (await stat(join(layersDir, 'weights.bin'))).size;
    expect(sizes.f16).toBeLessThan(sizes.f32);
    expect(sizes.f16).toBeLessThan(0.55 * dirBytes);
    expect(sizes['f16-raw']).toBeLessThan(0.55 * dirBytes);
    expect(sizes.f32).toBeLessThan(sizes['f32-raw']);
    expect(sizes.f16).toBeLessThan(sizes['f16-raw']);

    const human = await lite('convert', join(layersDir, 'model.json'), '-o', join(tmp, 'human.lite'));
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^converted .*model\.json \(Layers model, 8 runtime nodes, 21\.8k params\)/);
    expect(human.stdout).toMatch(/wrote .*human\.lite: .* \(f32, weights 85\.3 KiB, Huffman auto\)/);
  });

  it('inspect --json: .lite layers, tensors, encodings, MACs, provenance; and the model directory', async () => {
    const r = await liteJson('inspect', join(tmp, 'f16.lite'), '--json');
    expect(r.container).toBe('lite');
    expect(r.format).toBe('lite-graph');
    expect(r.fileBytes).toBe((await stat(join(tmp, 'f16.lite'))).size);
    expect(r.params).toBe(21840);
    expect(r.bytes).toBe(2 * 21840);
    expect(r.bytesByEncoding).toEqual({ f16: 2 * 21840 });
    expect(r.macs).toBe(24 * 24 * 10 * 25 + 8 * 8 * 20 * 250 + 320 * 50 + 50 * 10);
    expect(r.layers.map((l: { op: string }) => l.op)).toEqual(['input', 'conv2d', 'maxPool2d', 'conv2d', 'maxPool2d', 'flatten', 'dense', 'dense']);
    const conv1 = r.layers[1];
    expect(conv1).toMatchObject({ name: 'conv1', outputShape: [null, 24, 24, 10], params: 260, bytes: 520, macs: 144000, activation: 'relu' });
    expect(conv1.tensors[0]).toMatchObject({ name: 'conv1/kernel', shape: [5, 5, 1, 10], encoding: 'f16', params: 250, bytes: 500 });
    expect(conv1.tensors[0].storedBytes).toBeLessThanOrEqual(500);
    expect(r.provenance).toHaveLength(1);
    expect(r.provenance[0]).toMatchObject({ step: 'convert', options: { from: 'layers-model', source: 'seed', encoding: 'f16', huffman: 'auto' } });
    // f16 kernels of 256+ values in two byte planes (conv2, fc1, fc2); conv1's kernel (250 values) and the biases in one stream each.
    expect(r.lite).toMatchObject({ version: 3, sections: 11 });
    expect(r.lite.huffmanSections).toBeGreaterThan(0);

    const d = await liteJson('inspect', layersDir, '--json');
    expect(d).toMatchObject({ container: 'tfjs', format: 'layers-model', params: 21840, bytes: 4 * 21840, bytesByEncoding: { float32: 4 * 21840 }, macs: r.macs, provenance: [] });
    expect(d.layers.map((l: { op: string }) => l.op)).toEqual(['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense']);

    const human = await lite('inspect', join(tmp, 'f16.lite'));
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^model\s+.*f16\.lite \(\.lite v\d+, lite runtime graph\)/);
    expect(human.stdout).toMatch(/conv1\s+conv2d\+relu\s+\[\?, 24, 24, 10\]\s+260\s+520 B\s+f16\s+144\.0k/);
    expect(human.stdout).toMatch(/provenance\n .* convert /);
  });

  it('eval runs a .lite file on the runtime: same report keys, f16 accuracy as fp32', async () => {
    const args = ['--json', '--limit', '200', '--runs', '2'];
    const dir = await liteJson('eval', layersDir, ...args);
    const f32 = await liteJson('eval', join(tmp, 'f32.lite'), ...args);
    const f16 = await liteJson('eval', join(tmp, 'f16.lite'), ...args);
    for (const r of [f32, f16]) {
      expect(Object.keys(r).sort()).toEqual(['accuracy', 'bytes', 'latencyMs', 'loss', 'macs', 'params']);
      expect(r.params).toBe(21840);
      expect(r.macs).toBe(dir.macs);
      expect(Object.keys(r.latencyMs).sort()).toEqual(['b1', 'b256']);
    }
    expect(f32.accuracy).toBe(dir.accuracy);
    expect(Math.abs(f32.loss - dir.loss)).toBeLessThan(1e-4);
    expect(Math.abs(f16.accuracy - dir.accuracy)).toBeLessThanOrEqual(0.01);
    expect(f32.bytes).toBe(4 * 21840);
    expect(f16.bytes).toBe(2 * 21840);
    const human = await lite('eval', join(tmp, 'f16.lite'), '--limit', '50', '--runs', '1');
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/size\s+21,840 params, 42\.7 KiB f16/);
  });
});

describe('lite convert (graph models)', () => {
  it('keeps the GraphDef; loadGraphModel predicts as the original; inspect and eval read it', async () => {
    const out = join(tmp, 'graph.lite');
    const r = await liteJson('convert', graphDir, '-o', out, '--json');
    expect(r).toMatchObject({ format: 'graph-model', encoding: 'f32', params: 36 + 4 + 2 + 7840 + 10, warnings: [] });

    const model = await loadGraphModel(out);
    const x = uniform(2 * 784, 21, 0, 1);
    const expected = referenceLogits(x, 2);
    const tf = await import('@tensorflow/tfjs-core');
    const y = model.predict(tf.tensor(x, [2, 28, 28, 1])) as import('@tensorflow/tfjs-core').Tensor;
    const got = await y.data();
    for (let i = 0; i < expected.length; i++) expect(Math.abs(got[i] - expected[i])).toBeLessThan(1e-4);

    const f16 = join(tmp, 'graph16.lite');
    const r16 = await liteJson('convert', join(graphDir, 'model.json'), '-o', f16, '--encoding', 'f16', '--json');
    expect(r16.outputBytes).toBeLessThan(0.6 * r.outputBytes);
    const y16 = (await loadGraphModel(await readFile(f16))).predict(tf.tensor(x, [2, 28, 28, 1])) as import('@tensorflow/tfjs-core').Tensor;
    const got16 = await y16.data();
    for (let i = 0; i < expected.length; i++) expect(Math.abs(got16[i] - expected[i])).toBeLessThan(2e-2);

    const ins = await liteJson('inspect', f16, '--json');
    expect(ins).toMatchObject({ container: 'lite', format: 'graph-model', params: 7892, bytesByEncoding: { f16: 2 * 7890, f32: 8 } });
    expect(ins.macs).toBe(14 * 14 * 4 * 9 + 7840);
    const conv = ins.layers.find((l: { name: string }) => l.name === 'conv/Conv2D');
    expect(conv).toMatchObject({ op: 'Conv2D', outputShape: [1, 14, 14, 4], macs: 14 * 14 * 4 * 9 });
    const kernel = ins.layers.find((l: { name: string }) => l.name === 'fc/kernel');
    expect(kernel.tensors[0]).toMatchObject({ encoding: 'f16', shape: [784, 10], bytes: 15680 });
    const dir = await liteJson('inspect', graphDir, '--json');
    expect(dir).toMatchObject({ container: 'tfjs', format: 'graph-model', params: 7892, macs: ins.macs, bytesByEncoding: { float32: 4 * 7890, int32: 8 } });

    const e = await liteJson('eval', f16, '--json', '--limit', '100', '--runs', '2');
    expect(e).toMatchObject({ params: 7892, bytes: 2 * 7890 + 8, macs: ins.macs });
    const notLite = await lite('eval', graphDir);
    expect(notLite.code).toBe(1);
    expect(notLite.stderr).toMatch(/is a tfjs graph model; convert it first/);
  });

  it('warns on stderr, naming the weight, when fp16 overflows', async () => {
    const big = join(tmp, 'big');
    await writeGraphModel(big, 1e6);
    const r = await lite('convert', big, '-o', join(tmp, 'big.lite'), '--encoding', 'f16');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: fc\/kernel: \d+ of 7840 values exceed fp16's range/);
    expect(r.stdout).toMatch(/1 encoding warning\(s\) on stderr/);
  });
});

describe('lite convert/inspect/eval (errors)', () => {
  it('exit 2 on usage mistakes', async () => {
    const cases: [string[], RegExp][] = [
      [['convert', graphDir], /missing required option --output \(-o\)/],
      [['convert', graphDir, '-o', join(tmp, 'x.lite'), '--frob'], /unknown option --frob for 'lite convert'/],
      [['convert', graphDir, '-o', join(tmp, 'x.lite'), '--encoding', 'f8'], /--encoding must be one of f32, f16/],
      [['convert', graphDir, '-o', tmp], /is a directory/],
      [['inspect'], /missing <model>/],
      [['inspect', graphDir, '--verbose'], /unknown option --verbose/],
    ];
    for (const [args, message] of cases) {
      const r = await lite(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });

  it('exit 1 with a clear message: missing model, corrupt or truncated .lite, not a model', async () => {
    const missing = await lite('inspect', join(tmp, 'none.lite'), '--json');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no model at .*none\.lite/);
    expect(missing.stdout).toBe('');
    expect((await lite('convert', join(tmp, 'none'), '-o', join(tmp, 'y.lite'))).stderr).toMatch(/no model at .*none/);

    const good = await readFile(join(tmp, 'f32.lite'));
    const corrupt = Buffer.from(good);
    const largest = inspectLite(good).sections.reduce((a, b) => (b.storedLength > a.storedLength ? b : a));
    corrupt[largest.offset + (largest.storedLength >> 1)] ^= 0x40;
    await writeFile(join(tmp, 'corrupt.lite'), corrupt);
    await writeFile(join(tmp, 'short.lite'), good.subarray(0, 1000));
    await writeFile(join(tmp, 'text.lite'), 'hello');
    const expectations: [string, RegExp][] = [
      ['corrupt.lite', /corrupt\.lite: section \d+ .*checksum mismatch \(corrupt file\)/],
      ['short.lite', /short\.lite: .*(truncated|past the end)/],
      ['text.lite', /text\.lite: .*(shorter than|not a \.lite file)/],
    ];
    for (const [file, message] of expectations) {
      for (const command of ['inspect', 'eval']) {
        const r = await lite(command, join(tmp, file), '--json');
        expect(r.code, `${command} ${file}`).toBe(1);
        expect(r.stderr).toMatch(message);
        expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
        expect(r.stdout).toBe('');
      }
    }
    // The failed writes left nothing behind, and a failed convert leaves no partial file.
    expect(existsSync(join(tmp, 'y.lite'))).toBe(false);

    await writeFile(join(tmp, 'bad.json'), '{"modelTopology": {"foo": 1}}');
    const unknown = await lite('convert', join(tmp, 'bad.json'), '-o', join(tmp, 'z.lite'));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/cannot tell whether this is a Layers or a graph model/);
  });
});
