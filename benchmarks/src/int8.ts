// int8 inference: the int8 GEMM (@lite/native gemmS8) against our fp32 GEMM and
// ONNX Runtime's MatMulInteger at one thread, the .lite runtime with int8 weights
// (@lite/quant static and dynamic) against the same model in fp32, and a per-layer
// breakdown of where the int8 model's time goes. Everything runs in child
// processes (LITE_NUM_THREADS is read once when the addon loads), interleaved
// per case over several rounds; figures are medians.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gemmShapes, measurePeers, nodeChild, ratio, type GemmRow, type Peer, type PeerSummary } from './gemm.js';
import { MODEL_LABELS, type LatencyModelName } from './models.js';
import { runJson } from './peers/child.js';
import type { Shape } from './peers/child.js';
import type { LayersReply, LayersRequest, LayerTiming } from './peers/int8_layers.js';
import type { LatencyProtocol } from './peers/latency.js';
import { ortLocation } from './peers/onnxruntime.js';
import { runPyTorchInt8, type PyTorchInt8Reply } from './peers/pytorch_int8.js';
import { STATIC_CALIBRATION_NOTE, unsupported, type RuntimeEncoding } from './quantized.js';
import { BATCHES, describeProtocol, latencyRatio, measureLatency, percentile, type LatencyCell, type LatencyPeer, type LatencyRow } from './runtime.js';
import { num, times, type Table } from './table.js';
import { median, type Protocol } from './timing.js';

const here = dirname(fileURLToPath(import.meta.url));

/** A ratio goal over several cases: met when every measured ratio reaches it. */
export interface Goal {
  name: string;
  goal: number;
  ratios: Record<string, number | null>;
  min: number | null;
  met: boolean | null;
}

function goal(name: string, target: number, ratios: Record<string, number | null>): Goal {
  const known = Object.values(ratios).filter((x): x is number => x !== null);
  const min = known.length ? Math.min(...known) : null;
  return { name, goal: target, ratios, min, met: min === null ? null : min >= target };
}

/** Ratio columns of the GEMM table: [numerator, denominator]. */
export const INT8_GEMM_RATIOS: ReadonlyArray<readonly [string, string]> = [
  ['int8', 'ort'],
  ['int8-i32', 'ort'],
  ['int8', 'fp32'],
];

export interface Int8GemmResult {
  peers: PeerSummary[];
  rounds: number;
  protocol: Protocol;
  /** GOP/s (2mnk operations per second) per peer id. */
  rows: GemmRow[];
  goals: Goal[];
}

export interface Int8RuntimeResult {
  rounds: number;
  protocol: string;
  peers: LatencyPeer[];
  rows: LatencyRow[];
  calibration: string;
  goals: Goal[];
}

export interface LayerRow extends Omit<LayerTiming, 'secPerCall' | 'gemm'> {
  /** Median ms per call at the batch, per encoding. */
  ms: Partial<Record<RuntimeEncoding, number>>;
  /** Conv and dense layers: the layer's GEMM shape and median ms of it alone on the int8 and fp32 GEMM. */
  gemm?: Shape & { int8: number; fp32: number };
  /** The kernel the runtime runs the layer on in int8 models. */
  kernel: 'int8' | 'fp32';
}

/**
 * In the per-layer timings each layer runs alone, float32 in and out (no uint8
 * flow): there a conv or dense layer with fewer multiply-adds per output runs
 * on the fp32 kernel even with int8 weights (MIN_INT8_DEPTH of @lite/core's
 * runtime/steps.ts) and a depthwise conv on the fp32 kernel. In the whole
 * model the uint8 flow runs depthwise convs on depthwiseConv2dS8, and seedCnn's
 * conv1 (K = 25) on conv2dS8's direct kernel with pool1 fused (runtime/int8_flow.ts).
 */
export const INT8_MIN_DEPTH = 32;

export interface Int8LayersResult {
  batch: number;
  rounds: number;
  protocol: Protocol;
  info: Record<string, string | number | boolean>;
  timed: LayersReply['timed'];
  models: { model: LatencyModelName; label: string; encodings: RuntimeEncoding[]; layers: LayerRow[] }[];
  skipped?: string;
}

/** PyTorch fp32 and eager-mode static int8 on the runtime table's models, batches and threads. */
export interface Int8PyTorchResult {
  rounds: number;
  protocol: string;
  /** What ran (torch version, quantized engines, BLAS, CPU capability, layouts), from the last reply. */
  info: Record<string, string | number | boolean>;
  /** Variants: 'fp32', 'int8-onednn', 'int8-qnnpack'; engines per thread count. */
  engines: Record<number, string[]>;
  rows: { model: LatencyModelName; label: string; batch: number; threads: number; cells: Record<string, LatencyCell> }[];
  /** Set when the peer did not run at all (no Python, no torch). */
  skipped?: string;
  /** Variants that did not run, with why. */
  notRun: Record<string, string>;
}

