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
import { CALIBRATION_SAMPLES, unsupported, type RuntimeEncoding } from './quantized.js';
import { describeProtocol, latencyRatio, measureLatency, type LatencyPeer, type LatencyRow } from './runtime.js';
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
 * Conv and dense layers with fewer multiply-adds per output run on the fp32
 * kernel even with int8 weights: mirrors MIN_INT8_DEPTH of @lite/core's
 * runtime/steps.ts (not exported); depthwise convs always run fp32.
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

export interface Int8Result {
  gemm: Int8GemmResult;
  runtime: Int8RuntimeResult;
  layers: Int8LayersResult;
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
  const calibration = `static int8: quantize(model, { mode: 'static', data: loadMnist().train, calibSamples: ${CALIBRATION_SAMPLES} }) (minmax); dynamic: quantize(model, { mode: 'dynamic' })`;
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

export async function runInt8({ quick, progress }: Int8Options): Promise<Int8Result> {
  const gemm = await runInt8Gemm(quick, progress);
  const runtime = await runInt8Runtime(quick, progress);
  const layers = await runInt8Layers(quick, progress);
  return { gemm, runtime, layers };
}
