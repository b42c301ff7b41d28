import { LiteModel, loadGraphModel, loadTfjsLayersModel, summarizeGraphModel, tensorByteSize, type LiteGraph } from '@lite/core';
import { type CommandSpec, parseArgs } from '../args.js';
import { setupBackend } from '../backend.js';
import { dataFlag, limitFlag, limitSamples, loadData } from '../data.js';
import { formatBytes } from '../format.js';
import { type Io, printJson } from '../io.js';
import { openModel } from '../model_source.js';
import { type EvalReport, type Runner, measureModel, measureRunner, printReport } from '../report.js';

/** `lite eval`: accuracy, size, MACs and latency of a saved model. */
export const evalSpec = {
  name: 'eval',
  summary:
    'Evaluate a saved model on the test split. Reports accuracy, loss, parameters, bytes, MACs and latency at batch 1 and 256. ' +
    'A .lite file runs on the lite runtime (a graph model in a .lite file runs on tfjs with its weights decoded).',
  positionals: [{ name: 'model', description: '.lite file, or a model directory (model.json + weights.bin) or its model.json', required: true }],
  flags: {
    data: dataFlag,
    limit: limitFlag,
    batch: { type: 'int', min: 1, default: 256, value: 'N', description: 'evaluation batch size' },
    runs: { type: 'int', min: 1, default: 30, value: 'N', description: 'timed latency runs per batch size (after warm-up; at most ~10 s each)' },
    json: { type: 'boolean', description: 'print exactly one JSON object on stdout (logs go to stderr)' },
  },
  notes:
    'JSON: {accuracy, loss, params, bytes, macs, latencyMs: {b1: {p50, p95}, b256: {p50, p95}}}\n' +
    'bytes: the weights as stored (fp32 for a model directory; in their encodings for a .lite file).',
} satisfies CommandSpec;

/** How the weight bytes are stored, e.g. "f16", or "(f16 15.3 KiB, f32 8 B)" for several encodings. */
function storageOf(bytesByEncoding: Record<string, number>): string {
  const entries = Object.entries(bytesByEncoding).sort((a, b) => b[1] - a[1]);
  if (entries.length <= 1) return entries[0]?.[0] ?? '';
  return `(${entries.map(([e, b]) => `${e} ${formatBytes(b)}`).join(', ')})`;
}

/** A runner for a .lite runtime graph (LiteModel on lite's native kernels). */
function liteRunner(graph: LiteGraph): { runner: Runner; storage: string } {
  const model = LiteModel.fromGraph(graph);
  const summary = model.summary();
  const inputs = new WeakMap<object, Float32Array>();
  return {
    storage: storageOf(summary.bytesByEncoding),
    runner: {
      forward: (xs) => model.predict(xs) as ReturnType<Runner['forward']>,
      run: async (xs) => {
        let data = inputs.get(xs);
        if (!data) inputs.set(xs, (data = xs.dataSync() as Float32Array));
        model.predict({ data, shape: [...xs.shape] });
      },
      params: summary.params,
      bytes: summary.bytes,
      macs: summary.macs,
    },
  };
}

/** A runner for a tfjs graph model carried by a .lite file (tfjs executes it; the weights were decoded on load). */
async function graphModelRunner(graph: LiteGraph): Promise<{ runner: Runner; storage: string; dispose: () => void }> {
  const model = await loadGraphModel(graph);
  const tensors = [...graph.tensors.values()].map((t) => ({ name: t.name, shape: t.shape, encoding: t.encoding, params: t.shape.reduce((p, d) => p * d, 1), bytes: tensorByteSize(t) }));
  const summary = await summarizeGraphModel(model, graph.graphModel!.modelJson.modelTopology, tensors);
  return {
    storage: storageOf(summary.bytesByEncoding),
    dispose: () => model.dispose(),
    runner: {
      forward: (xs) => model.predict(xs) as ReturnType<Runner['forward']>,
      run: async (xs) => {
        const out = model.predict(xs) as ReturnType<Runner['forward']>;
        await out.data();
        out.dispose();
      },
      params: summary.params,
      bytes: summary.bytes,
      macs: summary.macs,
    },
  };
}

/** Runs `lite eval`. */
export async function runEval(argv: string[], io: Io): Promise<number> {
  const { flags, positionals } = parseArgs(evalSpec, argv);
  await setupBackend(io);
  const source = await openModel(positionals[0]);
  const data = await loadData(flags.data, 'eval');
  const test = limitSamples(data.test, flags.limit, 1);
  const options = { batchSize: flags.batch, runs: flags.runs };
  let report: EvalReport;
  let storage = 'fp32';
  if (source.kind === 'lite') {
    if (source.graph.graphModel) {
      const g = await graphModelRunner(source.graph);
      try {
        report = await measureRunner(g.runner, test, options, io);
      } finally {
        g.dispose();
      }
      storage = g.storage;
    } else {
      const l = liteRunner(source.graph);
      report = await measureRunner(l.runner, test, options, io);
      storage = l.storage;
    }
  } else {
    if (source.files.format !== 'layers-model') throw new Error(`${source.files.jsonPath} is a tfjs graph model; convert it first (lite convert ${positionals[0]} -o model.lite) and evaluate the .lite file`);
    const model = await loadTfjsLayersModel(source.files);
    report = await measureModel(model, test, options, io);
    model.dispose();
  }
  if (flags.json) printJson(io, report);
  else printReport(io, report, storage);
  return 0;
}
