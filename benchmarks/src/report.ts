// Turns measured results into tables (for stdout and the markdown file).
import { RATIOS, ratio, type GemmResult } from './gemm.js';
import { num, times, type Table } from './table.js';
import type { TrainResult } from './train.js';

function describeInfo(info: Record<string, string | number | boolean>): string {
  return Object.entries(info)
    .filter(([k]) => k !== 'config')
    .map(([k, v]) => `${k} ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : v}`)
    .join(', ');
}

export function gemmTable(g: GemmResult): Table {
  const label = (id: string) => g.peers.find((p) => p.id === id)?.label ?? id;
  const short = (id: string) => label(id).replace(/^OpenBLAS /, 'OB').replace(/^lite /, 'lite').replace(/^tfjs-(\w+) 1T$/, '$1').replace(/^tfjs /, '');
  const rows = g.rows.map((row) => [
    row.label,
    ...g.peers.map((p) => num(row.gflops[p.id]) + (row.timedRows[p.id] !== undefined ? '*' : '')),
    ...RATIOS.map(([a, b]) => times(ratio(row, a, b), a === 'lite-1t' && b === 'tfjs-cpu' ? 0 : 2)),
  ]);
  const h = g.headline;
  const notes = [
    `GFLOP/s, median of ${g.rounds} interleaved round(s) × up to ${g.protocol.samples} samples of ≥ ${g.protocol.minSampleSec * 1000} ms; ratios are lite / peer.`,
    ...g.peers.map((p) =>
      p.skipped ? `${p.label}: skipped (${p.skipped})` : `${p.label}: ${describeInfo(p.info)}${p.note ? ` — ${p.note}` : ''}`,
    ),
    `Headline, lite 1T / OpenBLAS 1T at 512³–2048³ (goal ≥ ${h.goal}×): ` +
      Object.entries(h.ratios)
        .map(([k, v]) => `${k} ${times(v)}`)
        .join(', ') +
      (h.met === null ? ' — not measured' : h.met ? ' — goal met' : ' — goal NOT met'),
  ];
  if (g.rows.some((r) => Object.keys(r.timedRows).length)) notes.push('Figures marked * are extrapolated from a row slice (see the tfjs cpu note).');
  return {
    title: 'fp32 GEMM, GFLOP/s (C[M,N] = A[M,K]·B[K,N], row-major)',
    headers: ['shape', ...g.peers.map((p) => label(p.id)), ...RATIOS.map(([a, b]) => `${short(a)}/${short(b)}`)],
    rows,
    notes,
  };
}

export function trainTable(t: TrainResult): Table {
  const rows = t.runs.map((r) => [
    r.label,
    r.secPerEpoch == null ? '—' : num(r.secPerEpoch, 2) + (r.scaledFrom ? '*' : ''),
    r.epochSecs.map((s) => num(s, 2)).join(' '),
    r.skipped ? `skipped: ${r.skipped}` : r.note ?? '',
  ]);
  const ratioNotes = t.ratios.map(
    (x) => `${x.name}: ${times(x.value, x.value != null && x.value >= 10 ? 0 : 2)} (goal ${x.goal})${x.met === null ? '' : x.met ? ' — met' : ' — NOT met'}`,
  );
  return {
    title: `seedCnn training epoch (${t.samples} MNIST samples, batch ${t.batchSize}, SGD lr ${t.lr} momentum ${t.momentum})`,
    headers: ['engine', 's/epoch (median)', 'per epoch', 'notes'],
    align: ['left', 'right', 'left', 'left'],
    rows,
    notes: [
      t.protocol,
      ...ratioNotes,
      ...t.runs.filter((r) => !r.skipped).map((r) => `${r.label}: ${describeInfo(r.info)}`),
      ...(t.runs.some((r) => r.scaledFrom) ? ['Figures marked * were timed on a subset of batches and scaled to the full epoch.'] : []),
    ],
  };
}
