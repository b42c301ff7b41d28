// The sparse benchmark's operands, built identically in every node child: k×n
// weights with a seeded uniform random mask (each weight zero with probability
// `sparsity`), values in [-1, 1), and activations in [-1, 1).
import { randomMatrix } from './child.js';

export function sparseWeights(k: number, n: number, sparsity: number): Float32Array {
  const keep = randomMatrix(k * n, 3), values = randomMatrix(k * n, 2);
  return values.map((v, i) => ((keep[i]! + 1) / 2 >= sparsity ? v : 0));
}

export const activations = (m: number, k: number): Float32Array => randomMatrix(m * k, 1);
