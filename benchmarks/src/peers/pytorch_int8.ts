// PyTorch peer of the int8 inference latency benchmark: runs python/int8_latency.py
// with the system Python (see pythonPath), which times the suite's seedCnn and
// MobileNetV2-style shapes in PyTorch fp32 and eager-mode static int8 (per quantized
// engine) at one thread count, with passive OpenMP waiting like the training peer.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LatencyModelName } from '../models.js';
import { runJson } from './child.js';
import type { LatencyProtocol } from './latency.js';
import { pythonPath } from './pytorch.js';

const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, '..', '..', 'python', 'int8_latency.py');

export interface PyTorchInt8Request {
  threads: number;
  models: readonly LatencyModelName[];
  batches: readonly number[];
  /** Quantized engines to build int8 models for (onednn, qnnpack); fp32 always runs. */
  engines: readonly string[];
  protocol: LatencyProtocol;
}

export interface PyTorchInt8Cell {
  model: LatencyModelName;
  batch: number;
  threads: number;
  /** 'fp32' or 'int8-<engine>'. */
  variant: string;
  engine: string;
  msPerCall: number[];
  median: number;
  p95: number;
}

export interface PyTorchInt8Reply {
  /** Set (and nothing else) when torch does not import. */
  skipped?: string;
  info?: Record<string, string | number | boolean>;
  cells?: PyTorchInt8Cell[];
  /** Variants that did not run (engine missing, quantization or a call failed), with why. */
  notRun?: Record<string, string>;
}

export function runPyTorchInt8(req: PyTorchInt8Request): Promise<PyTorchInt8Reply> {
  const args = [
    script,
    '--threads', String(req.threads),
    '--models', req.models.join(','),
    '--batches', req.batches.join(','),
    '--engines', req.engines.join(','),
    '--protocol', JSON.stringify(req.protocol),
  ];
  const env = { ...process.env, OMP_WAIT_POLICY: 'PASSIVE', OMP_NUM_THREADS: String(req.threads) };
  return runJson<PyTorchInt8Reply>(pythonPath(), args, env).catch((err: Error) => {
    throw new Error(`${err.message} (the PyTorch int8 peer needs torch with a quantized engine, e.g. Debian's python3-torch; LITE_BENCH_PYTHON picks the interpreter)`);
  });
}
