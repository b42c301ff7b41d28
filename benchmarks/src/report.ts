// Turns measured results into tables (for stdout and the markdown file).
import { RATIOS, ratio, type GemmResult } from './gemm.js';
import { latencyRatio, type LatencyCell, type RuntimeResult } from './runtime.js';
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

/** Milliseconds with about three significant digits, or '—'. */
function ms(x: number | null | undefined): string {
  if (x == null || !Number.isFinite(x)) return '—';
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3);
}

/** A ratio with two significant digits (0.0021×, 0.064×, 0.85×, 1.2×, 12×). */
function ratioText(x: number | null): string {
  if (x == null || !Number.isFinite(x)) return '—';
  return `${x >= 10 ? x.toFixed(0) : x.toPrecision(2)}×`;
}

function cellText(c: LatencyCell | undefined): string {
  if (!c || c.median == null) return '—';
  return `${ms(c.median)} / ${ms(c.p95)}${c.timedBatch !== undefined ? '*' : ''}`;
}

export function runtimeTable(r: RuntimeResult): Table {
  const peer = (id: string) => r.peers.find((p) => p.id === id);
  // One row per model, batch and thread count; tfjs-wasm and tfjs cpu are
  // single-threaded, so their 1-thread figure stands in both rows.
  const rows = r.rows.flatMap((row) =>
    [1, 2].map((t) => {
      const ids = { f32: `rt-f32-${t}t`, f16: `rt-f16-${t}t`, lite: `tfjs-lite-${t}t` };
      return [
        row.label,
        String(row.batch),
        `${t}`,
        cellText(row.cells[ids.f32]),
        cellText(row.cells[ids.f16]),
        cellText(row.cells[ids.lite]),
        cellText(row.cells['wasm']),
        cellText(row.cells['tfjs-cpu']),
        ratioText(latencyRatio(row, ids.f32, ids.lite)),
        ratioText(latencyRatio(row, ids.f32, 'wasm')),
        ratioText(latencyRatio(row, ids.f32, 'tfjs-cpu')),
      ];
    }),
  );
  const macs = r.rows
    .filter((row, i, all) => row.macsPerSample !== undefined && all.findIndex((x) => x.model === row.model) === i)
    .map((row) => `${row.label} ${(row.macsPerSample! / 1e6).toFixed(2)} M`);
  const diffs = r.rows.map((row) => {
    const worst = Object.entries(row.maxAbsDiff)
      .filter(([id]) => id !== 'tfjs-cpu')
      .map(([id, d]) => [id, d] as const);
    const known = worst.filter((x): x is readonly [string, number] => x[1] !== null);
    const f32 = known.filter(([id]) => !id.includes('f16')).reduce((m, [, d]) => Math.max(m, d), 0);
    const f16 = known.filter(([id]) => id.includes('f16')).reduce((m, [, d]) => Math.max(m, d), 0);
    return `${row.label} b${row.batch}: ${f32.toExponential(1)} (f16 weights: ${f16.toExponential(1)})`;
  });
  const sliced = r.rows.flatMap((row) =>
    Object.entries(row.cells)
      .filter(([, c]) => c.timedBatch !== undefined)
      .map(([id, c]) => `${peer(id)?.label ?? id} ${row.label} batch ${row.batch}: timed on ${c.timedBatch} samples per call and scaled ×${row.batch / c.timedBatch!} (cost is linear in the batch), ${c.calls} call(s)`),
  );
  const calls = r.rows.map((row) => `${row.label} b${row.batch}: ${r.peers.map((p) => `${p.label} ${row.cells[p.id]?.calls ?? 0}`).join(', ')}`);
  return {
    title: 'Inference latency, ms per predict call: median / p95 (the .lite runtime vs tfjs on lite, wasm and cpu backends)',
    headers: ['model', 'batch', 'threads', '.lite f32', '.lite f16', 'tfjs lite', 'tfjs-wasm 1T', 'tfjs cpu 1T', 'f32/tfjs lite', 'f32/wasm', 'f32/cpu'],
    rows,
    notes: [
      `${r.protocol}.`,
      'Ratios are .lite f32 median latency / peer median latency at the same thread count (wasm and cpu: their single-thread figure); below 1× the .lite runtime is faster.',
      '.lite f32/f16: LiteModel.predict({data, shape}) from @lite/core on a model converted with fromLayersModel (BatchNormalization folded), stored as .lite bytes with fp32 or f16 weights and loaded (f16 is decoded to fp32 once at load, so it runs the same kernels). tfjs: tfjs-layers model.predict(x, {batchSize: batch}) (the whole batch in one call) then dataSync() of the output; both include copying the output out.',
      'tfjs lite: tfjs on the `lite` backend (tfjs cpu with native conv/matmul/pool kernels; other ops stay pure JS).',
      ...r.peers.map((p) => (p.skipped ? `${p.label}: skipped (${p.skipped})` : `${p.label}: ${describeInfo(p.info)}${p.note ? ` — ${p.note}` : ''}`)),
      `MACs per sample: ${macs.join(', ')}.`,
      `Same function on every engine: max |output − tfjs cpu output| over the first sample's outputs, worst of the fp32 engines (.lite f32, tfjs lite, wasm) — ${diffs.join('; ')}.`,
      'On this 2-core shared machine a 2-thread run slows down whenever another process holds the second core: compare 2T figures with care (the load average is in the header).',
      ...(sliced.length ? ['Figures marked * are extrapolated from a batch slice:', ...sliced] : []),
      `Timed calls per engine: ${calls.join('; ')}.`,
    ],
  };
}
