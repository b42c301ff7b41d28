import { readFileSync } from 'node:fs';
import type { PruneMethod, PruneScope } from './options.js';
import type { ScheduleKind } from './schedule/index.js';
import type { SensitivityTable } from './sensitivity/index.js';

/** What pruning did to one layer's kernel. */
export interface LayerPruneReport {
  layer: string;
  /** tfjs class, e.g. 'Conv2D'. */
  className: string;
  shape: number[];
  weights: number;
  /**
   * The sparsity asked of this layer: the target (scope 'layer'), the allocation
   * (scope 'auto'), the share the global ranking gave it (scope 'global'), 1 − N/M;
   * null for a threshold, which asks no sparsity.
   */
  asked: number | null;
  /** Fraction of exact zeros right after pruning (for a gradual schedule: at its end step). */
  afterPruning: number;
  /** Fraction of exact zeros after fine-tuning (equal to afterPruning when masks hold). */
  afterFinetune: number;
}

/** Accuracy in percent on options.validation. */
export interface PruneAccuracy {
  before: number;
  afterPruning: number;
  after: number;
}

/** What {@link prune} did. */
export interface PruneReport {
  method: PruneMethod;
  scope: PruneScope;
  schedule: ScheduleKind;
  masks: boolean;
  /** The overall target sparsity; null for a threshold. */
  asked: number | null;
  threshold?: number;
  nm?: { n: number; m: number };
  finetuneEpochs: number;
  layers: LayerPruneReport[];
  /** Over all pruned kernels together. */
  overall: { weights: number; afterPruning: number; afterFinetune: number };
  /** With options.validation. */
  accuracy?: PruneAccuracy;
  /** Scope 'auto': the measured table its allocation came from. */
  sensitivity?: SensitivityTable;
}

const pct = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? '—' : `${(100 * x).toFixed(digits)}%`);

/** The report as a fixed-width table, one row per layer and a total row. */
export function formatPruneReport(report: PruneReport): string {
  const head = `${'layer'.padEnd(16)} ${'weights'.padStart(8)} ${'asked'.padStart(8)} ${'pruned'.padStart(8)} ${'finetuned'.padStart(9)}`;
  const rows = report.layers.map((l) =>
    `${l.layer.padEnd(16)} ${String(l.weights).padStart(8)} ${pct(l.asked).padStart(8)} ${pct(l.afterPruning).padStart(8)} ${pct(l.afterFinetune).padStart(9)}`);
  const o = report.overall;
  rows.push(`${'total'.padEnd(16)} ${String(o.weights).padStart(8)} ${pct(report.asked).padStart(8)} ${pct(o.afterPruning).padStart(8)} ${pct(o.afterFinetune).padStart(9)}`);
  return `${[head, ...rows].join('\n')}\n`;
}

/** A sensitivity table as text: one row per layer, accuracy (percent) per sparsity. */
export function formatSensitivityTable(table: SensitivityTable): string {
  const head = `${'layer'.padEnd(16)} ${'weights'.padStart(8)} ${table.sparsities.map((s) => pct(s, 0).padStart(7)).join(' ')}`;
  const rows = table.layers.map((l) => `${l.layer.padEnd(16)} ${String(l.weights).padStart(8)} ${l.accuracy.map((a) => a.toFixed(2).padStart(7)).join(' ')}`);
  return `${head}\n${rows.join('\n')}\n(accuracy % with only that layer pruned; unpruned ${table.baseline.toFixed(2)}%, ${table.method} ranking)\n`;
}

/** The @lite/prune version, for provenance records (from its package.json, one level above dist/ and src/). */
export const PRUNE_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
