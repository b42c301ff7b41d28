/**
 * Quantization-aware training: fine-tunes a Layers model while every Conv2D,
 * DepthwiseConv2D and Dense layer computes with fake-quantized kernels and a
 * fake-quantized input, so that the int8/int4 model it converts to keeps the
 * accuracy it was trained to.
 *
 * The model is left as it was built: during each hooked forward pass the target
 * layers' kernel variables are read through {@link fakeQuantizeWeight} and their
 * inputs go through {@link fakeQuantizeActivation}; both are undone in a `finally`,
 * so `model.predict` and saving see the plain fp32 model, and gradients reach the
 * real variables through the straight-through estimator.
 */
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  OPTIMIZER_NAMES,
  defaultForward,
  train,
  type Dataset,
  type ForwardFn,
  type LossFn,
  type OptimizerName,
  type ProgressSink,
  type TrainHistory,
} from '@lite/core';
import type { QuantBits, WeightLayout } from '../schemes/affine.js';
import { DEFAULT_RANGE_MOMENTUM, fakeQuantizeActivation, fakeQuantizeWeight } from './fake_quant.js';

/** Options of {@link createQatForward}. */
export interface QatForwardOptions {
  /** Weight bits: 8 (default) or 4. Weights are symmetric, narrow range. */
  bits?: QuantBits;
  /** One weight scale per output channel (default true); else one per kernel. */
  perChannel?: boolean;
  /** Bits of the layers' input activations (asymmetric, full range): 8 (default) or 4. */
  activationBits?: QuantBits;
  /** Momentum of the activation ranges' moving average, in [0, 1) (default 0.99). */
  rangeMomentum?: number;
  /** Activation ranges to start from (e.g. a previous run's); used and updated in place. */
  activationRanges?: Map<string, [number, number]>;
}

/** What {@link createQatForward} returns. */
export interface QatForward {
  /** A forward pass for core's `train`/`evaluate`: fake-quantized; ranges updated when `training`, frozen otherwise. */
  forward: ForwardFn;
  /** Input ranges of the target layers, keyed by layer name (filled in by training forwards). */
  activationRanges: Map<string, [number, number]>;
}

/** Options of {@link quantizationAwareTrain}. */
export interface QatOptions extends QatForwardOptions {
  /** Default 1. */
  epochs?: number;
  /** Default 64. */
  batchSize?: number;
  /** 'sgd' (default, momentum 0.5), 'adam', or your own tfjs optimizer (not disposed). */
  optimizer?: OptimizerName | tf.Optimizer;
  /** For a named optimizer: default 0.01 (SGD) or 0.001 (Adam). */
  learningRate?: number;
  /** Seeds each epoch's shuffle (default 0). */
  seed?: number;
  /** Evaluated (fake-quantized, frozen ranges) after each epoch into the history. */
  validation?: Dataset;
  /** Training loss instead of softmax cross-entropy (e.g. a distillation loss). */
  loss?: LossFn;
  /** Progress output: console (stderr) by default; pass core's `silentProgress` to silence. */
  progress?: ProgressSink;
}

/** What {@link quantizationAwareTrain} returns. */
export interface QatResult {
  history: TrainHistory;
  /** Input range of each Conv2D/DepthwiseConv2D/Dense layer, keyed by layer name (the node names of core's `fromLayersModel`). */
  activationRanges: Map<string, [number, number]>;
}

/** A layer QAT fake-quantizes, and where its kernel lives. */
interface QatLayer {
  layer: tfl.layers.Layer;
  kernelProperty: 'kernel' | 'depthwiseKernel';
  layout: WeightLayout;
}

const TARGETS: Readonly<Record<string, Omit<QatLayer, 'layer'>>> = {
  Conv2D: { kernelProperty: 'kernel', layout: 'conv2d' },
  DepthwiseConv2D: { kernelProperty: 'depthwiseKernel', layout: 'depthwiseConv2d' },
  Dense: { kernelProperty: 'kernel', layout: 'dense' },
};

/**
 * The model's Conv2D / DepthwiseConv2D / Dense layers (nested models included).
 * Throws for BatchNormalization (fold it first) and for other layers with weights.
 */
