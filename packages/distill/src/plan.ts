import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type ForwardFn, type LossFn, type ResolvedSoftTargetOptions, distillationLoss, softLogProbs } from '@lite/core';
import { tapStudent, tapTeacher } from './taps.js';

/** How one method trains a student with core's `train`. */
export interface TrainPlan {
  /** The model `train` optimizes: the student, or a tap over it with learned adapters. */
  model: tfl.LayersModel;
  forward?: ForwardFn;
  loss: LossFn;
  /** Frees what the plan made (adapters, taps); the student stays. */
  dispose(): void;
}

/** Which layers a feature-level method taps, on each side, and the student's adapters (if any). */
export interface Taps {
  student: readonly string[];
  teacher: readonly string[];
  adapters?: readonly (tfl.layers.Layer | null)[];
}

/**
 * A plan whose loss is the soft-target loss plus `extra` on the tapped student
 * and teacher features (FitNets hints, RKD relations); `dispose` frees what the
 * method made besides the taps.
 */
export function tappedPlan(student: tfl.LayersModel, teacher: tfl.LayersModel, taps: Taps, soft: ResolvedSoftTargetOptions,
  extra: (studentFeatures: tf.Tensor[], teacherFeatures: tf.Tensor[]) => tf.Scalar, dispose: () => void): TrainPlan {
  const tap = tapStudent(student, taps.student, taps.adapters);
  const runTeacher = tapTeacher(teacher, taps.teacher);
  return {
    model: tap.model,
    forward: tap.forward,
    loss: (labels, logits, inputs) => {
      const t = runTeacher(inputs);
      const kd = distillationLoss(labels, logits, softLogProbs(t.logits, soft.temperature), soft);
      return tf.add(kd, extra(tap.features(), t.features)) as tf.Scalar;
    },
    dispose,
  };
}