export interface Int8Result {
  gemm: Int8GemmResult;
  runtime: Int8RuntimeResult;
  layers: Int8LayersResult;
  pytorch: Int8PyTorchResult;
}

export interface Int8Options {
  quick: boolean;
  progress: (line: string) => void;
}

// ---------------------------------------------------------------- GEMM

function gemmPeers(): Peer[] {
  const one = { ...process.env, LITE_NUM_THREADS: '1' };
  const ort = ortLocation();
  return [
    { id: 'int8', label: 'lite int8', everyRound: true, note: 'gemmS8, uint8 × packed int8, float32 out (per-column scale and bias: the epilogue a layer uses)', run: nodeChild('int8_gemm.js', ['lite'], one) },
    { id: 'int8-i32', label: 'lite int8→i32', everyRound: true, note: 'gemmS8 with the exact int32 sums out, as MatMulInteger returns', run: nodeChild('int8_gemm.js', ['lite-i32'], one) },
    {
      id: 'ort',
      label: 'ORT MatMulInteger',
      everyRound: true,
      note: 'onnxruntime-node CPU EP, intra_op_num_threads 1, B a constant initializer (pre-packed at session creation), int32 out; each call is an awaited session.run',
      ...(ort ? {} : { skipped: 'n/a (not installed): npm install --no-save --ignore-scripts onnxruntime-node, or LITE_BENCH_ORT=<its folder>' }),
      run: nodeChild('int8_gemm.js', ['ort'], one),
    },
    { id: 'fp32', label: 'lite fp32', everyRound: true, note: 'native.gemm on float32 of the same shape', run: nodeChild('native.js', [], one) },
  ];
}

async function runInt8Gemm(quick: boolean, progress: Int8Options['progress']): Promise<Int8GemmResult> {
  const rounds = quick ? 1 : 3;
  const protocol: Protocol = quick ? { samples: 3, minSampleSec: 0.05, maxTotalSec: 0.6 } : { samples: 3, minSampleSec: 0.1, maxTotalSec: 1 };
  const { peers, rows } = await measurePeers(gemmShapes(quick), gemmPeers(), { part: 'int8 gemm', rounds, protocol, progress });
  const per = (num: string, den: string) => Object.fromEntries(rows.map((r) => [r.label, ratio(r, num, den)]));
  const goals = [goal('int8 / ORT MatMulInteger', 1.15, per('int8', 'ort')), goal('int8 / our fp32 GEMM', 3, per('int8', 'fp32'))];
  return { peers, rounds, protocol, rows, goals };
}

// ---------------------------------------------------------------- runtime

/** Short ids of the runtime encodings. */
const RT_IDS: Record<Exclude<RuntimeEncoding, 'f16'>, string> = { f32: 'f32', 'int8-static': 's8s', 'int8-dynamic': 's8d' };
export const rtId = (encoding: Exclude<RuntimeEncoding, 'f16'>, threads: number) => `rt-${RT_IDS[encoding]}-${threads}t`;

function runtimePeers(threads: number[]): LatencyPeer[] {
  const encodings = Object.keys(RT_IDS) as Exclude<RuntimeEncoding, 'f16'>[];
  return threads.flatMap((t) =>
    encodings.map((encoding): LatencyPeer => {
      const notFor = Object.fromEntries(
        (Object.keys(MODEL_LABELS) as LatencyModelName[]).flatMap((m) => {
          const why = unsupported(m, encoding);
          return why ? [[m, why]] : [];
        }),
      );
      return {
        id: rtId(encoding, t),
        label: `.lite ${encoding} ${t}T`,
        engine: { kind: 'runtime', encoding },
        threads: t,
        info: {},
        ...(Object.keys(notFor).length ? { notFor } : {}),
      };
    }),
  );
}

/** The better int8 engine of a row at `threads`: fp32 latency / its latency. */
export function int8Speedup(row: LatencyRow, threads: number): { id: string; ratio: number | null } {
  const candidates = (['int8-static', 'int8-dynamic'] as const).map((e) => ({ id: rtId(e, threads), ratio: latencyRatio(row, rtId('f32', threads), rtId(e, threads)) }));
  const known = candidates.filter((c) => c.ratio !== null);
  return known.length ? known.reduce((a, b) => (b.ratio! > a.ratio! ? b : a)) : { id: candidates[0]!.id, ratio: null };
}

