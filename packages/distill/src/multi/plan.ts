import type * as tfl from '@tensorflow/tfjs-layers';
import { type ResolvedSoftTargetOptions, type Teacher, distillationLoss } from '@lite/core';
import type { TrainPlan } from '../plan.js';
import { mixedSoftTargets } from './weights.js';

/** Multi-teacher distillation: the soft-target loss against the weighted mixture of the teachers' soft targets. */
export function multiPlan(student: tfl.LayersModel, teachers: readonly Teacher[], weights: readonly number[], soft: ResolvedSoftTargetOptions): TrainPlan {
  return {
    model: student,
    loss: (labels, logits, inputs) => distillationLoss(labels, logits, mixedSoftTargets(teachers, weights, inputs, soft.temperature), soft),
    dispose: () => {},
  };
}
