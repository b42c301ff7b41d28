/**
 * The built-in `lite compress` recipes. A recipe is JSON: `{ name, description?, steps }`,
 * each step one of `{ "prune": PruneOptions }`, `{ "quantize": QuantizeStepOptions }`,
 * `{ "entropyCode": EntropyCodeOptions }`; a recipe.json file has the same shape.
 */

/** One step of a recipe, as JSON. */
export type RecipeStep =
  | { prune: Record<string, unknown> }
  | { quantize: Record<string, unknown> }
  | { entropyCode: Record<string, unknown> };

/** A recipe, as JSON. */
export interface Recipe {
  name: string;
  description?: string;
  steps: RecipeStep[];
}

/**
 * Deep Compression (Han et al. 2016): prune with masked fine-tuning, 5-bit k-means of
 * the survivors, sparse relative-index storage, Huffman. Codebooks and biases are
 * stored in half precision: in a small model they would otherwise be a third of the file.
 */
const deepCompression: Recipe = {
  name: 'deep-compression',
  description: '95% global magnitude pruning (polynomial schedule, 6 epochs of masked fine-tuning) → 5-bit k-means of the survivors (f16 codebooks, f16 biases) → csr with relative indices → Huffman',
  steps: [
    { prune: { sparsity: 0.95, scope: 'global', schedule: 'polynomial', finetune: { epochs: 6, optimizer: 'adam' } } },
    { quantize: { mode: 'kmeans', bits: 5, halfCodebook: true, halfBiases: true } },
    { entropyCode: {} },
  ],
};

/** Pruning then int8 survivors. */
const int8: Recipe = {
  name: 'int8',
  description: '90% global magnitude pruning (polynomial, 4 epochs of masked fine-tuning) → per-channel int8 survivors → csr with relative indices → Huffman',
  steps: [
    { prune: { sparsity: 0.9, scope: 'global', schedule: 'polynomial', finetune: { epochs: 4, optimizer: 'adam' } } },
    { quantize: { mode: 'int8' } },
    { entropyCode: {} },
  ],
};

/** Binary weights (first and last layer int8), then entropy coding. */
const binary: Recipe = {
  name: 'binary',
  description: "@lite/quant's binary mode (latent-weight training, first/last layer int8) → Huffman",
  steps: [
    { quantize: { mode: 'binary', epochs: 3 } },
    { entropyCode: {} },
  ],
};

/** The built-in recipes by name. */
export const RECIPES: Readonly<Record<string, Recipe>> = { 'deep-compression': deepCompression, int8, binary };
