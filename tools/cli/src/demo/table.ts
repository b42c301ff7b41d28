// The demo's table for people: one line per row, grouped.
import { formatBytes, formatCount } from '../format.js';
import type { DemoRow } from './row.js';

const HEAD = ['model', 'accuracy', 'bytes', '× smaller', 'p50 b1', 'p50 b256', 'MACs', 'nz MACs', 'sparsity'];

const ms = (x: number) => (x < 10 ? `${x.toFixed(3)} ms` : `${x.toFixed(1)} ms`);

/** The cells of one row, as printed. */
export function rowCells(r: DemoRow): string[] {
  return [
    `${r.reference ? '✗ ' : '  '}${r.name}`,
    `${(100 * r.accuracy).toFixed(2)}%`,
    formatBytes(r.bytes),
    `${r.ratio.toFixed(1)}×`,
    ms(r.p50b1),
    ms(r.p50b256),
    formatCount(r.macs),
    formatCount(r.macsNonzero),
    `${(100 * r.sparsity).toFixed(1)}%`,
  ];
}

/** The comparison table: a header, then each group's rows under its name. */
export function formatTable(rows: DemoRow[]): string {
  const cells = rows.map(rowCells);
  const widths = HEAD.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ').trimEnd();
  const out = [line(HEAD), widths.map((w) => '─'.repeat(w)).join('  ')];
  let group = '';
  rows.forEach((r, i) => {
    if (r.group !== group) {
      group = r.group;
      out.push(`[${group}]`);
    }
    out.push(line(cells[i]));
  });
  return `${out.join('\n')}\n`;
}

/** What the columns mean, printed under the table. */
export const TABLE_LEGEND =
  '✗ = the reference document\'s recipe as written (its bug reproduced), next to our fixed version.\n' +
  'accuracy: test split, on the .lite runtime; bytes: the .lite file (sparse kernels stored sparse, Huffman where smaller);\n' +
  '× smaller: vs the fp32 tfjs model directory (model.json + weights.bin) of the same architecture, as `lite compress` counts\n' +
  '(seedStudent rows: vs the seedCnn teacher); p50: median latency on the lite runtime at batch 1 and 256; MACs per sample, dense\n' +
  'and with zero weights skipped (nz); sparsity: zeros in conv/dense kernels.\n';
