// PyTorch peer of the training benchmark: runs python/train_seedcnn.py with the
// system Python (Debian's python3-torch), the given thread count and passive OpenMP waiting
// (spinning OpenMP workers would steal the second core between ops).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runJson } from './child.js';

const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, '..', '..', 'python', 'train_seedcnn.py');

export interface PyTorchRequest {
  dataFile: string;
  count: number;
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  threads: number;
  warmupBatches: number;
}

export interface EpochReply {
  info: Record<string, string | number | boolean>;
  epochSecs: number[];
}

/** The interpreter: $LITE_BENCH_PYTHON, else /usr/bin/python3 (the pyenv one on PATH has no torch). */
export function pythonPath(): string {
  return process.env.LITE_BENCH_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
}

export function runPyTorch(req: PyTorchRequest): Promise<EpochReply> {
  const args = [
    script,
    '--data', req.dataFile,
    '--count', String(req.count),
    '--epochs', String(req.epochs),
    '--batch', String(req.batchSize),
    '--lr', String(req.lr),
    '--momentum', String(req.momentum),
    '--threads', String(req.threads),
    '--warmup-batches', String(req.warmupBatches),
  ];
  const env = { ...process.env, OMP_WAIT_POLICY: 'PASSIVE', OMP_NUM_THREADS: String(req.threads) };
  return runJson<EpochReply>(pythonPath(), args, env).catch((err: Error) => {
    throw new Error(`${err.message} (the PyTorch peer needs numpy and torch, e.g. Debian's python3-torch; LITE_BENCH_PYTHON picks the interpreter)`);
  });
}
