/**
 * `quantize(model, { mode: 'binary' | 'ternary' })`: plan the layers, build the
 * trainable network (BN inserted for binary), train with Adam on latent weights,
 * export with binary/ternary kernels.
 */
import type { Dataset, LiteGraph, ProgressSink } from '@lite/core';
import { binaryGraph } from './convert.js';
import { buildNetwork, chainTargets, planLayers, type BinaryLayerFormat } from './network.js';
import type { ActivationQuantizer } from './quantizers.js';
import { trainBinary } from './train.js';

/** What binary/ternary quantization needs from quantize's options. */
export interface BinaryQuantizeOptions {
  mode: 'binary' | 'ternary';
  data: Dataset;
  epochs: number;
  learningRate?: number;
  seed: number;
  /** Per-layer weight format (default: first and last int8, hidden layers `mode`). */
  layers?: Readonly<Record<string, BinaryLayerFormat>>;
  activationQuantizer?: ActivationQuantizer;
  validation?: Dataset;
  progress?: ProgressSink;
}

/** Trains and converts; the input graph is not modified. */
export async function binaryQuantizeGraph(graph: LiteGraph, o: BinaryQuantizeOptions): Promise<LiteGraph> {
  const plans = planLayers(chainTargets(graph), o.mode, o.layers);
  const model = buildNetwork(graph, plans);
  try {
    if (o.epochs > 0) {
      await trainBinary(model, o.data, plans, {
        epochs: o.epochs, learningRate: o.learningRate, seed: o.seed, activationQuantizer: o.activationQuantizer, validation: o.validation, progress: o.progress,
      });
    }
    return binaryGraph(model, plans);
  } finally {
    model.dispose();
  }
}
