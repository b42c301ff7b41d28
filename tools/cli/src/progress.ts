import { type ProgressSink, consoleProgress } from '@lite/core';
import type { Io } from './io.js';

/** Training progress on stderr: a bar on a terminal, one line per epoch otherwise. */
export function trainingProgress(io: Io): ProgressSink {
  return consoleProgress(io.err);
}
