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

/** Progress of a long step that is not an epoch of training (calibration, sensitivity analysis, …). */
export interface TaskProgress {
  /** What is being done, e.g. "calibrating". */
  label: string;
  /** Units done so far (1-based count) and in all. */
  done: number;
  total: number;
  /** A short detail for the end of the line, e.g. the current layer. */
  detail?: string;
}

/** Receives progress; every method is optional. Pass one to `train` (or a compression step) to redirect or silence output. */
export interface ProgressSink {
  batch?(progress: BatchProgress): void;
  epoch?(logs: EpochLogs, epochs: number): void;
  /** Any other long step; called as work is done, with done === total at the end. */
  task?(progress: TaskProgress): void;
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

/** `head [====    ] text`, the bar as wide as the line allows (10–30 cells). */
function bar(head: string, done: number, total: number, text: string, columns: number): string {
  const width = Math.max(10, Math.min(30, columns - head.length - text.length - 3));
  const filled = total > 0 ? Math.round((width * Math.min(done, total)) / total) : width;
  return `${head}[${'='.repeat(filled)}${' '.repeat(width - filled)}]${text}`;
}

function formatBar(p: BatchProgress, columns: number): string {
  const text = ` ${p.batch}/${p.batches}  loss ${p.loss.toFixed(4)}  ${Math.round(p.samplesPerSec)} samples/s  ETA ${Math.ceil(p.etaSec)}s`;
  return bar(`epoch ${p.epoch + 1}/${p.epochs} `, p.batch, p.batches, text, columns);
}

/** One line for a task's progress. */
export function formatTask(p: TaskProgress, columns = 80): string {
  return bar(`${p.label} `, p.done, p.total, ` ${p.done}/${p.total}${p.detail ? `  ${p.detail}` : ''}`, columns);
}

/**
 * Prints progress to `stream` (stderr by default): a redrawn progress bar (batches,
 * loss, samples/s, ETA; or a task's units) on a terminal, and only one line per
 * epoch or finished task otherwise, so logs and CI output stay short.
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
    task(p) {
      const last = p.done >= p.total;
      if (!tty) {
        // Off a terminal only the finished task gets a line.
        if (last) stream.write(`${formatTask(p)}\n`);
        return;
      }
      const now = Date.now();
      if (now - lastDraw < 100 && !last) return;
      lastDraw = now;
      stream.write(`\r\x1b[2K${formatTask(p, stream.columns ?? 80)}${last ? '\n' : ''}`);
    },
  };
}
