// seedCnn training epoch: tfjs on the `lite` backend vs tfjs `cpu` vs PyTorch,
// same recipe and samples (the 7,996-sample MNIST training split). Each engine
// runs in its own process; pure-JS `cpu` is timed on a few batches and scaled.
// lite and PyTorch run at 2 threads (the goal's setting) and at 1 thread: on
// this shared 2-core machine a 2-thread run stalls whenever another process
// holds the second core, so the 1-thread pair is the steadier comparison.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runJson } from './peers/child.js';
import { runPyTorch, type EpochReply } from './peers/pytorch.js';
import type { TfjsTrainReply, TfjsTrainRequest } from './peers/tfjs_train.js';
import { median } from './timing.js';

const here = dirname(fileURLToPath(import.meta.url));
const RECIPE = { batchSize: 64, lr: 0.01, momentum: 0.5 };
const WARMUP_BATCHES = 2;

export interface TrainRun {
  id: string;
  label: string;
  threads: number;
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
  /** How lite and PyTorch were timed. */
  protocol: string;
  runs: TrainRun[];
  ratios: TrainRatio[];
}

export interface TrainOptions {
  quick: boolean;
  progress: (line: string) => void;
}

type Reply = EpochReply & { timedSamples?: number; fullSamples?: number };

function runTfjs(req: TfjsTrainRequest, threads: number): Promise<TfjsTrainReply> {
  const env = { ...process.env, LITE_NUM_THREADS: String(threads) };
  return runJson<TfjsTrainReply>(process.execPath, [join(here, 'peers', 'tfjs_train.js'), JSON.stringify(req)], env);
}

/** Runs one measurement and adds its epochs to `run`; after a failure, the run stays skipped. */
async function measureInto(run: TrainRun, measure: () => Promise<Reply>, progress: (l: string) => void): Promise<void> {
  if (run.skipped) return;
  try {
    const reply = await measure();
    run.info = reply.info;
    const { timedSamples, fullSamples } = reply;
    const scale = timedSamples && fullSamples && timedSamples < fullSamples ? fullSamples / timedSamples : 1;
    if (scale !== 1) run.scaledFrom = { samples: timedSamples!, of: fullSamples! };
    run.epochSecs.push(...reply.epochSecs.map((s) => s * scale));
    run.secPerEpoch = median(run.epochSecs);
  } catch (err) {
    run.skipped = (err as Error).message;
    progress(`  ${run.label} skipped: ${run.skipped}`);
  }
}

function ratio(name: string, num: TrainRun, den: TrainRun, goal: '≥ 200×' | '≤ 1.5×'): TrainRatio {
  const value = num.secPerEpoch && den.secPerEpoch ? num.secPerEpoch / den.secPerEpoch : null;
  const met = value === null ? null : goal === '≥ 200×' ? value >= 200 : value <= 1.5;
  return { name, value, goal, met };
}

/** Writes the split as float32 images (normalised; NHWC with C=1 is NCHW) then uint8 labels: what train_seedcnn.py reads. */
async function exportMnist(dir: string): Promise<{ file: string; count: number }> {
  // imported here so that `--only gemm` does not need @lite/core built
  const { loadMnist } = await import('@lite/core');
  const { train } = await loadMnist();
  const file = join(dir, 'mnist-train.bin');
  writeFileSync(file, Buffer.concat([Buffer.from(train.images.buffer, train.images.byteOffset, train.images.byteLength), Buffer.from(train.labels)]));
  return { file, count: train.count };
}

export async function runTrain({ quick, progress }: TrainOptions): Promise<TrainResult> {
  // Engines alternate, a fresh process each round, so that a slow spell of
  // this shared machine does not land on one of them only.
  const rounds = quick ? 1 : 3;
  const epochsPerRound = quick ? 1 : 2;
  const cpuBatches = quick ? 2 : 4;
  const cpuEpochs = quick ? 1 : 2;

  progress("train: exporting MNIST for the PyTorch peer");
  const dir = mkdtempSync(join(tmpdir(), 'lite-bench-'));
  try {
    const data = await exportMnist(dir);
    const protocol = `lite and PyTorch: ${rounds} alternating round(s), each a fresh process timing ${epochsPerRound} epoch(s) after a ${WARMUP_BATCHES}-batch warm-up; medians over all epochs`;
    const run = (id: string, label: string, threads: number, note: string): TrainRun => ({ id, label, threads, epochSecs: [], secPerEpoch: null, info: {}, note });
    const lite = [1, 2].map((t) => run(`lite-${t}t`, `tfjs lite ${t}T`, t, '@lite/core train()'));
    const torch = [1, 2].map((t) => run(`pytorch-${t}t`, `PyTorch ${t}T`, t, 'python/train_seedcnn.py, OMP_WAIT_POLICY=PASSIVE'));
    const cpu = run('cpu', 'tfjs cpu 1T', 1, `${cpuEpochs} × ${cpuBatches} batches of ${RECIPE.batchSize} after a 1-batch warm-up, scaled to ${data.count} samples`);

    const common = { ...RECIPE, warmupBatches: WARMUP_BATCHES };
    for (let r = 0; r < rounds; r++) {
      for (const i of [0, 1]) {
        const [l, p] = [lite[i]!, torch[i]!];
        progress(`train round ${r + 1}/${rounds}: ${l.label}, ${epochsPerRound} epoch(s) of ${data.count} samples`);
        await measureInto(l, () => runTfjs({ ...common, backend: 'lite', epochs: epochsPerRound }, l.threads), progress);
        progress(`train round ${r + 1}/${rounds}: ${p.label}, ${epochsPerRound} epoch(s)`);
        await measureInto(p, () => runPyTorch({ ...common, dataFile: data.file, count: data.count, epochs: epochsPerRound, threads: p.threads }), progress);
      }
    }
    progress(`train: cpu backend, ${cpuEpochs} × ${cpuBatches} batches (scaled to the epoch; ~4-5 s per batch)`);
    await measureInto(cpu, () => runTfjs({ ...common, warmupBatches: 1, backend: 'cpu', epochs: cpuEpochs, maxBatches: cpuBatches }, 1), progress);

    const [lite1, lite2] = [lite[0]!, lite[1]!];
    const [torch1, torch2] = [torch[0]!, torch[1]!];
    return {
      samples: data.count,
      ...RECIPE,
      protocol,
      runs: [lite2, torch2, lite1, torch1, cpu],
      ratios: [
        ratio('speedup of lite 2T over cpu (cpu time / lite time)', cpu, lite2, '≥ 200×'),
        ratio('speedup of lite 1T over cpu', cpu, lite1, '≥ 200×'),
        ratio('lite 2T time / PyTorch 2T time', lite2, torch2, '≤ 1.5×'),
        ratio('lite 1T time / PyTorch 1T time', lite1, torch1, '≤ 1.5×'),
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
