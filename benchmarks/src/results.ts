// Writes a run's results as JSON and markdown under benchmarks/results/,
// each through a temporary file renamed into place, so a reader never sees half a file.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BinaryResult } from './binary.js';
import type { GemmResult } from './gemm.js';
import type { Int8Result } from './int8.js';
import type { Peak } from './peak.js';
import type { RuntimeResult } from './runtime.js';
import type { SparseResult } from './sparse.js';
import type { TrainResult } from './train.js';

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/** The suite's parts, in the order a full run measures them. */
export const PARTS = ['gemm', 'train', 'runtime', 'int8', 'sparse', 'binary'] as const;
export type Part = (typeof PARTS)[number];

export interface Machine {
  cpu: string;
  cores: number;
  os: string;
  node: string;
  /** 1-minute load average at start and end: other work on this shared machine skews timings. */
  load: number[];
}

/** One run's results file (results/<name>.json); parts not run are absent. */
export interface RunResults {
  name: string;
  date: string;
  command: string;
  machine: Machine;
  quick: boolean;
  /** This machine's single-thread peak, measured at the start of the run (absent in runs before it existed). */
  peak?: Peak;
  gemm?: GemmResult;
  train?: TrainResult;
  runtime?: RuntimeResult;
  int8?: Int8Result;
  sparse?: SparseResult;
  binary?: BinaryResult;
}

export function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Writes <name>.json and <name>.md; returns their paths. */
export function writeResults(name: string, json: RunResults, markdown: string, dir = RESULTS_DIR): string[] {
  const base = join(dir, name);
  writeAtomic(`${base}.json`, `${JSON.stringify(json, null, 2)}\n`);
  writeAtomic(`${base}.md`, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return [`${base}.json`, `${base}.md`];
}
