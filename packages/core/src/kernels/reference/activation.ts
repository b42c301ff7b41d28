import type { Activation } from '../types.js';

/** Applies a fused activation to one value. */
export function activate(v: number, activation: Activation | undefined): number {
  if (activation === 'relu') return v > 0 ? v : 0;
  if (activation === 'relu6') return v > 0 ? (v < 6 ? v : 6) : 0;
  return v;
}
