import * as tfl from '@tensorflow/tfjs-layers';
import type { F32Tensor, LiteGraph } from '../graph/index.js';
import { convertLayer, layerError, type RawNode } from './layer_nodes.js';
import { optimizeNodes, type OptimizeStats } from './optimize.js';

/** A nested model's view of the graph: its input tensors bound to outer values, its names prefixed. */
interface Scope {
  key: string;
  prefix: string;
  bindings: Map<number, string>;
}

/** The graph of a Layers model, and what conversion simplified. */
export interface ConvertedGraph {
  graph: LiteGraph;
  stats: OptimizeStats;
}

/**
 * Converts a tfjs Layers model (Sequential or functional, nested models
 * included) into the runtime's graph and reports what was folded and fused.
 * See {@link fromLayersModel}.
 */
export function convertLayersModel(model: tfl.LayersModel): ConvertedGraph {
  const raw: RawNode[] = [];
  const tensors = new Map<string, F32Tensor>();
  const tensorOfVariable = new Map<number, string>();
  const memo = new Map<string, string>();
  const names = new Set<string>();

  const uniqueName = (base: string): string => {
    let name = base;
    for (let i = 1; names.has(name); i++) name = `${base}_${i}`;
    names.add(name);
    return name;
  };
  const addWeight = (w: tfl.LayerVariable): string => {
    const known = tensorOfVariable.get(w.id);
    if (known !== undefined) return known;
    const name = tensors.has(w.originalName) ? w.name : w.originalName;
    if (w.dtype !== 'float32') throw new Error(`weight '${name}' has dtype ${w.dtype}; the lite runtime reads float32 weights`);
    tensors.set(name, { name, encoding: 'f32', shape: [...w.shape] as number[], values: new Float32Array(w.read().dataSync()) });
    tensorOfVariable.set(w.id, name);
    return name;
  };

  const visit = (st: tfl.SymbolicTensor, scope: Scope): string => {
    const bound = scope.bindings.get(st.id);
    if (bound !== undefined) return bound;
    const layer = st.sourceLayer;
    const key = `${scope.key}|${layer.id}:${st.nodeIndex}:${st.tensorIndex}`;
    const done = memo.get(key);
    if (done !== undefined) return done;
    let result: string;
    if (layer.getClassName() === 'InputLayer') {
      if (scope.prefix !== '') throw layerError(layer, 'is an input of a nested model that nothing feeds');
      result = uniqueName(layer.name);
      raw.push({ op: 'input', name: result, shape: [...st.shape] });
    } else {
      const node = layer.inboundNodes[st.nodeIndex];
      const inputs = node.inputTensors.map((t) => visit(t, scope));
      if (layer instanceof tfl.LayersModel) {
        if (layer.inputs.length !== inputs.length) throw layerError(layer, `takes ${layer.inputs.length} inputs, got ${inputs.length}`);
        const inner: Scope = {
          key: `${key}>`,
          prefix: `${scope.prefix}${layer.name}/`,
          bindings: new Map(layer.inputs.map((t, i) => [t.id, inputs[i]])),
        };
        result = visit(layer.outputs[st.tensorIndex], inner);
      } else {
        if (node.outputTensors.length > 1) {
          throw layerError(layer, 'has several outputs, which the lite runtime does not support');
        }
        result = uniqueName(`${scope.prefix}${layer.name}`);
        const ranks = node.inputTensors.map((t) => t.shape.length);
        raw.push(...convertLayer(layer, result, inputs, ranks, addWeight, uniqueName));
      }
    }
    memo.set(key, result);
    return result;
  };

  const root: Scope = { key: '', prefix: '', bindings: new Map() };
  for (const input of model.inputs) visit(input, root);
  const outputs = model.outputs.map((o) => visit(o, root));
  const { nodes, outputs: resolved, stats } = optimizeNodes(raw, outputs, tensors);
  return { graph: { nodes, outputs: resolved, tensors, provenance: [] }, stats };
}

/**
 * Converts a tfjs Layers model (Sequential or functional) into a {@link LiteGraph}
 * the runtime executes. Weights become 'f32' tensors named by their tfjs names;
 * BatchNormalization is folded into the conv/depthwise/dense before it (or kept
 * as a per-channel scale and shift); an activation layer after a conv/dense is
 * fused into it; Dropout disappears. Throws an Error naming the layer and its
 * class for a layer the runtime cannot run.
 */
export function fromLayersModel(model: tfl.LayersModel): LiteGraph {
  return convertLayersModel(model).graph;
}
