import type * as tfl from '@tensorflow/tfjs-layers';
import type { ResolvedSoftTargetOptions, Teacher } from '@lite/core';
import { type TrainPlan, tappedPlan } from '../plan.js';
import { embeddingLayer, teacherLayers } from '../taps.js';
import { type RelationOptions, relationLoss, relationWeights } from './rkd.js';

/** Relation distillation: the soft-target loss plus the RKD distance and angle losses on one layer's embeddings. */
export function rkdPlan(student: tfl.LayersModel, teacher: Teacher, relation: RelationOptions, soft: ResolvedSoftTargetOptions): TrainPlan {
  const weights = relationWeights(relation);
  const layers = teacherLayers(teacher);
  const names = relation.layers ?? { student: embeddingLayer(student), teacher: embeddingLayer(layers) };
  return tappedPlan(student, layers, { student: [names.student], teacher: [names.teacher] }, soft,
    (s, t) => relationLoss(s[0], t[0], weights), () => {
      if (layers !== teacher) layers.dispose();
    });
}
