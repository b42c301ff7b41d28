// Turns measured results into tables (for stdout and the markdown file).
import { RATIOS, ratio, type GemmResult } from './gemm.js';
import { INT8_GEMM_RATIOS, INT8_MIN_DEPTH, rtId, type Goal, type Int8GemmResult, type Int8LayersResult, type Int8RuntimeResult, type LayerRow } from './int8.js';
import { MODEL_LABELS, type LatencyModelName } from './models.js';
import type { Peak } from './peak.js';
import type { RuntimeEncoding } from './quantized.js';
import { OP_COUNTS, peakNote, pct, percentOfPeak } from './roofline.js';
import { latencyRatio, type LatencyCell, type LatencyRow, type RuntimeResult } from './runtime.js';
import { num, times, type Table } from './table.js';
import type { TrainResult } from './train.js';

function describeInfo(info: Record<string, string | number | boolean>): string {
  return Object.entries(info)
    .filter(([k]) => k !== 'config')
    .map(([k, v]) => `${k} ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : v}`)
    .join(', ');
}

/** Peers whose GFLOP/s get a % of peak column: the single-thread ones of the GEMM table. */
const GEMM_PEAK_PEERS = ['lite-1t', 'openblas-1t'];

export function gemmTable(g: GemmResult, peak?: Peak): Table {
  const label = (id: string) => g.peers.find((p) => p.id === id)?.label ?? id;
  const short = (id: string) => label(id).replace(/^OpenBLAS /, 'OB').replace(/^lite /, 'lite').replace(/^tfjs-(\w+) 1T$/, '$1').replace(/^tfjs /, '');
  const rows = g.rows.map((row) => [
    row.label,
    ...g.peers.map((p) => num(row.gflops[p.id]) + (row.timedRows[p.id] !== undefined ? '*' : '')),
    ...RATIOS.map(([a, b]) => times(ratio(row, a, b), a === 'lite-1t' && b === 'tfjs-cpu' ? 0 : 2)),
    ...GEMM_PEAK_PEERS.map((id) => pct(percentOfPeak(row.gflops[id], peak, 'fp32'))),
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
    peakNote(peak, ['fp32'], OP_COUNTS.fp32Gemm),
  ];
  if (g.rows.some((r) => Object.keys(r.timedRows).length)) notes.push('Figures marked * are extrapolated from a row slice (see the tfjs cpu note).');
  return {
    title: 'fp32 GEMM, GFLOP/s (C[M,N] = A[M,K]·B[K,N], row-major)',
    headers: ['shape', ...g.peers.map((p) => label(p.id)), ...RATIOS.map(([a, b]) => `${short(a)}/${short(b)}`), ...GEMM_PEAK_PEERS.map((id) => `${short(id)} % peak`)],
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

const TWO_CORE_NOTE =
  'On this 2-core shared machine a 2-thread run slows down whenever another process holds the second core: compare 2T figures with care (the load average is in the header).';

/** Milliseconds with about three significant digits, or '—'. */
function ms(x: number | null | undefined): string {
  if (x == null || !Number.isFinite(x)) return '—';
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3);
}

/** A ratio with two significant digits (0.0021×, 0.064×, 0.85×, 1.2×, 12×). */
export function ratioText(x: number | null): string {
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
      TWO_CORE_NOTE,
      ...(sliced.length ? ['Figures marked * are extrapolated from a batch slice:', ...sliced] : []),
      `Timed calls per engine: ${calls.join('; ')}.`,
    ],
  };
}

export function goalText(g: Goal): string {
  const ratios = Object.entries(g.ratios).map(([k, v]) => `${k} ${ratioText(v)}`).join(', ');
  return `Goal ${g.name} ≥ ${g.goal}×: ${ratios}${g.met === null ? ' — not measured' : g.met ? ' — met' : ` — NOT met (lowest ${ratioText(g.min)})`}`;
}

function peerNote(p: { label: string; info: Record<string, string | number | boolean>; note?: string; skipped?: string }): string {
  return p.skipped ? `${p.label}: ${p.skipped}` : `${p.label}: ${describeInfo(p.info)}${p.note ? ` — ${p.note}` : ''}`;
}

/** int8 GEMM peers with a % of the int8 peak column (our fp32 GEMM is in the fp32 table). */
const INT8_PEAK_PEERS = ['int8', 'ort'];

