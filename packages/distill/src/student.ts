import * as tfl from '@tensorflow/tfjs-layers';
import { createModel } from '@lite/core';
import type { StudentSpec } from './options.js';

/** Builds students: the caller's, and fresh ones of the same architecture. */
export interface StudentFactory {
  /** The student the caller asked for (their model itself, or generation 0 built from a name/builder). */
  first(): tfl.LayersModel;
  /** A new model of the same architecture with generation `generation`'s initial weights (0: the same as {@link first}'s). */
  fresh(generation: number): Promise<tfl.LayersModel>;
  /** Frees what the factory keeps (a copy of the initial weights). */
  dispose(): void;
}

/**
 * An independent copy of a Layers model (same topology and layer names, the same
 * weight values in new variables).
 */
export async function copyModel(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  type Json = Parameters<typeof tfl.models.modelFromJSON>[0];
  const copy = await tfl.models.modelFromJSON({ modelTopology: model.toJSON(undefined, false) } as unknown as Json);
  copy.setWeights(model.getWeights());
  return copy;
}

/**
 * The students of one run. A zoo name builds `createModel(name, { seed: seed + generation })`,
 * a builder is called with `seed + generation`; a given model is generation 0 and later
 * generations (and the baseline) start from copies of its initial weights.
 */
export async function studentFactory(spec: StudentSpec, seed: number): Promise<StudentFactory> {
  if (typeof spec === 'string' || typeof spec === 'function') {
    const build = (g: number): tfl.LayersModel => {
      const model = typeof spec === 'string' ? createModel(spec, { seed: seed + g }) : spec(seed + g);
      if (!(model instanceof tfl.LayersModel)) throw new TypeError('the student builder must return a tf.LayersModel');
      return model;
    };
    const first = build(0);
    return { first: () => first, fresh: async (g) => build(g), dispose: () => {} };
  }
  const initial = await copyModel(spec);
  return { first: () => spec, fresh: async () => copyModel(initial), dispose: () => initial.dispose() };
}
