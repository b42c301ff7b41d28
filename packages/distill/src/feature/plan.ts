import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type SoftTargetOptions, type Teacher, distillationLoss, softLogProbs } from '@lite/core';
import type { TrainPlan } from '../plan.js';
import { tapStudent, tapTeacher, teacherLayers } from '../taps.js';
import { type FeatureOptions, hintLoss, planHints } from './hints.js';

/**
 * FitNets-style distillation: the soft-target loss plus β × the hint losses of the
 * chosen layer pairs (L2 on adapted features, or attention transfer). Student and
 * adapters train together in one stage.
 */
export function fitnetsPlan(student: tfl.LayersModel, teacher: Teacher, features: FeatureOptions, soft: Required<SoftTargetOptions>, seed: number): TrainPlan {
  const layers = teacherLayers(teacher);
  const pairs = planHints(student, layers, features, seed);
  const weight = features.weight ?? 1;
  const attention = features.attention === true;
  const tap = tapStudent(student, pairs.map((p) => p.pair.student), pairs.map((p) => p.adapter));
  const runTeacher = tapTeacher(layers, pairs.map((p) => p.pair.teacher));
  return {
    model: tap.model,
    forward: tap.forward,
    loss: (labels, logits, inputs) => {
      const t = runTeacher(inputs);
      const kd = distillationLoss(labels, logits, softLogProbs(t.logits, soft.temperature), soft);
      return tf.add(kd, tf.mul(hintLoss(tap.features(), t.features, attention), weight)) as tf.Scalar;
    },
    dispose: () => {
      for (const p of pairs) p.adapter?.dispose();
      if (layers !== teacher) layers.dispose();
    },
  };
}
