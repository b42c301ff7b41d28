import { LiteModel, SampleBatches, type ActivationQuant, type Dataset, type LiteGraph, type ProgressSink } from '@lite/core';
import { createObserver, type CalibrationMethod } from '../calibrate/index.js';
import { activationQuant } from './activation_params.js';
import { quantTargets } from './targets.js';

/** Options of {@link calibrateActivations}. */
export interface CalibrateOptions {
  /** How a layer's input range is chosen from what it saw (default 'minmax'). */
  method?: CalibrationMethod;
  /** Samples of `data` to run (default 512; at most data.count). */
  samples?: number;
  batchSize?: number;
  progress?: ProgressSink;
}

/**
 * Runs `samples` samples of `data` (shaped as the graph's input: MNIST images
 * or any other) through the fp32 graph and returns, for every
 * conv, depthwise and dense node (the runtime's uint8 flow runs depthwise
 * layers on uint8 inputs with it), the uint8 quantization of its input that `method`
 * chooses from the values it saw (min-max for a layer that reads the graph's input).
 */
export function calibrateActivations(graph: LiteGraph, data: Dataset, options: CalibrateOptions = {}): Map<string, ActivationQuant> {
  const method = options.method ?? 'minmax';
  const samples = Math.min(options.samples ?? 512, data.count);
  const batchSize = options.batchSize ?? 128;
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`calibration needs at least one sample, got ${options.samples} (of ${data.count})`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const targets = quantTargets(graph);
  // One observer per distinct input value (several layers may read one value).
  const sources = [...new Set(targets.map((t) => t.node.input))];
  // A graph input is data, not an activation: its range is the data's own (min-max).
  // Clipping calibrators are built for activations; on an input they can cut off what the
  // model reads (on MNIST, KL's symmetric threshold lands on the background's spike,
  // [−0.42, 0.42], and clips every stroke).
  const graphInputs = new Set(graph.nodes.filter((n) => n.op === 'input').map((n) => n.name));
  const observers = new Map(sources.map((s) => [s, createObserver(graphInputs.has(s) ? 'minmax' : method)]));
  const probe = LiteModel.fromGraph({ ...graph, outputs: sources });
  const inputs = new SampleBatches(probe, data);
  const batches = Math.ceil(samples / batchSize);
  for (let b = 0; b < batches; b++) {
    const start = b * batchSize;
    const n = Math.min(batchSize, samples - start);
    const values = probe.predict([inputs.batch(start, n)]);
    sources.forEach((s, i) => observers.get(s)!.observe(values[i].data));
    options.progress?.task?.({ label: 'calibrating', done: b + 1, total: batches, detail: `${start + n} samples, ${method}` });
  }
  const ranges = new Map(sources.map((s) => [s, activationQuant(observers.get(s)!.range())]));
  return new Map(targets.map((t) => [t.node.name, ranges.get(t.node.input)!]));
}
