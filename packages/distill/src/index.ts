/**
 * @lite/distill: knowledge distillation for tf.js models — soft targets (Hinton),
 * feature hints (FitNets, attention transfer), relations (RKD), several teachers,
 * born-again self-distillation. The soft-target loss itself is @lite/core's
 * `softTargetLoss` (pruning and QAT take it as their fine-tuning loss); it is re-exported here.
 */
export { distill, type DistillResult } from './distill.js';
export { DISTILL_METHODS, resolveDistillOptions, type DistillMethod, type DistillOptions, type Recipe, type ResolvedDistillOptions, type StudentSpec } from './options.js';
export { formatReport, type DistillReport } from './report.js';
export * from './kd/index.js';
export { attentionLoss, attentionMap } from './feature/attention.js';
export { fitnetsPlan } from './feature/plan.js';
export { hintLoss, planHints, type FeatureOptions, type HintPair, type PairPlan } from './feature/hints.js';
export { pairwiseDistances, relationLoss, relationWeights, rkdAngleLoss, rkdDistanceLoss, tripletAngles, type RelationOptions } from './relation/rkd.js';
export { rkdPlan } from './relation/plan.js';
export { mixedSoftTargets, teacherAccuracy, teacherWeights } from './multi/weights.js';
export { multiPlan } from './multi/plan.js';
export { bornAgain, type BornAgainSteps, type Generation } from './self/born_again.js';
export { studentFactory, type StudentFactory } from './student.js';
export { embeddingLayer, tapStudent, tapTeacher, teacherLayers, type StudentTap } from './taps.js';
export type { TrainPlan } from './plan.js';
