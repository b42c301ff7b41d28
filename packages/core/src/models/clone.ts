import * as tfl from '@tensorflow/tfjs-layers';

/**
 * An independent copy of a Layers model: same topology (layer names, BatchNormalization
 * and all) and the same weight values in new variables, so changing the copy leaves
 * the original untouched. Unlike a round trip through a LiteGraph, nothing is folded.
 */
export async function cloneModel(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  const topology = model.toJSON(undefined, false) as unknown as Parameters<typeof tfl.models.modelFromJSON>[0];
  const copy = await tfl.models.modelFromJSON({ modelTopology: topology } as Parameters<typeof tfl.models.modelFromJSON>[0]);
  const weights = model.getWeights();
  copy.setWeights(weights);
  // getWeights returns the variables' own tensors (reads): nothing to dispose.
  if (copy.getWeights().length !== weights.length) throw new Error('cloneModel: the copy has a different number of weights');
  return copy;
}
