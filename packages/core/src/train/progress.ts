/** Where the trainer is inside an epoch, for a progress display. */
export interface BatchProgress {
  /** 0-based epoch. */
  epoch: number;
  epochs: number;
  /** Batches done in this epoch (1-based count). */
  batch: number;
  batches: number;
  /** Mean loss over this epoch's batches so far. */
  loss: number;
  samplesPerSec: number;
  /** Seconds left in this epoch at the current speed. */
  etaSec: number;
}

/** What the trainer reports at the end of an epoch. */
export interface EpochLogs {
  /** 0-based epoch. */
  epoch: number;
  /** Mean training loss over the epoch's samples. */
  loss: number;
  samples: number;
  batches: number;
  seconds: number;
  samplesPerSec: number;
  /** Accuracy on `validation` when given. */
  valAccuracy?: number;
  /** Loss on `validation` when given. */
  valLoss?: number;
}

/** Receives training progress; every method is optional. Pass one to `train` to redirect or silence output. */
export interface ProgressSink {
  batch?(progress: BatchProgress): void;
  epoch?(logs: EpochLogs, epochs: number): void;
}

/** A sink that prints nothing. */
export const silentProgress: ProgressSink = {};

/** A stream that may be a terminal (process.stderr is one). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** One summary line for an epoch. */
export function formatEpoch(logs: EpochLogs, epochs: number): string {
  const val = logs.valAccuracy === undefined ? '' : `  val acc ${(100 * logs.valAccuracy).toFixed(2)}%  val loss ${logs.valLoss?.toFixed(4)}`;
  return `epoch ${logs.epoch + 1}/${epochs}  loss ${logs.loss.toFixed(4)}  ${Math.round(logs.samplesPerSec)} samples/s  ${logs.seconds.toFixed(1)}s${val}`;
}

function formatBar(p: BatchProgress, columns: number): string {
  const text = ` ${p.batch}/${p.batches}  loss ${p.loss.toFixed(4)}  ${Math.round(p.samplesPerSec)} samples/s  ETA ${Math.ceil(p.etaSec)}s`;
  const head = `epoch ${p.epoch + 1}/${p.epochs} `;
  const width = Math.max(10, Math.min(30, columns - head.length - text.length - 3));
  const filled = Math.round((width * p.batch) / p.batches);
  return `${head}[${'='.repeat(filled)}${' '.repeat(width - filled)}]${text}`;
}

/**
 * Prints progress to `stream` (stderr by default): a redrawn progress bar (batches,
 * loss, samples/s, ETA) on a terminal, and only one line per epoch otherwise, so logs
 * and CI output stay short.
 */
export function consoleProgress(stream: ProgressStream = process.stderr): ProgressSink {
  const tty = stream.isTTY === true;
  let lastDraw = 0;
  return {
    batch(p) {
      if (!tty) return;
      const now = Date.now();
      // Redraw at most ~10 times a second, and always on the last batch.
      if (now - lastDraw < 100 && p.batch < p.batches) return;
      lastDraw = now;
      stream.write(`\r\x1b[2K${formatBar(p, stream.columns ?? 80)}`);
    },
    epoch(logs, epochs) {
      stream.write(`${tty ? '\r\x1b[2K' : ''}${formatEpoch(logs, epochs)}\n`);
    },
  };
}
