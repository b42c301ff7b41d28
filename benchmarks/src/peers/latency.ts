// Child process: predict latency of one model at one batch size on one engine.
//   runtime: @lite/core's LiteModel (the .lite runtime on native kernels), the model
//            converted, written as a .lite file (fp32 or f16 weights, or int8 from
//            @lite/quant's quantize, see ../quantized.ts) and loaded back;
//   tfjs:    tfjs-layers `model.predict` on the `lite`, `cpu` or `wasm` backend.
// The parent sets LITE_NUM_THREADS, which the addon reads once when it loads.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { LiteModel, encodeLite } from '@lite/core';
import native from '@lite/native';
import { benchInput, buildModel, type LatencyModelName } from '../models.js';
import { runtimeGraph, type RuntimeEncoding } from '../quantized.js';
import { readRequest } from './child.js';

export type LatencyEngine =
  | { kind: 'runtime'; encoding: RuntimeEncoding }
  | { kind: 'tfjs'; backend: 'lite' | 'cpu' | 'wasm' };

/**
 * How to time one engine on one case: warm-up calls (stopping early once they
 * have taken `maxWarmupSec`), then calls each timed alone until `runs` of them
 * or `maxSec` of timing, but at least `minRuns`.
 */
export interface LatencyProtocol {
  warmup: number;
  maxWarmupSec: number;
  runs: number;
  minRuns: number;
  maxSec: number;
}

export interface LatencyRequest {
  engine: LatencyEngine;
  model: LatencyModelName;
  batch: number;
  /** Samples actually run per call; below `batch`, times are scaled by batch / timedBatch. */
  timedBatch: number;
  protocol: LatencyProtocol;
}

export interface LatencyReply {
  info: Record<string, string | number | boolean>;
  /** Milliseconds per call at the full batch (scaled when timedBatch < batch), one per timed call. */
  msPerCall: number[];
  timedBatch: number;
  /** The first sample's outputs, to check that every engine computed the same function. */
  firstOutput: number[];
  /** Multiply-accumulates per sample (runtime engines: from the model's summary). */
  macsPerSample?: number;
}

const req = readRequest<LatencyRequest>();
const { engine } = req;
tf.env().set('PROD', true); // no "install tfjs-node" banner
// The runtime does not use tfjs kernels; build and convert its model on `cpu`.
const backend = engine.kind === 'tfjs' ? engine.backend : 'cpu';
if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
await tf.ready();

const { model, inputShape } = buildModel(req.model);
const shape = [req.timedBatch, ...inputShape];
const data = benchInput(inputShape, req.timedBatch);
const outputsPerSample = (model.outputs[0]!.shape.slice(1) as number[]).reduce((a, b) => a * b, 1);
const info: LatencyReply['info'] = {};
let predict: () => Float32Array;
let dispose: () => void;
let macsPerSample: number | undefined;

if (engine.kind === 'runtime') {
  const bytes = encodeLite(await runtimeGraph(model, req.model, engine.encoding));
  const lite = await LiteModel.load(bytes);
  model.dispose();
  Object.assign(info, { encoding: engine.encoding, fileBytes: bytes.length, isa: native.isa(), threads: native.numThreads() });
  macsPerSample = lite.summary().macs;
  const input = { data, shape };
  predict = () => lite.predict(input).data;
  dispose = () => {};
} else {
  const x = tf.tensor(data, shape, 'float32');
  Object.assign(info, { backend: tf.getBackend() });
  if (engine.backend === 'lite') Object.assign(info, { isa: native.isa(), threads: native.numThreads() });
  else info.threads = 1;
  if (engine.backend === 'wasm') info.simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  // The whole batch in one call (tfjs-layers would split it into batches of 32 by
  // default), and the output downloaded, as the runtime returns a Float32Array.
  predict = () => {
    const y = model.predict(x, { batchSize: req.timedBatch }) as tf.Tensor;
    const out = y.dataSync() as Float32Array;
    y.dispose();
    return out;
  };
  dispose = () => {
    x.dispose();
    model.dispose();
  };
}

const { warmup, maxWarmupSec, runs, minRuns, maxSec } = req.protocol;
const since = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
let firstOutput: number[] = [];
const warmStart = process.hrtime.bigint();
for (let i = 0; i < Math.max(1, warmup) && (i === 0 || since(warmStart) < maxWarmupSec); i++) {
  firstOutput = Array.from(predict().subarray(0, outputsPerSample));
}
const scale = req.batch / req.timedBatch;
const msPerCall: number[] = [];
const start = process.hrtime.bigint();
while (msPerCall.length < runs && (msPerCall.length < Math.max(1, minRuns) || since(start) < maxSec)) {
  const t0 = process.hrtime.bigint();
  predict();
  msPerCall.push(since(t0) * 1e3 * scale);
}
dispose();
const reply: LatencyReply = { info, msPerCall, timedBatch: req.timedBatch, firstOutput, ...(macsPerSample !== undefined ? { macsPerSample } : {}) };
process.stdout.write(JSON.stringify(reply));
