import type { F32Tensor, GraphNode } from '../graph/index.js';
import type { RawNode } from './layer_nodes.js';

/** What {@link optimizeNodes} did. */
export interface OptimizeStats {
  /** BatchNormalizations folded into the conv/depthwise/dense before them. */
  foldedBatchNorms: number;
  /** BatchNormalizations kept as per-channel scaleShift nodes. */
  scaleShifts: number;
  /** Activation layers fused into the conv/depthwise/dense before them. */
  fusedActivations: number;
  /** Dropout and linear Activation layers dropped. */
  identities: number;
}

type Producer = Extract<GraphNode, { op: 'conv2d' | 'depthwiseConv2d' | 'dense' }>;

function rawInputs(node: RawNode): string[] {
  if (node.op === 'input') return [];
  if (node.op === 'add' || node.op === 'concatenate') return node.inputs;
  return [node.input];
}

function setInputs(node: GraphNode, resolve: (name: string) => string): GraphNode {
  if (node.op === 'input') return node;
  if (node.op === 'add' || node.op === 'concatenate') return { ...node, inputs: node.inputs.map(resolve) };
  return { ...node, input: resolve(node.input) };
}

function freshName(base: string, taken: (name: string) => boolean): string {
  let name = base;
  for (let i = 1; taken(name); i++) name = `${base}_${i}`;
  return name;
}

/**
 * Turns converted layers into the graph the runtime executes, in one pass in
 * topological order:
 * - a BatchNormalization right after a conv/depthwise/dense that has no
 *   activation and no other reader is folded into its kernel and bias
 *   (kernel·s, bias·s + β − μ·s with s = γ/√(σ²+ε)); any other becomes a
 *   `scaleShift` node;
 * - an activation right after such a producer (linear, sole reader, not a
 *   model output) is fused into it;
 * - Dropout and linear activations disappear.
 * Readers of a removed node read what replaced it. Folding rewrites kernel and
 * bias values in `tensors` (kernels used by one node only).
 */
export function optimizeNodes(raw: RawNode[], outputs: string[], tensors: Map<string, F32Tensor>): { nodes: GraphNode[]; outputs: string[]; stats: OptimizeStats } {
  const stats: OptimizeStats = { foldedBatchNorms: 0, scaleShifts: 0, fusedActivations: 0, identities: 0 };
  const alias = new Map<string, string>();
  const resolve = (name: string): string => {
    let n = name;
    while (alias.has(n)) n = alias.get(n)!;
    return n;
  };
  // Readers per value and model outputs, kept up to date as nodes merge.
  const readers = new Map<string, number>();
  for (const node of raw) for (const i of rawInputs(node)) readers.set(i, (readers.get(i) ?? 0) + 1);
  const isOutput = new Set(outputs);
  const kernelUsers = new Map<string, number>();
  for (const node of raw) {
    if (node.op === 'conv2d' || node.op === 'depthwiseConv2d' || node.op === 'dense') {
      kernelUsers.set(node.kernel, (kernelUsers.get(node.kernel) ?? 0) + 1);
      if (node.bias) kernelUsers.set(node.bias, (kernelUsers.get(node.bias) ?? 0) + 1);
    }
  }
  const merge = (removed: string, into: string): void => {
    alias.set(removed, into);
    readers.set(into, (readers.get(into) ?? 1) - 1 + (readers.get(removed) ?? 0));
    if (isOutput.has(removed)) isOutput.add(into);
  };

  const out: GraphNode[] = [];
  const byName = new Map<string, GraphNode>();
  const push = (node: GraphNode): void => {
    const resolved = setInputs(node, resolve);
    out.push(resolved);
    byName.set(resolved.name, resolved);
  };
  /** The producer a node reads, when it can take over (fold or fuse) that node. */
  const absorbable = (input: string): Producer | undefined => {
    const p = byName.get(resolve(input));
    if (!p || (p.op !== 'conv2d' && p.op !== 'depthwiseConv2d' && p.op !== 'dense')) return undefined;
    if (p.activation !== 'linear' || readers.get(p.name) !== 1 || isOutput.has(p.name)) return undefined;
    return p;
  };

  for (const node of raw) {
    if (node.op === 'identity') {
      merge(node.name, resolve(node.input));
      stats.identities++;
      continue;
    }
    if (node.op === 'batchNorm') {
      const p = absorbable(node.input);
      if (p && (kernelUsers.get(p.kernel) ?? 0) === 1 && (!p.bias || kernelUsers.get(p.bias) === 1)) {
        fold(p, node.scale, node.shift, tensors);
        merge(node.name, p.name);
        stats.foldedBatchNorms++;
      } else {
        const taken = (n: string): boolean => tensors.has(n);
        const scale = freshName(`${node.name}/scale`, taken);
        tensors.set(scale, { name: scale, encoding: 'f32', shape: [node.scale.length], values: node.scale });
        const shift = freshName(`${node.name}/shift`, taken);
        tensors.set(shift, { name: shift, encoding: 'f32', shape: [node.shift.length], values: node.shift });
        push({ op: 'scaleShift', name: node.name, input: node.input, scale, shift });
        stats.scaleShifts++;
      }
      continue;
    }
    if (node.op === 'activation') {
      const p = absorbable(node.input);
      if (p) {
        p.activation = node.activation;
        if (node.alpha !== undefined) p.alpha = node.alpha;
        merge(node.name, p.name);
        stats.fusedActivations++;
        continue;
      }
    }
    push(node);
  }
  return { nodes: out, outputs: outputs.map(resolve), stats };

  /** Folds a per-output-channel scale and shift into a producer's kernel and bias. */
  function fold(p: Producer, scale: Float32Array, shift: Float32Array, table: Map<string, F32Tensor>): void {
    const kernel = table.get(p.kernel)!;
    const channels = scale.length;
    const k = new Float32Array(kernel.values.length);
    // HWIO / [in, out] / depthwise [h, w, in, mult]: the output channel is the flat index mod outC.
    for (let i = 0; i < k.length; i++) k[i] = kernel.values[i] * scale[i % channels];
    table.set(p.kernel, { ...kernel, values: k });
    const bias = new Float32Array(channels);
    const old = p.bias === undefined ? undefined : table.get(p.bias)!.values;
    for (let c = 0; c < channels; c++) bias[c] = (old ? old[c] : 0) * scale[c] + shift[c];
    if (p.bias === undefined) {
      const name = freshName(`${p.name}/bias`, (n) => table.has(n));
      table.set(name, { name, encoding: 'f32', shape: [channels], values: bias });
      p.bias = name;
      kernelUsers.set(name, 1);
    } else {
      table.set(p.bias, { ...table.get(p.bias)!, values: bias });
    }
  }
}