async function runInt8Runtime(quick: boolean, progress: Int8Options['progress']): Promise<Int8RuntimeResult> {
  const rounds = quick ? 1 : 3;
  const threads = quick ? [1] : [1, 2];
  const protocol: LatencyProtocol = quick
    ? { warmup: 2, maxWarmupSec: 0.3, runs: 20, minRuns: 1, maxSec: 0.4 }
    : { warmup: 3, maxWarmupSec: 1, runs: 100, minRuns: 2, maxSec: 1.5 };
  const peers = runtimePeers(threads);
  const rows = await measureLatency(peers, { part: 'int8 runtime', rounds, protocol, reference: rtId('f32', 1), progress });
  const goals = threads.map((t) =>
    goal(`fp32 / int8 runtime latency at batch 256, ${t} thread(s)`, 2, Object.fromEntries(rows.filter((r) => r.batch === 256).map((r) => [r.label, int8Speedup(r, t).ratio]))),
  );
  const calibration = STATIC_CALIBRATION_NOTE;
  return { rounds, protocol: describeProtocol(rounds, protocol), peers, rows, calibration, goals };
}

// ---------------------------------------------------------------- per layer

async function runInt8Layers(quick: boolean, progress: Int8Options['progress']): Promise<Int8LayersResult> {
  const batch = 256;
  const rounds = quick ? 1 : 3;
  const protocol: Protocol = quick ? { samples: 3, minSampleSec: 0.01, maxTotalSec: 0.1 } : { samples: 3, minSampleSec: 0.02, maxTotalSec: 0.3 };
  const models: LatencyModelName[] = quick ? ['seedCnn'] : ['seedCnn', 'mobileNetV2'];
  const encodingsOf = (m: LatencyModelName) => (['f32', 'int8-static', 'int8-dynamic'] as const).filter((e) => unsupported(m, e) === null);
  const samples = new Map<LatencyModelName, Map<string, Record<string, number[]>>>();
  const meta = new Map<LatencyModelName, LayerTiming[]>();
  const result: Int8LayersResult = { batch, rounds, protocol, info: {}, timed: 'steps', models: [] };
  try {
    for (let r = 0; r < rounds; r++) {
      for (const model of models) {
        progress(`int8 layers round ${r + 1}/${rounds}: ${MODEL_LABELS[model]} batch ${batch}`);
        const req: LayersRequest = { model, batch, encodings: [...encodingsOf(model)], protocol };
        const reply = await runJson<LayersReply>(process.execPath, [join(here, 'peers', 'int8_layers.js'), JSON.stringify(req)], { ...process.env, LITE_NUM_THREADS: '1' });
        result.info = reply.info;
        if (reply.timed === 'predict') result.timed = 'predict';
        meta.set(model, reply.layers);
        const byLayer = samples.get(model) ?? new Map<string, Record<string, number[]>>();
        samples.set(model, byLayer);
        for (const l of reply.layers) {
          const acc = byLayer.get(l.name) ?? {};
          byLayer.set(l.name, acc);
          const timed = { ...l.secPerCall, ...(l.gemm ? { 'gemm-int8': l.gemm.int8, 'gemm-fp32': l.gemm.fp32 } : {}) };
          for (const [e, secs] of Object.entries(timed)) (acc[e] ??= []).push(...secs);
        }
      }
    }
  } catch (err) {
    result.skipped = (err as Error).message;
    progress(`  per-layer breakdown skipped: ${result.skipped}`);
  }
  result.models = models.filter((m) => meta.has(m)).map((model) => ({
    model,
    label: MODEL_LABELS[model],
    encodings: [...encodingsOf(model)],
    layers: meta.get(model)!.map(({ secPerCall: _, gemm, ...l }): LayerRow => {
      const medians = Object.fromEntries(Object.entries(samples.get(model)!.get(l.name)!).map(([e, secs]) => [e, median(secs) * 1e3]));
      const { 'gemm-int8': gemmInt8, 'gemm-fp32': gemmFp32, ...ms } = medians;
      const int8Weights = Object.values(l.weights).includes('int8');
      return {
        ...l,
        ms,
        ...(gemm ? { gemm: { m: gemm.m, n: gemm.n, k: gemm.k, int8: gemmInt8!, fp32: gemmFp32! } } : {}),
        kernel: int8Weights && l.op !== 'depthwiseConv2d' && (l.depth ?? 0) >= INT8_MIN_DEPTH ? 'int8' : 'fp32',
      };
    }),
  }));
  return result;
}

