import type * as tfl from '@tensorflow/tfjs-layers';
import type { ForwardFn, LossFn } from '@lite/core';

/** How one method trains a student with core's `train`. */
export interface TrainPlan {
  /** The model `train` optimizes: the student, or a tap over it with learned adapters. */
  model: tfl.LayersModel;
  forward?: ForwardFn;
  loss: LossFn;
  /** Frees what the plan made (adapters, taps); the student stays. */
  dispose(): void;
}
