import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { GraphNode, LiteGraph } from '../graph/index.js';
import { fromLayersModel } from './from_layers.js';
import { sizeOf } from './geometry.js';
import { buildPlan, runPlan, type Plan } from './plan.js';
import { summarizeGraph, type ModelSummary } from './summary.js';
import { graphToLayersModel } from './to_layers.js';
import { decodeToF32, prepareWeights, type RuntimeWeight } from './weights.js';
import { loadGraph, saveGraph } from './storage.js';
import type { EncodeLiteOptions } from '../format/index.js';

/** An input or output as plain data: float32 values in row-major order and their shape (batch first). */
export interface ArrayValue {
  data: Float32Array;
  shape: number[];
}

/** How many input-shape plans a model keeps (least recently used goes first). */
const MAX_PLANS = 4;

function isTensor(v: unknown): v is tf.Tensor {
  return v instanceof tf.Tensor;
}

/**
 * A compressed model ready to run: a {@link LiteGraph} whose weights were
 * prepared once (decoded to fp32 today; encodings with their own kernels keep
 * their form) and executed on lite's native kernels. Plans (shapes, buffers,
 * steps) are built once per input shape and reused, so repeated predictions
 * at one batch size allocate only their outputs.
 */
export class LiteModel {
  /** The graph this model runs (not copied: do not modify it). */
  readonly graph: LiteGraph;
  private readonly weights: Map<string, RuntimeWeight>;
  private readonly plans = new Map<string, Plan>();
  private readonly inputNodes: Extract<GraphNode, { op: 'input' }>[];

  private constructor(graph: LiteGraph) {
    this.graph = graph;
    if (graph.graphModel) {
      throw new Error('this .lite file holds a tfjs graph model, which the runtime does not execute: load it with loadGraphModel() from @lite/core');
    }
    this.inputNodes = graph.nodes.filter((n): n is Extract<GraphNode, { op: 'input' }> => n.op === 'input');
    if (this.inputNodes.length === 0) throw new Error('the graph has no input node; a model needs at least one');
    if (graph.outputs.length === 0) throw new Error('the graph has no outputs; a model needs at least one');
    this.weights = prepareWeights(graph);
    // Check the whole graph once, for one sample, so a bad graph fails here, not at predict.
    summarizeGraph(graph);
  }

  /** A model running `graph` (weights are prepared now, once). Throws if the graph is inconsistent. */
  static fromGraph(graph: LiteGraph): LiteModel {
    return new LiteModel(graph);
  }

  /** Converts a tfjs Layers model (see {@link fromLayersModel}) and prepares it to run. */
  static fromLayersModel(model: tfl.LayersModel): LiteModel {
    return new LiteModel(fromLayersModel(model));
  }

  /** Loads a .lite file from a path, or from its bytes. */
  static async load(source: string | Uint8Array): Promise<LiteModel> {
    return new LiteModel(await loadGraph(source));
  }

  /** Writes the model as a .lite file at `path` (atomically; see writeLiteFile for the options). */
  async save(path: string, options?: EncodeLiteOptions): Promise<void> {
    await saveGraph(path, this.graph, options);
  }

  /** The model's inputs: node names and shapes (null for the batch dimension). */
  get inputs(): { name: string; shape: (number | null)[] }[] {
    return this.inputNodes.map((n) => ({ name: n.name, shape: [...n.shape] }));
  }

  /** Names of the model's outputs. */
  get outputNames(): string[] {
    return [...this.graph.outputs];
  }

