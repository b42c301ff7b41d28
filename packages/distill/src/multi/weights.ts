import * as tf from '@tensorflow/tfjs-core';
import { type Dataset, type Teacher, evaluate, softLogProbs, teacherLogits } from '@lite/core';

/** A teacher's accuracy on `data` (a LiteModel runs on the .lite runtime). */
export async function teacherAccuracy(teacher: Teacher, data: Dataset): Promise<number> {
  // evaluate reads the model only through `forward`.
  const result = await evaluate(undefined as unknown as Parameters<typeof evaluate>[0], data, { forward: (_, xs) => teacherLogits(teacher, xs) });
  return result.accuracy;
}

/**
 * The weight of each teacher, summing to 1: the given ones normalised, or (for
 * 'accuracy') proportional to each teacher's accuracy on `validation`.
 */
export async function teacherWeights(teachers: readonly Teacher[], given: number[] | 'accuracy', validation?: Dataset): Promise<{ weights: number[]; accuracies?: number[] }> {
  if (given !== 'accuracy') {
    if (given.length !== teachers.length) throw new RangeError(`teacherWeights has ${given.length} weights for ${teachers.length} teachers; give one per teacher`);
    const sum = given.reduce((a, b) => a + b, 0);
    if (!(sum > 0)) throw new RangeError('teacherWeights must not all be 0');
    return { weights: given.map((w) => w / sum) };
  }
  if (!validation) throw new TypeError("teacherWeights 'accuracy' measures each teacher: pass options.validation (held-out data), or give the weights");
  const accuracies: number[] = [];
  for (const t of teachers) accuracies.push(await teacherAccuracy(t, validation));
  const sum = accuracies.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) throw new RangeError('every teacher has accuracy 0 on the validation data; check the teachers and the data');
  return { weights: accuracies.map((a) => a / sum), accuracies };
}

/**
 * Soft targets of several teachers: log Σ_k w_k·softmax(t_k / T), computed in log
 * space (log-sum-exp), so it can go straight into core's `softTargetKl`.
 */
export function mixedSoftTargets(teachers: readonly Teacher[], weights: readonly number[], inputs: tf.Tensor4D, temperature: number): tf.Tensor2D {
  return tf.tidy(() => {
    const parts = teachers.map((t, k) => tf.add(softLogProbs(teacherLogits(t, inputs), temperature), Math.log(Math.max(weights[k], 1e-30))));
    return tf.logSumExp(tf.stack(parts), 0) as tf.Tensor2D;
  });
}
