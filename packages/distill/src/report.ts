import type { DistillMethod } from './options.js';

/** What {@link distill} measured. Accuracies are fractions in [0, 1], on `validation`. */
export interface DistillReport {
  method: DistillMethod;
  temperature: number;
  alpha: number;
  epochs: number;
  seed: number;
  /** Each teacher's accuracy (with validation data). */
  teacherAccuracy?: number[];
  /** 'multi': the weight of each teacher. */
  teacherWeights?: number[];
  /** The distilled student's accuracy. */
  studentAccuracy?: number;
  /** The same student trained alone (same initial weights, recipe and seed), when compared. */
  baselineAccuracy?: number;
  /** studentAccuracy − baselineAccuracy, in percentage points. */
  gainPoints?: number;
  /** 'self': each generation's accuracy (generation 0 is the student trained alone). */
  generations?: { generation: number; accuracy?: number }[];
  /** Seconds spent distilling (and training the baseline). */
  seconds: number;
  baselineSeconds?: number;
}

const pct = (v: number | undefined) => (v === undefined ? 'n/a' : `${(100 * v).toFixed(2)}%`);

/** The report as a few aligned lines for people. */
export function formatReport(r: DistillReport): string {
  const lines = [`method        ${r.method} (T = ${r.temperature}, α = ${r.alpha}, ${r.epochs} epochs, seed ${r.seed})`];
  if (r.teacherAccuracy) lines.push(`teacher       ${r.teacherAccuracy.map(pct).join(', ')}${r.teacherWeights ? `  weights ${r.teacherWeights.map((w) => w.toFixed(3)).join(', ')}` : ''}`);
  for (const g of r.generations ?? []) lines.push(`generation ${g.generation}  ${pct(g.accuracy)}${g.generation === 0 ? ' (alone)' : ''}`);
  lines.push(`student       ${pct(r.studentAccuracy)} distilled in ${r.seconds.toFixed(1)} s`);
  if (r.baselineAccuracy !== undefined) {
    const gain = r.gainPoints ?? 0;
    lines.push(`alone         ${pct(r.baselineAccuracy)} (same student, recipe and seed, trained alone)`);
    lines.push(`gain          ${gain >= 0 ? '+' : ''}${gain.toFixed(2)} pt`);
  }
  return `${lines.join('\n')}\n`;
}
