// The .lite graphs the runtime benchmarks run: a model converted (BatchNormalization
// folded) and stored with fp32 or f16 weights, or quantized to int8 by @lite/quant.
import type * as tfl from '@tensorflow/tfjs-layers';
import { fromLayersModel, loadMnist, reencodeGraph, type LiteGraph } from '@lite/core';
import { quantize } from '@lite/quant';
import type { LatencyModelName } from './models.js';

export type RuntimeEncoding = 'f32' | 'f16' | 'int8-static' | 'int8-dynamic';

/** MNIST training images the static int8 seedCnn is calibrated on (two of quantize's 128-image batches). */
export const CALIBRATION_SAMPLES = 256;

/**
 * Why a model is not measured in an encoding, or null when it is. Static int8
 * calibrates on samples of the model's input; the suite has real ones (MNIST)
 * only for seedCnn.
 */
export function unsupported(model: LatencyModelName, encoding: RuntimeEncoding): string | null {
  return encoding === 'int8-static' && model !== 'seedCnn'
    ? "static int8 calibrates on real samples of the model's input; the suite has none for this synthetic 96×96×3 model"
    : null;
}

/** The graph of `model` (built by buildModel(`name`)) in `encoding`. */
export async function runtimeGraph(model: tfl.LayersModel, name: LatencyModelName, encoding: RuntimeEncoding): Promise<LiteGraph> {
  const why = unsupported(name, encoding);
  if (why) throw new Error(`${name} ${encoding}: ${why}`);
  switch (encoding) {
    case 'f32':
      return fromLayersModel(model);
    case 'f16':
      return reencodeGraph(fromLayersModel(model), 'f16').graph;
    case 'int8-dynamic':
      return (await quantize(model, { mode: 'dynamic' })).graph;
    case 'int8-static': {
      const { train } = await loadMnist();
      return (await quantize(model, { mode: 'static', data: train, calibSamples: CALIBRATION_SAMPLES })).graph;
    }
  }
}
