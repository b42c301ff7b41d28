import { loadModel } from '@lite/core';
import { type CommandSpec, parseArgs } from '../args.js';
import { setupBackend } from '../backend.js';
import { dataFlag, limitFlag, limitSamples, loadData } from '../data.js';
import { type Io, printJson } from '../io.js';
import { measureModel, printReport } from '../report.js';

/** `lite eval`: accuracy, size, MACs and latency of a saved model. */
export const evalSpec = {
  name: 'eval',
  summary: 'Evaluate a saved model on the test split. Reports accuracy, loss, parameters, bytes, MACs and latency at batch 1 and 256.',
  positionals: [{ name: 'model', description: 'model directory (model.json + weights.bin) or its model.json', required: true }],
  flags: {
    data: dataFlag,
    limit: limitFlag,
    batch: { type: 'int', min: 1, default: 256, value: 'N', description: 'evaluation batch size' },
    runs: { type: 'int', min: 1, default: 30, value: 'N', description: 'timed latency runs per batch size (after warm-up; at most ~10 s each)' },
    json: { type: 'boolean', description: 'print exactly one JSON object on stdout (logs go to stderr)' },
  },
  notes: 'JSON: {accuracy, loss, params, bytes, macs, latencyMs: {b1: {p50, p95}, b256: {p50, p95}}}',
} satisfies CommandSpec;

/** Runs `lite eval`. */
export async function runEval(argv: string[], io: Io): Promise<number> {
  const { flags, positionals } = parseArgs(evalSpec, argv);
  await setupBackend(io);
  const model = await loadModel(positionals[0]);
  const data = await loadData(flags.data, 'eval');
  const test = limitSamples(data.test, flags.limit, 1);
  const report = await measureModel(model, test, { batchSize: flags.batch, runs: flags.runs }, io);
  model.dispose();
  if (flags.json) printJson(io, report);
  else printReport(io, report);
  return 0;
}
