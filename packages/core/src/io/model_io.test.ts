import { mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel } from '../models/zoo.js';
import { fileHandler } from './file_handler.js';
import { loadModel, saveModel } from './model_io.js';

let root: string;
const input = () => tf.randomNormal([3, 28, 28, 1], 0, 1, 'float32', 7);

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'lite-io-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function expectSamePredictions(a: tfl.LayersModel, b: tfl.LayersModel): Promise<void> {
  const x = input();
  const [ya, yb] = [a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor];
  expect(Array.from(await yb.data())).toEqual(Array.from(await ya.data()));
  tf.dispose([x, ya, yb]);
}

describe('model IO', () => {
  it('saves the stock tfjs format and loads it back', async () => {
    const model = createModel('seedCnn', { seed: 9 });
    const dir = join(root, 'nested', 'cnn');
    await saveModel(model, dir);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect((await readFile(join(dir, 'weights.bin'))).length).toBe(4 * 21840);

    await expectSamePredictions(model, await loadModel(dir));
    await expectSamePredictions(model, await loadModel(join(dir, 'model.json')));
    await expectSamePredictions(model, await tfl.loadLayersModel(fileHandler(dir)));
    // Plain tfjs, given just the two files' contents, reads them too.
    const weights = await readFile(join(dir, 'weights.bin'));
    const stock = await tfl.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: new Uint8Array(weights).buffer }),
    );
    await expectSamePredictions(model, stock);
  });

  it('overwrites an existing model directory in place, leaving no temporary files', async () => {
    const dir = join(root, 'over');
    await saveModel(createModel('lenet300', { seed: 1 }), dir);
    await writeFile(join(dir, 'notes.txt'), 'kept');
    const second = createModel('seedStudent', { seed: 2 });
    await saveModel(second, dir);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'notes.txt', 'weights.bin']);
    expect((await readdir(root)).filter((f) => f.startsWith('.'))).toEqual([]);
    await expectSamePredictions(second, await loadModel(dir));
  });

  it('explains missing, corrupt and mismatched files', async () => {
    await expect(loadModel(join(root, 'nope'))).rejects.toThrow(/no model at .*nope: the directory does not exist/);
    const dir = join(root, 'bad');
    await saveModel(createModel('lenet300'), dir);
    const goodJson = await readFile(join(dir, 'model.json'), 'utf8');

    await truncate(join(dir, 'weights.bin'), 100);
    await expect(loadModel(dir)).rejects.toThrow(/weight files hold 100 bytes but model.json describes 1066440/);
    await rm(join(dir, 'weights.bin'));
    await expect(loadModel(dir)).rejects.toThrow(/weights file not found: .*weights.bin/);

    await writeFile(join(dir, 'model.json'), goodJson.slice(0, 50));
    await expect(loadModel(dir)).rejects.toThrow(/model.json is not valid JSON/);
    await writeFile(join(dir, 'model.json'), '{"format": "layers-model"}');
    await expect(loadModel(dir)).rejects.toThrow(/has no modelTopology/);
    const hostile = JSON.parse(goodJson);
    hostile.weightsManifest[0].paths = ['../../etc/passwd'];
    await writeFile(join(dir, 'model.json'), JSON.stringify(hostile));
    await expect(loadModel(dir)).rejects.toThrow(/points outside the model directory/);
    await rm(join(dir, 'model.json'));
    await expect(loadModel(dir)).rejects.toThrow(/model file not found/);

    await writeFile(join(root, 'afile'), 'x');
    await expect(loadModel(join(root, 'afile'))).rejects.toThrow(/is not a model directory/);
    await expect(saveModel(createModel('lenet300'), join(root, 'afile'))).rejects.toThrow(/is not a directory/);
  });
});