export function int8GemmTable(g: Int8GemmResult, peak?: Peak): Table {
  const label = (id: string) => g.peers.find((p) => p.id === id)?.label ?? id;
  const skipped = (id: string) => g.peers.find((p) => p.id === id)?.skipped;
  const short = (id: string) => label(id).replace(/^lite /, '').replace(/ MatMulInteger$/, '');
  const cell = (row: Int8GemmResult['rows'][number], id: string) => (skipped(id)?.startsWith('n/a') ? 'n/a (not installed)' : num(row.gflops[id], 0));
  return {
    title: 'int8 GEMM, 1 thread, GOP/s (C[M,N] = A[M,K]·B[K,N]: uint8 A, int8 B packed once)',
    headers: ['shape', ...g.peers.map((p) => p.label), ...INT8_GEMM_RATIOS.map(([a, b]) => `${short(a)}/${short(b)}`), ...INT8_PEAK_PEERS.map((id) => `${short(id)} % peak`)],
    rows: g.rows.map((row) => [
      row.label, ...g.peers.map((p) => cell(row, p.id)), ...INT8_GEMM_RATIOS.map(([a, b]) => ratioText(ratio(row, a, b))),
      ...INT8_PEAK_PEERS.map((id) => pct(percentOfPeak(row.gflops[id], peak, 'int8'))),
    ]),
    notes: [
      `GOP/s = 2·M·N·K / s, median of ${g.rounds} interleaved round(s) × up to ${g.protocol.samples} samples of ≥ ${g.protocol.minSampleSec * 1000} ms, each peer in its own process with LITE_NUM_THREADS=1.`,
      ...g.peers.map(peerNote),
      ...g.goals.map(goalText),
      peakNote(peak, ['int8'], OP_COUNTS.int8Gemm),
    ],
  };
}

export function int8RuntimeTable(r: Int8RuntimeResult): Table {
  const threads = [...new Set(r.peers.map((p) => p.threads))];
  const cell = (row: LatencyRow, id: string) => {
    const why = r.peers.find((p) => p.id === id)?.notFor?.[row.model];
    return why ? 'n/a (dynamic only)' : cellText(row.cells[id]);
  };
  const rows = r.rows.flatMap((row) =>
    threads.map((t) => [
      row.label,
      String(row.batch),
      String(t),
      cell(row, rtId('f32', t)),
      cell(row, rtId('int8-static', t)),
      cell(row, rtId('int8-dynamic', t)),
      ratioText(latencyRatio(row, rtId('f32', t), rtId('int8-static', t))),
      ratioText(latencyRatio(row, rtId('f32', t), rtId('int8-dynamic', t))),
    ]),
  );
  const notFor = [...new Set(r.peers.flatMap((p) => Object.entries(p.notFor ?? {}).map(([m, why]) => `${MODEL_LABELS[m as LatencyModelName]}: ${why}, so it runs dynamic int8 only.`)))];
  const diffs = r.rows.map((row) => {
    const d = (e: 'int8-static' | 'int8-dynamic') => row.maxAbsDiff[rtId(e, 1)];
    return `${row.label} b${row.batch}: static ${d('int8-static')?.toExponential(1) ?? '—'}, dynamic ${d('int8-dynamic')?.toExponential(1) ?? '—'}`;
  });
  return {
    title: 'int8 inference latency, ms per LiteModel.predict call: median / p95 (.lite fp32 vs int8 weights from @lite/quant)',
    headers: ['model', 'batch', 'threads', '.lite f32', '.lite int8 static', '.lite int8 dynamic', 'f32/static', 'f32/dynamic'],
    rows,
    notes: [
      `${r.protocol}.`,
      'Ratios are .lite f32 median latency / int8 median latency at the same thread count: above 1× int8 is faster.',
      `${r.calibration}; every model is written as .lite bytes and loaded back, so static input ranges come from the file.`,
      ...notFor,
      // fileBytes and encoding describe the last case a peer ran, not every model: leave them out.
      ...r.peers.filter((p) => p.threads === 1 || p.skipped).map((p) => peerNote({ ...p, info: { isa: p.info.isa ?? '?', threads: p.info.threads ?? p.threads } })),
      `Outputs vs .lite f32 1T, max |Δ| over the first sample: ${diffs.join('; ')}.`,
      ...(threads.some((t) => t > 1) ? [TWO_CORE_NOTE] : []),
      ...r.goals.map(goalText),
    ],
  };
}

