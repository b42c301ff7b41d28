import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ResolvedSoftTargetOptions, Teacher } from '@lite/core';
import { type TrainPlan, tappedPlan } from '../plan.js';
import { teacherLayers } from '../taps.js';
import { type FeatureOptions, hintLoss, planHints } from './hints.js';

/**
 * FitNets-style distillation: the soft-target loss plus β × the hint losses of the
 * chosen layer pairs (L2 on adapted features, or attention transfer). Student and
 * adapters train together in one stage.
 */
export function fitnetsPlan(student: tfl.LayersModel, teacher: Teacher, features: FeatureOptions, soft: ResolvedSoftTargetOptions, seed: number): TrainPlan {
  const layers = teacherLayers(teacher);
  const pairs = planHints(student, layers, features, seed);
  const weight = features.weight ?? 1;
  const attention = features.attention === true;
  const taps = { student: pairs.map((p) => p.pair.student), teacher: pairs.map((p) => p.pair.teacher), adapters: pairs.map((p) => p.adapter) };
  return tappedPlan(student, layers, taps, soft, (s, t) => tf.mul(hintLoss(s, t, attention), weight) as tf.Scalar, () => {
    for (const p of pairs) p.adapter?.dispose();
    if (layers !== teacher) layers.dispose();
  });
}
