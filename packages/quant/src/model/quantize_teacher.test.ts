import { LiteModel, liteAccuracy, loadMnist, seedCnn, silentProgress, takeSamples, train, useBestBackend, type DataSplit } from '@lite/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { quantize } from './quantize.js';

// QAT with a teacher: core's soft-target distillation loss is the fine-tuning loss.

let data: DataSplit;
let model: tfl.LayersModel;

beforeAll(async () => {
  await useBestBackend(() => {});
  data = await loadMnist();
  model = seedCnn({ seed: 0 });
  await train(model, data.train, { epochs: 2, optimizer: 'adam', progress: silentProgress });
}, 60_000);

describe('quantize(..., { teacher })', () => {
  it('qat distils from the teacher: the teacher runs on every batch, the result differs from plain QAT and stays accurate', async () => {
    const small = takeSamples(data.train, 512);
    let calls = 0;
    // A teacher that counts its forward passes (a plain functional copy of the fp32 model).
    const teacher = tfl.model({ inputs: model.inputs, outputs: model.outputs });
    const apply = teacher.apply.bind(teacher);
    teacher.apply = (...args: Parameters<typeof apply>) => {
      calls++;
      return apply(...args);
    };
    const base = { mode: 'qat' as const, bits: 4, epochs: 1, data: small, progress: silentProgress };
    const plain = await quantize(model, base);
    const taught = await quantize(model, { ...base, teacher, temperature: 4, alpha: 0.7 });
    expect(calls).toBe(Math.ceil(512 / 64));
    const kernel = (r: typeof plain) => r.graph.tensors.get([...r.graph.tensors.keys()][0])!;
    expect(kernel(taught)).not.toEqual(kernel(plain));
    const fp32 = liteAccuracy(LiteModel.fromLayersModel(model), data.test);
    expect(fp32 - liteAccuracy(taught.model, data.test)).toBeLessThan(0.03);
  }, 60_000);

  it('teacher options are checked: only for qat, a real model, sane temperature and alpha', async () => {
    await expect(quantize(model, { mode: 'dynamic', teacher: model })).rejects.toThrow(/mode 'dynamic' does not train/);
    await expect(quantize(model, { mode: 'qat', data: data.train, teacher: {} as never })).rejects.toThrow(/tf.LayersModel or a LiteModel/);
    await expect(quantize(model, { mode: 'qat', data: data.train, teacher: model, temperature: 0 })).rejects.toThrow(/temperature must be a positive number/);
    await expect(quantize(model, { mode: 'qat', data: data.train, alpha: 0.5 })).rejects.toThrow(/pass options.teacher too/);
  });
});
