import type * as tfl from '@tensorflow/tfjs-layers';
import { type SoftTargetOptions, type Teacher, softTargetLoss } from '@lite/core';
import type { TrainPlan } from '../plan.js';

// Hinton's soft-target loss lives in @lite/core (pruning and QAT use it too); re-exported here.
export {
  DEFAULT_SOFT_TARGET,
  distillationLoss,
  resolveSoftTargetOptions,
  softLogProbs,
  softTargetKl,
  softTargetLoss,
  teacherLogits,
  withoutGradient,
  type ResolvedSoftTargetOptions,
  type SoftTargetOptions,
  type Teacher,
} from '@lite/core';

/** Soft-target distillation of `student` from `teacher`. */
export function kdPlan(student: tfl.LayersModel, teacher: Teacher, options: SoftTargetOptions): TrainPlan {
  return { model: student, loss: softTargetLoss(teacher, options), dispose: () => {} };
}
