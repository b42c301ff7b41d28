import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type SoftTargetOptions, type Teacher, distillationLoss, softLogProbs } from '@lite/core';
import type { TrainPlan } from '../plan.js';
import { embeddingLayer, tapStudent, tapTeacher, teacherLayers } from '../taps.js';
import { type RelationOptions, relationLoss, relationWeights } from './rkd.js';

/** Relation distillation: the soft-target loss plus the RKD distance and angle losses on one layer's embeddings. */
export function rkdPlan(student: tfl.LayersModel, teacher: Teacher, relation: RelationOptions, soft: Required<SoftTargetOptions>): TrainPlan {
  const weights = relationWeights(relation);
  const layers = teacherLayers(teacher);
  const names = relation.layers ?? { student: embeddingLayer(student), teacher: embeddingLayer(layers) };
  const tap = tapStudent(student, [names.student]);
  const runTeacher = tapTeacher(layers, [names.teacher]);
  return {
    model: tap.model,
    forward: tap.forward,
    loss: (labels, logits, inputs) => {
      const t = runTeacher(inputs);
      const kd = distillationLoss(labels, logits, softLogProbs(t.logits, soft.temperature), soft);
      return tf.add(kd, relationLoss(tap.features()[0], t.features[0], weights)) as tf.Scalar;
    },
    dispose: () => {
      if (layers !== teacher) layers.dispose();
    },
  };
}