// ---------------------------------------------------------------- PyTorch

/**
 * PyTorch's fp32 and int8 on the same models, batches, threads and latency
 * protocol as the runtime table, one Python process per round and thread count
 * (it builds, quantizes and times every model there). qnnpack runs at 1 thread
 * only: on this 2-core machine its 2-thread pool takes hundreds of ms per call.
 */
async function runInt8PyTorch(runtime: Int8RuntimeResult, quick: boolean, progress: Int8Options['progress']): Promise<Int8PyTorchResult> {
  const rounds = runtime.rounds;
  const threads = [...new Set(runtime.peers.map((p) => p.threads))];
  const protocol: LatencyProtocol = quick
    ? { warmup: 2, maxWarmupSec: 0.3, runs: 20, minRuns: 1, maxSec: 0.4 }
    : { warmup: 3, maxWarmupSec: 1, runs: 100, minRuns: 2, maxSec: 1.5 };
  const models = [...new Set(runtime.rows.map((r) => r.model))];
  const engines = Object.fromEntries(threads.map((t) => [t, t === 1 ? ['onednn', 'qnnpack'] : ['onednn']]));
  const result: Int8PyTorchResult = { rounds, protocol: '', info: {}, engines, rows: [], notRun: {} };
  const samples = new Map<string, number[]>();
  const key = (model: string, batch: number, t: number, variant: string) => `${model}|${batch}|${t}|${variant}`;
  try {
    for (let r = 0; r < rounds && !result.skipped; r++) {
      for (const t of threads) {
        progress(`int8 PyTorch round ${r + 1}/${rounds}: ${t} thread(s)`);
        const reply: PyTorchInt8Reply = await runPyTorchInt8({ threads: t, models, batches: BATCHES, engines: engines[t]!, protocol });
        if (reply.skipped) {
          result.skipped = reply.skipped;
          break;
        }
        const { threads: _, ...info } = reply.info ?? {};
        result.info = info;
        Object.assign(result.notRun, reply.notRun);
        for (const c of reply.cells ?? []) {
          const k = key(c.model, c.batch, t, c.variant);
          samples.set(k, [...(samples.get(k) ?? []), ...c.msPerCall]);
        }
      }
    }
  } catch (err) {
    result.skipped = (err as Error).message;
  }
  if (result.skipped) progress(`  PyTorch int8 peer skipped: ${result.skipped}`);
  const variants = ['fp32', 'int8-onednn', 'int8-qnnpack'];
  result.rows = runtime.rows.flatMap((row) =>
    threads.map((t) => ({
      model: row.model,
      label: row.label,
      batch: row.batch,
      threads: t,
      cells: Object.fromEntries(
        variants.map((v): [string, LatencyCell] => {
          const xs = samples.get(key(row.model, row.batch, t, v)) ?? [];
          return [v, { median: xs.length ? median(xs) : null, p95: xs.length ? percentile(xs, 0.95) : null, calls: xs.length }];
        }),
      ),
    })),
  );
  result.protocol =
    `${rounds} round(s), after the .lite runs; per round and thread count one Python process builds every model in fp32 and int8 per engine, then per case ` +
    `makes up to ${protocol.warmup} warm-up calls (at most ${protocol.maxWarmupSec} s of them) and times calls one by one: up to ${protocol.runs} within ${protocol.maxSec} s, at least ${protocol.minRuns}; ` +
    'median and p95 (nearest rank) over every timed call of every round';
  return result;
}

const msText = (x: number | null | undefined) => (x == null ? '—' : num(x, x >= 100 ? 0 : x >= 10 ? 1 : x >= 1 ? 2 : 3));
const cellMs = (c: LatencyCell | undefined) => (c?.median == null ? '—' : `${msText(c.median)} / ${msText(c.p95)}`);
const over = (a: number | null | undefined, b: number | null | undefined) => (a != null && b != null && b > 0 ? a / b : null);
const ratioOf = (x: number | null) => times(x, x !== null && x >= 10 ? 0 : x !== null && x < 1 ? 2 : 1);

/**
 * Our int8 and fp32 runtime next to PyTorch's on the same cases: the goal ratio
 * (our fp32 / our int8) read in context of how fast each fp32 baseline is.
 */