function qatLayers(model: tfl.LayersModel): QatLayer[] {
  const found: QatLayer[] = [];
  const visit = (layers: readonly tfl.layers.Layer[]): void => {
    for (const layer of layers) {
      if (layer instanceof tfl.LayersModel) {
        visit(layer.layers);
        continue;
      }
      const cls = layer.getClassName();
      const target = TARGETS[cls];
      if (target) {
        if (!(layer as unknown as Record<string, unknown>)[target.kernelProperty]) throw new Error(`quantizationAwareTrain: layer '${layer.name}' (${cls}) is not built; build the model (give it an input shape) first`);
        found.push({ layer, ...target });
      } else if (cls === 'BatchNormalization') {
        throw new TypeError(
          `quantizationAwareTrain: layer '${layer.name}' is BatchNormalization; fold batch normalization into the conv/dense layer before it first (QAT must see the folded kernels the int8/int4 model will have)`,
        );
      } else if (layer.weights.length > 0) {
        throw new TypeError(`quantizationAwareTrain: layer '${layer.name}' (${cls}) has weights but QAT supports only Conv2D, DepthwiseConv2D and Dense layers (and weightless ones)`);
      }
    }
  };
  visit(model.layers);
  if (found.length === 0) throw new TypeError('quantizationAwareTrain: the model has no Conv2D, DepthwiseConv2D or Dense layer to quantize');
  return found;
}

const KNOWN_OPTIONS = new Set([
  'bits',
  'perChannel',
  'activationBits',
  'rangeMomentum',
  'activationRanges',
  'epochs',
  'batchSize',
  'optimizer',
  'learningRate',
  'seed',
  'validation',
  'loss',
  'progress',
]);

function checkBits(name: string, value: unknown): QuantBits {
  if (value !== 8 && value !== 4) throw new RangeError(`QAT option ${name} must be 8 or 4, not ${JSON.stringify(value)}`);
  return value;
}

function positiveInteger(name: string, value: unknown): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value >= 1)) {
    throw new RangeError(`QAT option ${name} must be a positive integer, not ${JSON.stringify(value)}`);
  }
}

/** The forward options with defaults filled in; throws RangeError/TypeError for a bad one. */
function resolveForwardOptions(options: QatForwardOptions): Required<QatForwardOptions> {
  if (typeof options !== 'object' || options === null) throw new TypeError('QAT options must be an object');
  const perChannel = options.perChannel ?? true;
  if (typeof perChannel !== 'boolean') throw new TypeError(`QAT option perChannel must be true or false, not ${JSON.stringify(perChannel)}`);
  const rangeMomentum = options.rangeMomentum ?? DEFAULT_RANGE_MOMENTUM;
  if (typeof rangeMomentum !== 'number' || !(rangeMomentum >= 0 && rangeMomentum < 1)) {
    throw new RangeError(`QAT option rangeMomentum must be a number in [0, 1) (e.g. 0.99), not ${JSON.stringify(rangeMomentum)}`);
  }
  const activationRanges = options.activationRanges ?? new Map<string, [number, number]>();
  if (!(activationRanges instanceof Map)) throw new TypeError('QAT option activationRanges must be a Map from layer name to [min, max]');
  return { bits: checkBits('bits', options.bits ?? 8), perChannel, activationBits: checkBits('activationBits', options.activationBits ?? 8), rangeMomentum, activationRanges };
}

/**
 * Swaps fake quantization into the target layers: each kernel property becomes a
 * view whose `read()` fake-quantizes the real variable, and each `call` fake-quantizes
 * its input first. Returns the function that undoes it.
 */
function install(targets: readonly QatLayer[], options: Required<QatForwardOptions>, training: boolean): () => void {
  const undo: (() => void)[] = [];
  try {
    for (const { layer, kernelProperty, layout } of targets) {
      const slots = layer as unknown as Record<string, unknown>;
      const variable = slots[kernelProperty] as tfl.LayerVariable;
      const view = Object.create(variable, {
        read: { value: () => fakeQuantizeWeight(variable.read(), { bits: options.bits, perChannel: options.perChannel, layout }) },
      }) as tfl.LayerVariable;
      const ownCall = Object.prototype.hasOwnProperty.call(layer, 'call');
      const call = layer.call;
      const quantizeInput = (x: tf.Tensor) =>
        fakeQuantizeActivation(x, { ranges: options.activationRanges, key: layer.name, training, bits: options.activationBits, momentum: options.rangeMomentum });
      slots[kernelProperty] = view;
      layer.call = (inputs, kwargs) => call.call(layer, Array.isArray(inputs) ? inputs.map(quantizeInput) : quantizeInput(inputs), kwargs);
      undo.push(() => {
        slots[kernelProperty] = variable;
        if (ownCall) layer.call = call;
        else delete (layer as Partial<tfl.layers.Layer>).call;
      });
    }
  } catch (err) {
    restore(undo);
    throw err;
  }
  return () => restore(undo);
}

