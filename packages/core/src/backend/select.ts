import * as tf from '@tensorflow/tfjs-core';
import { kernelInfo } from '../kernels/index.js';
import { LITE_BACKEND, registerLiteBackend } from './lite_backend.js';

/** Which backend {@link useBestBackend} chose, and why. */
export interface BackendChoice {
  backend: 'tensorflow' | 'lite' | 'cpu';
  reason: string;
}

async function tfjsNodeLoads(): Promise<string | undefined> {
  try {
    await import('@tensorflow/tfjs-node' as string);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message.split('\n')[0] : String(err);
  }
}

/**
 * Picks the fastest backend that works here: `tensorflow` (the optional peer
 * @tensorflow/tfjs-node, when it is installed and loads) › `lite` (native
 * kernels) › `cpu`, sets it, and says which on `log` (stderr by default).
 */
export async function useBestBackend(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<BackendChoice> {
  registerLiteBackend();
  const tfjsNodeError = await tfjsNodeLoads();
  let choice: BackendChoice;
  if (tfjsNodeError === undefined && (await tf.setBackend('tensorflow'))) {
    choice = { backend: 'tensorflow', reason: '@tensorflow/tfjs-node loaded' };
  } else {
    const info = kernelInfo();
    const why = 'tfjs-node is not installed or did not load';
    if (info.native && (await tf.setBackend(LITE_BACKEND))) {
      choice = { backend: 'lite', reason: `${why}; native kernels (${info.isa}, ${info.threads} threads)` };
    } else {
      await tf.setBackend('cpu');
      choice = { backend: 'cpu', reason: `${why}; native kernels unavailable (${info.loadError ?? 'unknown'})` };
    }
  }
  log(`lite: backend ${choice.backend} (${choice.reason})`);
  return choice;
}