/** A layer kind for grouping a large model's layers: op plus filter size. */
function layerKind(l: LayerRow): string {
  if (l.op === 'conv2d') return `conv2d ${l.detail.split(' ')[0]} K${l.kernel === 'int8' ? '≥' : '<'}${INT8_MIN_DEPTH} (${l.kernel})`;
  if (l.op === 'depthwiseConv2d') return `depthwise ${l.detail.split(' ')[0]}`;
  return l.op;
}

export function int8LayersTables(r: Int8LayersResult): Table[] {
  return r.models.map((m) => {
    const int8 = m.encodings.filter((e) => e !== 'f32');
    const grouped = m.layers.length > 12;
    const groups = new Map<string, LayerRow[]>();
    for (const l of m.layers) {
      const key = grouped ? layerKind(l) : l.name;
      groups.set(key, [...(groups.get(key) ?? []), l]);
    }
    const sum = (ls: LayerRow[], e: RuntimeEncoding) => ls.reduce((s, l) => s + (l.ms[e] ?? NaN), 0);
    const best = int8.at(0)!;
    const total = sum(m.layers, best);
    const gemmSum = (ls: LayerRow[], kind: 'int8' | 'fp32') => (ls.some((l) => l.gemm) ? ls.reduce((s, l) => s + (l.gemm?.[kind] ?? 0), 0) : NaN);
    const row = (name: string, ls: LayerRow[]) => {
      const one = ls.length === 1 ? ls[0] : undefined;
      return [
        name,
        grouped ? String(ls.length) : one ? `${one.op} ${one.detail}` : '',
        one?.gemm ? `${one.gemm.m}×${one.gemm.k}×${one.gemm.n}` : '',
        num((ls.reduce((s, l) => s + l.macs, 0) * r.batch) / 1e6, 1),
        ...(grouped ? [] : [one ? `${one.weights[best] ?? '—'}/${one.kernel}` : '']),
        ms(sum(ls, 'f32')),
        ...int8.map((e) => ms(sum(ls, e))),
        ...int8.map((e) => ratioText(sum(ls, 'f32') / sum(ls, e))),
        `${((100 * sum(ls, best)) / total).toFixed(0)}%`,
        ms(gemmSum(ls, 'fp32')),
        ms(gemmSum(ls, 'int8')),
      ];
    };
    const short = (e: RuntimeEncoding) => e.replace('int8-', '');
    return {
      title: `Per-layer time, ${m.label} at batch ${r.batch}, 1 thread: ms per layer call (fp32 vs int8)`,
      headers: [
        grouped ? 'layer kind' : 'layer', grouped ? 'layers' : 'op', 'GEMM M×K×N', 'MMAC', ...(grouped ? [] : ['weights/kernel']),
        'fp32 ms', ...int8.map((e) => `int8 ${short(e)} ms`), ...int8.map((e) => `f32/${short(e)}`), `share of ${short(best)}`,
        'GEMM alone fp32 ms', 'GEMM alone int8 ms',
      ],
      align: ['left', grouped ? 'right' : 'left'],
      rows: [...[...groups].map(([name, ls]) => row(name, ls)), row('total', m.layers)],
      notes: [
        `Each layer cut out into a one-layer graph (a ZeroPadding2D it reads comes along; the runtime folds it into the conv) with the weights as that encoding stores them, its ${r.timed === 'steps' ? "planned kernel steps timed alone (no input/output copies)" : 'predict call timed (includes copying inputs in and outputs out)'} on uniform [0, 1) inputs of the layer's shape; median of ${r.rounds} round(s) × up to ${r.protocol.samples} samples of ≥ ${r.protocol.minSampleSec * 1000} ms; ${describeInfo(r.info)}.`,
        `GEMM M×K×N: the layer's GEMM (M = batch·outH·outW, K = filterH·filterW·inC, N = outC). The runtime runs a conv or dense layer with K < ${INT8_MIN_DEPTH} on the fp32 kernel over decoded weights even when they are stored int8 (MIN_INT8_DEPTH in @lite/core runtime/steps.ts), and depthwise convs always on the fp32 kernel: weights/kernel says what is stored and what runs.`,
        "GEMM alone: that GEMM timed by itself on native.gemm (fp32) and native.gemmS8 (uint8 × packed int8, float32 epilogue) — the rest of the layer's int8 time is quantizing its input, im2col and dispatch. The fp32 runtime's conv kernel is not this GEMM over im2col rows (it beats native.gemm on skinny N), so GEMM alone fp32 can exceed the layer's fp32 time.",
        ...(r.skipped ? [`Not measured: ${r.skipped}`] : []),
      ],
    };
  });
}