function restore(undo: (() => void)[]): void {
  for (let i = undo.length - 1; i >= 0; i--) undo[i]();
}

/**
 * A fake-quantized forward pass for @lite/core's `train` and `evaluate` (their
 * `forward` hook): every Conv2D / DepthwiseConv2D / Dense layer runs with its kernel
 * fake-quantized (`bits`, symmetric, narrow range, per channel unless
 * `perChannel: false`) and its input fake-quantized (`activationBits`, asymmetric),
 * the input ranges tracked per layer name by a moving average in training and
 * frozen in evaluation. The layers are hooked only for the duration of each call.
 */
export function createQatForward(options: QatForwardOptions = {}): QatForward {
  const resolved = resolveForwardOptions(options);
  const forward: ForwardFn = (model, inputs, training) => {
    const restoreLayers = install(qatLayers(model), resolved, training);
    try {
      return defaultForward(model, inputs, training);
    } finally {
      restoreLayers();
    }
  };
  return { forward, activationRanges: resolved.activationRanges };
}

/**
 * Quantization-aware training: trains `model` in place with core's `train` (on the
 * current tfjs backend: call core's `useBestBackend()` first for the native `lite`
 * kernels) through {@link createQatForward}'s fake-quantized forward pass. The
 * variables stay fp32; quantize the trained model with the same scheme (weights
 * `bits`, symmetric, narrow range, per channel; inputs asymmetric with the returned
 * ranges) to get exactly the values it was trained with.
 *
 * Throws a TypeError for a model with BatchNormalization (fold it first) or other
 * unsupported weighted layers, and a RangeError/TypeError for a bad option.
 */
export async function quantizationAwareTrain(model: tfl.LayersModel, data: Dataset, options: QatOptions = {}): Promise<QatResult> {
  if (!(model instanceof tfl.LayersModel)) throw new TypeError('quantizationAwareTrain: model must be a tf.LayersModel (Sequential or functional)');
  const forwardOptions = resolveForwardOptions(options);
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw new RangeError(`unknown QAT option '${key}'; known: ${[...KNOWN_OPTIONS].join(', ')}`);
  }
  const epochs = options.epochs ?? 1;
  positiveInteger('epochs', epochs);
  positiveInteger('batchSize', options.batchSize);
  const { optimizer, learningRate, seed } = options;
  if (typeof optimizer === 'string' ? !OPTIMIZER_NAMES.includes(optimizer) : optimizer !== undefined && (typeof optimizer !== 'object' || typeof optimizer.minimize !== 'function')) {
    throw new RangeError(`unknown QAT optimizer ${JSON.stringify(optimizer)}; choose one of: ${OPTIMIZER_NAMES.join(', ')}, or pass a tf.Optimizer`);
  }
  if (learningRate !== undefined && !(typeof learningRate === 'number' && learningRate > 0 && Number.isFinite(learningRate))) {
    throw new RangeError(`QAT option learningRate must be a positive number (e.g. 1e-4 for Adam, 0.01 for SGD), not ${JSON.stringify(learningRate)}`);
  }
  if (seed !== undefined && !(typeof seed === 'number' && Number.isInteger(seed))) throw new TypeError(`QAT option seed must be an integer, not ${JSON.stringify(seed)}`);
  if (options.loss !== undefined && typeof options.loss !== 'function') throw new TypeError('QAT option loss must be a function (labels, logits, inputs) => scalar');
  if (options.progress !== undefined && (typeof options.progress !== 'object' || options.progress === null)) throw new TypeError('QAT option progress must be a ProgressSink object');
  qatLayers(model); // fails before training starts
  const { forward, activationRanges } = createQatForward(forwardOptions);
  const history = await train(model, data, {
    epochs,
    batchSize: options.batchSize,
    optimizer,
    learningRate,
    seed,
    validation: options.validation,
    progress: options.progress,
    hooks: { forward, ...(options.loss ? { loss: options.loss } : {}) },
  });
  return { history, activationRanges };
}