  /**
   * Runs the model. Give one input (a tf.Tensor, or `{ data, shape }`) for a
   * single-input, single-output model, or an array of inputs (in
   * {@link inputs} order) to get an array of outputs. Any batch size works.
   * Outputs come back as the inputs came: tf.Tensors for tf.Tensor inputs
   * (the caller disposes them), `{ data, shape }` otherwise (fresh arrays).
   */
  predict(input: tf.Tensor): tf.Tensor;
  predict(input: ArrayValue): ArrayValue;
  predict(inputs: tf.Tensor[]): tf.Tensor[];
  predict(inputs: ArrayValue[]): ArrayValue[];
  predict(input: tf.Tensor | ArrayValue | tf.Tensor[] | ArrayValue[]): tf.Tensor | ArrayValue | tf.Tensor[] | ArrayValue[] {
    const many = Array.isArray(input);
    const list = (many ? input : [input]) as (tf.Tensor | ArrayValue)[];
    if (!many && (this.inputNodes.length !== 1 || this.graph.outputs.length !== 1)) {
      throw new Error(`this model has ${this.inputNodes.length} input(s) and ${this.graph.outputs.length} output(s); pass an array of inputs to predict and get an array of outputs`);
    }
    if (list.length !== this.inputNodes.length) {
      throw new Error(`got ${list.length} input(s); this model takes ${this.inputNodes.length} (${this.inputNodes.map((n) => n.name).join(', ')})`);
    }
    const tensors = isTensor(list[0]);
    const outputs = this.run(list.map((v, i) => this.toArrayValue(v, i)));
    const result = tensors ? outputs.map((o) => tf.tensor(o.data, o.shape, 'float32')) : outputs;
    return (many ? result : result[0]) as tf.Tensor | ArrayValue | tf.Tensor[] | ArrayValue[];
  }

  /** Runs the graph on plain arrays (shapes already checked). */
  private run(inputs: ArrayValue[]): ArrayValue[] {
    const plan = this.plan(inputs.map((v) => v.shape));
    for (let i = 0; i < inputs.length; i++) plan.inputs[i].buffer.set(inputs[i].data);
    runPlan(plan);
    return plan.outputs.map((o) => ({ data: o.value.slice(), shape: [...o.shape] }));
  }

  private plan(shapes: number[][]): Plan {
    const key = shapes.map((s) => s.join('x')).join(',');
    let plan = this.plans.get(key);
    if (plan) {
      this.plans.delete(key);
    } else {
      plan = buildPlan(this.graph, this.weights, shapes);
      if (this.plans.size >= MAX_PLANS) this.plans.delete(this.plans.keys().next().value!);
    }
    this.plans.set(key, plan);
    return plan;
  }

  /** Checks one input against its input node and returns it as float32 data + shape. */
  private toArrayValue(value: tf.Tensor | ArrayValue, index: number): ArrayValue {
    const node = this.inputNodes[index];
    if (!node) throw new Error(`got ${index + 1} or more inputs; this model takes ${this.inputNodes.length}`);
    let data: Float32Array;
    let shape: number[];
    if (isTensor(value)) {
      shape = [...value.shape];
      const raw = value.dataSync();
      data = raw instanceof Float32Array ? raw : Float32Array.from(raw as ArrayLike<number>);
    } else {
      if (!value || !(value.data instanceof Float32Array) || !Array.isArray(value.shape)) {
        throw new TypeError(`input '${node.name}' must be a tf.Tensor or { data: Float32Array, shape: number[] }`);
      }
      ({ data, shape } = value);
    }
    const expected = node.shape;
    const fits = shape.length === expected.length
      && shape.every((d, i) => Number.isInteger(d) && d >= 1 && (expected[i] === null || expected[i] === d));
    if (!fits) {
      const want = `[${expected.map((d) => d ?? 'batch').join(', ')}]`;
      throw new Error(`input '${node.name}' has shape [${shape.join(', ')}]; the model expects ${want}`);
    }
    if (data.length !== sizeOf(shape)) {
      throw new Error(`input '${node.name}' has ${data.length} values, but its shape [${shape.join(', ')}] needs ${sizeOf(shape)}`);
    }
    return { data, shape };
  }

  /** Expands the model back into an equivalent tf.LayersModel with fp32 weights (BatchNormalization stays folded). */
  toLayersModel(name = 'lite'): tfl.LayersModel {
    return graphToLayersModel(this.graph, (n) => {
      const t = this.graph.tensors.get(n)!;
      return { shape: [...t.shape], values: decodeToF32(t) };
    }, name);
  }

  /** Layers, shapes, parameters, bytes per tensor and encoding, and MACs (what `lite inspect` shows). */
  summary(): ModelSummary {
    return summarizeGraph(this.graph);
  }
}