export function int8PyTorchTable({ runtime, pytorch: pt }: Int8Result): Table {
  const title = 'int8 inference latency next to PyTorch, ms per call: median / p95 (.lite vs PyTorch eager fp32 and static int8)';
  const headers = ['model', 'batch', 'threads', '.lite f32', '.lite int8', 'PyTorch fp32', 'PyTorch int8 onednn', 'PyTorch int8 qnnpack', 'PT fp32/int8', 'PT int8 / .lite int8', 'PT fp32 / .lite f32'];
  if (pt.skipped) return { title, headers, rows: [], notes: [`PyTorch peer skipped: ${pt.skipped}`] };
  const ours = (row: Int8PyTorchResult['rows'][number]) => {
    const rt = runtime.rows.find((r) => r.model === row.model && r.batch === row.batch)!;
    const int8 = int8Speedup(rt, row.threads).id;
    return { f32: rt.cells[rtId('f32', row.threads)], int8: rt.cells[int8], int8Label: int8.includes('s8s') ? 'static' : 'dynamic' };
  };
  const rows = pt.rows.map((row) => {
    const o = ours(row);
    const c = row.cells;
    return [
      row.label,
      String(row.batch),
      String(row.threads),
      cellMs(o.f32),
      `${cellMs(o.int8)} (${o.int8Label})`,
      cellMs(c['fp32']),
      cellMs(c['int8-onednn']),
      pt.engines[row.threads]?.includes('qnnpack') ? cellMs(c['int8-qnnpack']) : 'n/a (1T only)',
      ratioOf(over(c['fp32']?.median, c['int8-onednn']?.median)),
      ratioOf(over(c['int8-onednn']?.median, o.int8?.median)),
      ratioOf(over(c['fp32']?.median, o.f32?.median)),
    ];
  });
  const at256 = pt.rows.filter((r) => r.batch === 256 && r.threads === 1);
  const per = (f: (r: Int8PyTorchResult['rows'][number]) => number | null) => at256.map((r) => `${r.label} ${ratioOf(f(r))}`).join(', ');
  const info = Object.entries(pt.info).map(([k, v]) => `${k} ${v}`).join(', ');
  return {
    title,
    headers,
    rows,
    notes: [
      `${pt.protocol}. Our figures are the table above's (.lite int8: the faster of static and dynamic).`,
      `The goal "fp32 / int8 runtime latency ≥ 2×" is measured against our own fp32 runtime, which at batch 256, 1 thread is ${per((r) => over(r.cells['fp32']?.median, ours(r).f32?.median))} faster than PyTorch's fp32 on this machine; PyTorch's own fp32/int8 (onednn) ratio there is ${per((r) => over(r.cells['fp32']?.median, r.cells['int8-onednn']?.median))}, and our int8 runs ${per((r) => over(r.cells['int8-onednn']?.median, ours(r).int8?.median))} faster than PyTorch's int8.`,
      `PyTorch: ${info}; torch.set_num_threads(N), OMP_WAIT_POLICY=PASSIVE; models built with the shapes of benchmarks/src/models.ts (random weights and BN statistics), called under torch.inference_mode; python/int8_latency.py.`,
      'PyTorch int8: eager-mode static quantization: QuantStub/DeQuantStub, conv+bn(+relu) and linear+relu fused, the engine\'s default qconfig, calibrated on 4 batches of 32 uniform [0, 1) inputs, converted; FloatFunctional for the residual adds. MobileNetV2-style int8 swaps ReLU6 for ReLU before fusing (as torchvision\'s quantizable MobileNetV2 does); its softmax runs in fp32 after DeQuantStub. fp32 runs in channels_last and int8 takes NCHW input: the faster layout of each in a check on this machine (the quantized convs run NHWC inside either way).',
      ...(pt.info.blas === 'generic'
        ? [`This PyTorch build uses the generic reference BLAS (CPU capability ${pt.info.cpu ?? '?'}, engines ${pt.info.engines ?? '?'}; Debian's python3-torch): a pip wheel (MKL, fbgemm) would likely run PyTorch faster than shown, so read the PyTorch columns as the PyTorch installed on this machine, not PyTorch at its best.`]
        : []),
      'qnnpack runs at 1 thread only: its 2-thread pool takes hundreds of ms per call on this shared 2-core machine.',
      ...Object.entries(pt.notRun).map(([v, why]) => `PyTorch ${v} did not run: ${why}.`),
    ],
  };
}

export async function runInt8({ quick, progress }: Int8Options): Promise<Int8Result> {
  const gemm = await runInt8Gemm(quick, progress);
  const runtime = await runInt8Runtime(quick, progress);
  const pytorch = await runInt8PyTorch(runtime, quick, progress);
  const layers = await runInt8Layers(quick, progress);
  return { gemm, runtime, layers, pytorch };
}
