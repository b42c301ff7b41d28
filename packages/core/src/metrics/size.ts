import type * as tfl from '@tensorflow/tfjs-layers';

/** Bytes per element of each tfjs weight dtype. */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

/** Size of one layer: parameters and the bytes of its weights as stored (fp32 for float32). */
export interface LayerSize {
  params: number;
  bytes: number;
}

function product(shape: readonly (number | null)[]): number {
  return shape.reduce<number>((p, d) => p * (d ?? 1), 1);
}

/** Parameters and weight bytes of one layer (trainable and not). */
export function layerSize(layer: tfl.layers.Layer): LayerSize {
  let params = 0;
  let bytes = 0;
  for (const w of layer.weights) {
    const n = product(w.shape);
    params += n;
    bytes += n * (DTYPE_BYTES[w.dtype] ?? 4);
  }
  return { params, bytes };
}

/** Total parameters of a model. */
export function countParameters(model: tfl.LayersModel): number {
  return model.layers.reduce((sum, l) => sum + layerSize(l).params, 0);
}

/** Bytes of a model's weights stored uncompressed (4 per fp32 value). */
export function weightBytes(model: tfl.LayersModel): number {
  return model.layers.reduce((sum, l) => sum + layerSize(l).bytes, 0);
}
