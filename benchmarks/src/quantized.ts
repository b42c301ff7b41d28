// The .lite graphs the runtime benchmarks run: a model converted (BatchNormalization
// folded) and stored with fp32 or f16 weights, or quantized to int8 by @lite/quant.
import type * as tfl from '@tensorflow/tfjs-layers';
import { createRng, fromLayersModel, loadMnist, reencodeGraph, type Dataset, type LiteGraph } from '@lite/core';
import { quantize } from '@lite/quant';
import { MOBILENET_INPUT, type LatencyModelName } from './models.js';

export type RuntimeEncoding = 'f32' | 'f16' | 'int8-static' | 'int8-dynamic';

/** MNIST training images the static int8 seedCnn is calibrated on (two of quantize's 128-image batches). */
export const CALIBRATION_SAMPLES = 256;

/**
 * Uniform [0, 1) samples the static int8 MobileNetV2-style model is calibrated
 * on, as the PyTorch peer calibrates its int8 models (4 batches of 32): the
 * suite has no real images for this synthetic 96×96×3 model.
 */
export const UNIFORM_CALIBRATION_SAMPLES = 128;

/** `count` uniform [0, 1) samples of `shape` (their own seed: not the benchmark's inputs). */
function uniformSamples(shape: readonly number[], count: number): Dataset {
  const rng = createRng(2024);
  const images = Float32Array.from({ length: count * shape.reduce((a, b) => a * b, 1) }, () => rng.next());
  return { images, labels: new Uint8Array(count), count };
}

/** How the static int8 models are calibrated (for the report's notes). */
export const STATIC_CALIBRATION_NOTE =
  `static int8: quantize(model, { mode: 'static', data, calibSamples }) (minmax), seedCnn on ${CALIBRATION_SAMPLES} MNIST training images (loadMnist().train), ` +
  `MobileNetV2-style on ${UNIFORM_CALIBRATION_SAMPLES} uniform [0, 1) inputs of its 96×96×3 shape (as the PyTorch peer calibrates: the suite has no real images for this synthetic model); ` +
  "the runtime then keeps activations uint8 between int8 layers (requantized in each layer's epilogue); dynamic: quantize(model, { mode: 'dynamic' })";

/** Why a model is not measured in an encoding, or null when it is (every model is, now). */
export function unsupported(model: LatencyModelName, encoding: RuntimeEncoding): string | null {
  return null;
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
      const data = name === 'seedCnn' ? (await loadMnist()).train : uniformSamples(MOBILENET_INPUT, UNIFORM_CALIBRATION_SAMPLES);
      const calibSamples = name === 'seedCnn' ? CALIBRATION_SAMPLES : UNIFORM_CALIBRATION_SAMPLES;
      return (await quantize(model, { mode: 'static', data, calibSamples })).graph;
    }
  }
}
