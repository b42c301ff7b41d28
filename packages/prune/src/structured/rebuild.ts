/**
 * Builds the smaller model: the same topology with fewer Conv2D filters / Dense units,
 * and every weight sliced to the kept channels along the axes that hold them (conv
 * kernels' input and output channels, Dense rows — at every flattened position — and
 * columns, biases, BatchNormalization's four vectors, depthwise kernels and biases).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type ChannelSpaces, layoutChannels, type Layout, type LayerRole } from './topology.js';

/** Kept channels per pruned group root (groups not listed keep all). */
export type KeptChannels = Map<number, Int32Array>;

/** The kept indices of an axis holding `layout`, or undefined when it keeps them all. */
export function keptIndices(spaces: ChannelSpaces, layout: Layout, kept: KeptChannels): Int32Array | undefined {
  if (!layout.segments.some((id) => kept.has(spaces.find(id)))) return undefined;
  const c = layoutChannels(spaces, layout);
  const out: number[] = [];
  for (let p = 0; p < layout.positions; p++) {
    let offset = 0;
    for (const id of layout.segments) {
      const size = spaces.size(id);
      const k = kept.get(spaces.find(id));
      if (k) for (const ch of k) out.push(p * c + offset + ch);
      else for (let ch = 0; ch < size; ch++) out.push(p * c + offset + ch);
      offset += size;
    }
  }
  return Int32Array.from(out);
}

/** Which layout each axis of each weight of a layer holds (axis → layout), by weight rank. */
function weightAxes(role: LayerRole, rank: number): Map<number, Layout> {
  const input = role.inputs[0];
  switch (role.kind) {
    case 'conv':
      return rank === 4 ? new Map([[2, input], [3, role.output]]) : new Map([[0, role.output]]);
    case 'dense':
      return rank === 2 ? new Map([[0, input], [1, role.output]]) : new Map([[0, role.output]]);
    case 'depthwise':
      return rank === 4 ? new Map([[2, input]]) : new Map([[0, input]]);
    case 'batchNorm':
      return new Map([[0, input]]);
    default:
      return new Map();
  }
}

/** A layer's weights sliced to the kept channels (new tensors; the caller disposes them). */
function slicedWeights(role: LayerRole, spaces: ChannelSpaces, kept: KeptChannels): tf.Tensor[] {
  return role.layer.getWeights().map((w) =>
    tf.tidy(() => {
      let t: tf.Tensor = w;
      for (const [axis, layout] of weightAxes(role, w.rank)) {
        const idx = keptIndices(spaces, layout, kept);
        if (idx) t = tf.gather(t, tf.tensor1d(idx, 'int32'), axis);
      }
      return t === w ? tf.clone(w) : t;
    }),
  );
}

/** The model's topology JSON with the new filter / unit counts of the pruned producers. */
function shrunkTopology(model: tfl.LayersModel, counts: Map<string, number>): object {
  const topology = model.toJSON(undefined, false) as unknown as { config: { layers: { config: Record<string, unknown> }[] } };
  for (const entry of topology.config.layers) {
    const n = counts.get(entry.config.name as string);
    if (n === undefined) continue;
    if ('filters' in entry.config) entry.config.filters = n;
    else entry.config.units = n;
  }
  return topology;
}

/**
 * The pruned model: `model`'s topology (Sequential or functional) with the producers
 * of pruned groups shrunk, its weights sliced. The original is not modified.
 */
export async function rebuildModel(model: tfl.LayersModel, roles: Map<string, LayerRole>, spaces: ChannelSpaces, kept: KeptChannels): Promise<tfl.LayersModel> {
  const counts = new Map<string, number>();
  for (const role of roles.values()) {
    if (role.produces === undefined) continue;
    const k = kept.get(spaces.find(role.produces));
    if (k) counts.set(role.layer.name, k.length);
  }
  const topology = shrunkTopology(model, counts);
  const pruned = await tfl.models.modelFromJSON({ modelTopology: topology } as Parameters<typeof tfl.models.modelFromJSON>[0]);
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const weights = slicedWeights(roles.get(layer.name)!, spaces, kept);
    try {
      pruned.getLayer(layer.name).setWeights(weights);
    } finally {
      tf.dispose(weights);
    }
  }
  return pruned;
}
