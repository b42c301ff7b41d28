import type { Activation } from '../../kernels/index.js';

/** The fused activations the native epilogues run; others use the cpu kernel. */
export function nativeActivation(activation: string | undefined | null): Activation | undefined {
  if (activation === undefined || activation === null || activation === 'linear') return 'linear';
  if (activation === 'relu' || activation === 'relu6') return activation;
  return undefined;
}
