// seedCnn training epoch: tfjs on the `lite` backend vs tfjs `cpu` vs PyTorch,
// same recipe and samples (the 7,996-sample MNIST training split). Each engine
// runs in its own process; pure-JS `cpu` is timed on a few batches and scaled.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runJson } from './peers/child.js';
import { runPyTorch, type EpochReply } from './peers/pytorch.js';
import type { TfjsTrainReply, TfjsTrainRequest } from './peers/tfjs_train.js';
import { median } from './timing.js';

const here = dirname(fileURLToPath(import.meta.url));
/** lite and PyTorch both get the machine's two cores. */
const THREADS = 2;
const RECIPE = { batchSize: 64, lr: 0.01, momentum: 0.5 };

export interface TrainRun {
  id: 'lite' | 'cpu' | 'pytorch';
  label: string;
  /** Seconds per full epoch, one per timed epoch (scaled when timed on a subset). */
  epochSecs: number[];
  secPerEpoch: number | null;
  /** Set when each timed epoch visited only part of the data. */
  scaledFrom?: { samples: number; of: number };
  info: Record<string, string | number | boolean>;
  note?: string;
  skipped?: string;
}

export interface TrainRatio {
  name: string;
  value: number | null;
  goal: string;
  met: boolean | null;
}

export interface TrainResult {
  samples: number;
  batchSize: number;
  lr: number;
  momentum: number;
  threads: number;
  runs: TrainRun[];
  ratios: TrainRatio[];
}

export interface TrainOptions {
  quick: boolean;
  progress: (line: string) => void;
}

function runTfjs(req: TfjsTrainRequest): Promise<TfjsTrainReply> {
  const env = { ...process.env, LITE_NUM_THREADS: String(THREADS) };
  return runJson<TfjsTrainReply>(process.execPath, [join(here, 'peers', 'tfjs_train.js'), JSON.stringify(req)], env);
}

async function attempt(run: TrainRun, measure: () => Promise<EpochReply & { timedSamples?: number; fullSamples?: number }>, progress: (l: string) => void): Promise<TrainRun> {
  try {
    const reply = await measure();
    run.info = reply.info;
    const { timedSamples, fullSamples } = reply;
    const scale = timedSamples && fullSamples && timedSamples < fullSamples ? fullSamples / timedSamples : 1;
    if (scale !== 1) run.scaledFrom = { samples: timedSamples!, of: fullSamples! };
    run.epochSecs = reply.epochSecs.map((s) => s * scale);
    run.secPerEpoch = median(run.epochSecs);
  } catch (err) {
    run.skipped = (err as Error).message;
    progress(`  ${run.label} skipped: ${run.skipped}`);
  }
  return run;
}

export async function runTrain({ quick, progress }: TrainOptions): Promise<TrainResult> {
  const epochs = quick ? 1 : 3;
  const cpuBatches = quick ? 2 : 4;
  const cpuEpochs = quick ? 1 : 2;
  const blank = { epochSecs: [], secPerEpoch: null, info: {} };

  progress('train: loading MNIST (for the PyTorch peer\'s copy)');
  // imported here so that `--only gemm` does not need @lite/core built
  const { loadMnist } = await import('@lite/core');
  const { train: data } = await loadMnist();
  const dir = mkdtempSync(join(tmpdir(), 'lite-bench-'));
  const dataFile = join(dir, 'mnist-train.bin');
  // float32 images (normalised, NHWC with C=1 = NCHW) then uint8 labels: what train_seedcnn.py reads
  writeFileSync(dataFile, Buffer.concat([Buffer.from(data.images.buffer, data.images.byteOffset, data.images.byteLength), Buffer.from(data.labels)]));

  try {
    const common = { ...RECIPE, warmupBatches: 2 };
    progress(`train: lite backend, ${epochs} epoch(s) of ${data.count} samples`);
    const lite = await attempt(
      { id: 'lite', label: `tfjs lite ${THREADS}T`, ...blank, note: `@lite/core train(), ${epochs} epoch(s) after a 2-batch warm-up` },
      () => runTfjs({ ...common, backend: 'lite', epochs }),
      progress,
    );
    progress(`train: PyTorch, ${epochs} epoch(s)`);
    const torch = await attempt(
      { id: 'pytorch', label: `PyTorch ${THREADS}T`, ...blank, note: `python/train_seedcnn.py, same recipe and samples, OMP_WAIT_POLICY=PASSIVE` },
      () => runPyTorch({ ...common, dataFile, count: data.count, epochs, threads: THREADS }),
      progress,
    );
    progress(`train: cpu backend, ${cpuEpochs} × ${cpuBatches} batches (scaled to the epoch; ~3-4 s per batch)`);
    const cpu = await attempt(
      { id: 'cpu', label: 'tfjs cpu 1T', ...blank, note: `${cpuEpochs} × ${cpuBatches} batches of ${RECIPE.batchSize} after a 1-batch warm-up, scaled to ${data.count} samples` },
      () => runTfjs({ ...common, warmupBatches: 1, backend: 'cpu', epochs: cpuEpochs, maxBatches: cpuBatches }),
      progress,
    );
    const speedup = cpu.secPerEpoch && lite.secPerEpoch ? cpu.secPerEpoch / lite.secPerEpoch : null;
    const vsTorch = lite.secPerEpoch && torch.secPerEpoch ? lite.secPerEpoch / torch.secPerEpoch : null;
    return {
      samples: data.count,
      ...RECIPE,
      threads: THREADS,
      runs: [lite, torch, cpu],
      ratios: [
        { name: 'lite speedup over cpu (cpu time / lite time)', value: speedup, goal: '≥ 200×', met: speedup === null ? null : speedup >= 200 },
        { name: 'lite time / PyTorch time', value: vsTorch, goal: '≤ 1.5×', met: vsTorch === null ? null : vsTorch <= 1.5 },
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
