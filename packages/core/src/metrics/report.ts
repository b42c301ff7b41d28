import type * as tfl from '@tensorflow/tfjs-layers';
import { layerMacs } from './macs.js';
import { layerSize } from './size.js';

/** Size and compute of one layer. */
export interface LayerMetrics {
  name: string;
  /** tfjs class name, e.g. 'Conv2D'. */
  className: string;
  /** Output shape per sample (without the batch dimension). */
  outputShape: number[];
  params: number;
  /** Weight bytes as stored (fp32: 4 per parameter). */
  bytes: number;
  /** Multiply-accumulates per sample. */
  macs: number;
}

/** Size and compute of a model: totals and one entry per layer. */
export interface ModelMetrics {
  params: number;
  bytes: number;
  /** Multiply-accumulates per sample. */
  macs: number;
  layers: LayerMetrics[];
}

/** Counts parameters, fp32 weight bytes and MACs per sample, per layer and in total. */
export function modelMetrics(model: tfl.LayersModel): ModelMetrics {
  const layers = model.layers.map((layer): LayerMetrics => {
    const shape = layer.outputShape;
    const outputShape = Array.isArray(shape[0]) ? [] : (shape as (number | null)[]).slice(1).map((d) => d ?? -1);
    return { name: layer.name, className: layer.getClassName(), outputShape, ...layerSize(layer), macs: layerMacs(layer) };
  });
  const sum = (key: 'params' | 'bytes' | 'macs') => layers.reduce((s, l) => s + l[key], 0);
  return { params: sum('params'), bytes: sum('bytes'), macs: sum('macs'), layers };
}
