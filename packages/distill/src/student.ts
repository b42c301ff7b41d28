import * as tfl from '@tensorflow/tfjs-layers';
import { cloneModel, createModel } from '@lite/core';
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
  const initial = await cloneModel(spec);
  return { first: () => spec, fresh: async () => cloneModel(initial), dispose: () => initial.dispose() };
}
