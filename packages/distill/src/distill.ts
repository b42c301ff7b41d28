import type * as tfl from '@tensorflow/tfjs-layers';
import { type Dataset, type Teacher, type TrainHistory, consoleProgress, evaluate, train } from '@lite/core';
import { fitnetsPlan } from './feature/plan.js';
import { kdPlan } from './kd/index.js';
import { multiPlan } from './multi/plan.js';
import { teacherAccuracy, teacherWeights } from './multi/weights.js';
import { type DistillOptions, type ResolvedDistillOptions, resolveDistillOptions } from './options.js';
import type { TrainPlan } from './plan.js';
import { rkdPlan } from './relation/plan.js';
import type { DistillReport } from './report.js';
import { bornAgain } from './self/born_again.js';
import { studentFactory } from './student.js';

/** What {@link distill} returns. */
export interface DistillResult {
  /** The trained student (the caller's model when one was given; for 'self', the last generation). */
  student: tfl.LayersModel;
  history: TrainHistory;
  report: DistillReport;
}

async function accuracyOn(model: tfl.LayersModel, data: Dataset | undefined): Promise<number | undefined> {
  return data ? (await evaluate(model, data)).accuracy : undefined;
}

/**
 * Distils a teacher into a student with core's trainer (call core's
 * `useBestBackend()` first for the native kernels):
 *
 * - `kd`: α·T²·KL(softmax(t/T) ‖ softmax(s/T)) (averaged per sample) + (1 − α)·CE.
 * - `fitnets`: kd + β·hint losses on `features.pairs` (learned 1×1-conv / dense adapters
 *   where shapes differ; `features.attention` for attention transfer).
 * - `rkd`: kd + RKD distance and angle losses on an embedding layer.
 * - `multi`: kd against the weighted mixture of several teachers' soft targets.
 * - `self`: born-again generations of the student's architecture.
 *
 * Teachers (tf.LayersModel or LiteModel) run without gradient. With
 * `compareBaseline`, a copy of the student (same initial weights, recipe and seed)
 * is also trained alone and the report gives both accuracies (needs `validation`).
 * Bad options throw a TypeError/RangeError naming the option before any training.
 */
export async function distill(options: DistillOptions): Promise<DistillResult> {
  const o = resolveDistillOptions(options);
  if (o.compareBaseline && !o.validation) throw new TypeError('compareBaseline compares accuracies: pass options.validation (held-out data)');
  const soft = { temperature: o.temperature, alpha: o.alpha };
  const progress = o.progress ?? consoleProgress();
  const factory = await studentFactory(o.student, o.recipe.seed);
  const trainRun = (plan: TrainPlan | null, student: tfl.LayersModel) =>
    train(plan?.model ?? student, o.data, { ...o.recipe, validation: o.validation, progress, hooks: plan ? { loss: plan.loss, ...(plan.forward ? { forward: plan.forward } : {}) } : {} });
  const report: DistillReport = { method: o.method, temperature: o.temperature, alpha: o.alpha, epochs: o.recipe.epochs, seed: o.recipe.seed, seconds: 0 };
  try {
    if (o.validation) {
      report.teacherAccuracy = [];
      for (const t of o.teachers) report.teacherAccuracy.push(await teacherAccuracy(t, o.validation));
    }
    let weights: number[] = [];
    if (o.method === 'multi') {
      weights = (await teacherWeights(o.teachers, o.teacherWeights ?? 'accuracy', o.validation)).weights;
      report.teacherWeights = weights;
    }
    const makePlan = (student: tfl.LayersModel, teacher: Teacher): TrainPlan => {
      switch (o.method) {
        case 'fitnets':
          return fitnetsPlan(student, teacher, o.features!, soft, o.recipe.seed);
        case 'rkd':
          return rkdPlan(student, teacher, o.relation ?? {}, soft);
        case 'multi':
          return multiPlan(student, o.teachers, weights, soft);
        default:
          return kdPlan(student, teacher, soft);
      }
    };
    const started = performance.now();
    let student: tfl.LayersModel;
    let history: TrainHistory;
    if (o.method === 'self') {
      const owned = (m: tfl.LayersModel) => m === o.student;
      const result = await bornAgain(
        {
          first: factory.first(),
          fresh: (g) => factory.fresh(g),
          accuracy: (m) => accuracyOn(m, o.validation),
          owned,
          async train(s, teacher) {
            const plan = teacher ? kdPlan(s, teacher, soft) : null;
            try {
              return await trainRun(plan, s);
            } finally {
              plan?.dispose();
            }
          },
        },
        o.generations,
        o.teachers[0] ?? null,
      );
      student = result.student;
      history = result.generations.at(-1)!.history;
      report.generations = result.generations.map((g) => ({ generation: g.generation, accuracy: g.accuracy }));
    } else {
      student = factory.first();
      const plan = makePlan(student, o.teachers[0]);
      try {
        history = await trainRun(plan, student);
      } finally {
        plan.dispose();
      }
    }
    report.seconds = (performance.now() - started) / 1000;
    report.studentAccuracy = await accuracyOn(student, o.validation);
    if (o.compareBaseline) {
      const alone = o.method === 'self' && o.teachers.length === 0 ? report.generations?.[0] : undefined;
      if (alone) {
        report.baselineAccuracy = alone.accuracy;
      } else {
        const baseline = await factory.fresh(0);
        const t0 = performance.now();
        try {
          await trainRun(null, baseline);
          report.baselineSeconds = (performance.now() - t0) / 1000;
          report.baselineAccuracy = await accuracyOn(baseline, o.validation);
        } finally {
          baseline.dispose();
        }
      }
      report.gainPoints = 100 * (report.studentAccuracy! - report.baselineAccuracy!);
    }
    return { student, history, report };
  } finally {
    factory.dispose();
  }
}
