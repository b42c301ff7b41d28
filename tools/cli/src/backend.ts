import { type BackendChoice, useBestBackend } from '@lite/core';
import type { Io } from './io.js';

/** Picks the fastest backend (tensorflow › lite › cpu), saying which on stderr. */
export async function setupBackend(io: Io): Promise<BackendChoice> {
  return useBestBackend((line) => io.err.write(`${line}\n`));
}
