/**
 * `quantizeStep(options)`: quantization as a pipeline step of @lite/core. A pruned
 * model (kernels with exact zeros) is quantized the Deep Compression way: only the
 * surviving weights are clustered (k-means) or scaled (int8), the zeros stay exactly
 * zero, and the kernels are stored sparse (core's `sparsifyGraph`: csr with relative
 * indices, per-tensor codebook or per-output-channel int8 scales). A dense model goes
 * through {@link quantize}.
 */
import { decodeTensor, isLiteGraph, namedStep, reencodeGraph, sparsifyGraph, toLiteGraph, zeroFraction, type LiteGraph, type Step } from '@lite/core';
import { QUANTIZE_MODES, type ModelQuantizeOptions, type QuantizeMode } from './model/options.js';
import { QUANT_VERSION, quantize } from './model/quantize.js';

/** Options of {@link quantizeStep}. */
export interface QuantizeStepOptions extends Omit<ModelQuantizeOptions, 'mode'> {
  /** 'kmeans' (weight sharing, `bits` 2–8, default 5 for sparse models), 'int8' (per-channel int8 weights), or any mode of {@link quantize}. */
  mode: 'int8' | QuantizeMode;
  /** A kernel with at least this fraction of exact zeros counts as pruned (default 0.25); a model with one is quantized sparse. */
  minSparsity?: number;
  /** Pruned 'kmeans': store each codebook in half precision (2 bytes a centroid; default false). */
  halfCodebook?: boolean;
  /** Pruned 'kmeans' or 'int8': store the biases (float32 tensors read as a node's bias) in half precision (default false). */
  halfBiases?: boolean;
}

const SPARSE_MODES = ['kmeans', 'int8'] as const;

/** Whether some rank ≥ 2 tensor of `graph` has at least `minSparsity` exact zeros. */
function isPruned(graph: LiteGraph, minSparsity: number): boolean {
  for (const t of graph.tensors.values()) {
    if (t.shape.length < 2) continue;
    if (t.encoding === 'csr' || t.encoding === 'nm') return true;
    if (zeroFraction(decodeTensor(t)) >= minSparsity) return true;
  }
  return false;
}

/**
 * A pipeline step that quantizes the model and returns a graph. Pruned models in
 * 'kmeans' or 'int8' mode keep their zeros exact (only survivors quantized, stored
 * csr); other models go through {@link quantize} (data, teacher, progress and seed
 * from the context unless given here). Throws a RangeError for a mode @lite/quant lacks.
 */
export function quantizeStep(options: QuantizeStepOptions): Step {
  if (options === null || typeof options !== 'object') throw new TypeError("quantizeStep needs options with a mode, e.g. { mode: 'kmeans', bits: 5 }");
  const { mode, minSparsity = 0.25, halfCodebook = false, halfBiases = false, ...rest } = options;
  for (const [key, v] of Object.entries({ halfCodebook, halfBiases })) if (typeof v !== 'boolean') throw new TypeError(`quantizeStep: ${key} must be true or false, not ${JSON.stringify(v)}`);
  if (mode !== 'int8' && !QUANTIZE_MODES.includes(mode)) {
    throw new RangeError(`quantizeStep: @lite/quant has no mode ${JSON.stringify(mode)}; the modes are: int8, ${QUANTIZE_MODES.join(', ')}`);
  }
  return namedStep(`quantize ${mode}${rest.bits !== undefined ? `-${rest.bits}` : ''}`, async (model, ctx) => {
    const graph = toLiteGraph(model);
    const sparseMode = (SPARSE_MODES as readonly string[]).includes(mode);
    if (sparseMode && isPruned(graph, minSparsity)) {
      if ((rest.epochs ?? 0) > 0) {
        throw new RangeError('quantizeStep: centroid fine-tuning (epochs > 0) of a pruned model is not supported yet (it would move the pruned zeros); use epochs: 0');
      }
      const bits = rest.bits ?? (mode === 'kmeans' ? 5 : 8);
      if (mode === 'int8' && bits !== 8) throw new RangeError(`quantizeStep: mode 'int8' takes bits 8, not ${bits}`);
      if (mode === 'kmeans' && !(Number.isInteger(bits) && bits >= 2 && bits <= 8)) throw new RangeError(`quantizeStep: mode 'kmeans' takes bits 2..8, not ${JSON.stringify(bits)}`);
      const { graph: sparse, tensors } = sparsifyGraph(graph, {
        minSparsity: 0,
        valueEncoding: mode === 'kmeans' ? 'kmeans' : 'int8',
        valueOptions: mode === 'kmeans' ? { bits, halfCodebook } : { perChannel: rest.perChannel ?? true },
      });
      const biases = new Set(sparse.nodes.flatMap((n) => ('bias' in n && n.bias !== undefined ? [n.bias] : [])));
      const stored = halfBiases ? reencodeGraph(sparse, 'f16', { filter: (t) => biases.has(t.name) && t.encoding === 'f32' }).graph : sparse;
      const record = {
        step: 'quantize',
        options: {
          mode, bits, sparse: true, perChannel: mode === 'int8' ? rest.perChannel ?? true : undefined, tensors: tensors.filter((t) => t.to !== t.from).length,
          halfCodebook: mode === 'kmeans' && halfCodebook ? true : undefined, halfBiases: halfBiases || undefined,
        },
        at: new Date().toISOString(),
        version: QUANT_VERSION,
      };
      ctx.provenance?.push(JSON.parse(JSON.stringify(record)));
      return stored;
    }
    const teacher = mode === 'qat' ? rest.teacher ?? ctx.teacher : undefined;
    const result = await quantize(isLiteGraph(model) ? model : graph, {
      data: ctx.data, validation: ctx.validation, progress: ctx.progress, seed: ctx.seed,
      ...rest, teacher, mode: mode === 'int8' ? 'dynamic' : mode, bits: mode === 'int8' ? 8 : rest.bits,
    });
    return result.graph;
  });
}
