import { resolve } from 'node:path';
import { type CommandSpec, parseArgs } from '../args.js';
import { setupBackend } from '../backend.js';
import { limitFlag, limitSamples, loadData } from '../data.js';
import { binaryRows } from '../demo/binary.js';
import { distillationRows } from '../demo/distillation.js';
import { pipelineRows } from '../demo/pipeline.js';
import { pruningRows } from '../demo/pruning.js';
import { quantizationRows } from '../demo/quantization.js';
import { referenceRows } from '../demo/reference.js';
import { type DemoReport, writeReports } from '../demo/report.js';
import { type DemoContext, type DemoRow, type DemoSettings } from '../demo/row.js';
import { TABLE_LEGEND, formatTable } from '../demo/table.js';
import { SEED_RECIPE, teacherRows } from '../demo/teacher.js';
import { type Io, printJson } from '../io.js';
import { trainingProgress } from '../progress.js';
import { cliVersion } from '../version.js';

export { SEED_RECIPE };

/** Full mode: the reference's epochs (10 to train, 5 to fine-tune after pruning). */
export const FULL_SETTINGS: DemoSettings = {
  quick: false, teacherEpochs: SEED_RECIPE.epochs, pruneEpochs: 5, studentEpochs: 10, binaryEpochs: 5, qatEpochs: 2, lenetEpochs: 10, pipelineEpochs: 6,
  latencyRuns: 30, latencySeconds: 2,
};

/** --quick: few epochs, a 3,000-digit subset for the slow recipes, short latency runs (under 3 minutes on 2 cores). */
export const QUICK_SETTINGS: DemoSettings = {
  quick: true, teacherEpochs: 3, pruneEpochs: 2, studentEpochs: 3, binaryEpochs: 1, qatEpochs: 1, lenetEpochs: 3, pipelineEpochs: 2,
  slowTrainLimit: 3000, latencyRuns: 10, latencySeconds: 0.3,
};

/** `lite demo` (what `npm start` runs). */
export const demoSpec = {
  name: 'demo',
  summary:
    'The tour: train the reference CNN (seedCnn) on the bundled MNIST, run the reference document\'s recipes as written (their bugs side by side with ' +
    'our fixes), our pruning, int8/int4/k-means, binary/ternary, distillation and the combined pipeline on seedCnn and lenet5; print one table and ' +
    'write report.html and report.json.',
  flags: {
    quick: { type: 'boolean', description: 'few epochs and small subsets: under 3 minutes (~1 on 2 cores; the full run ~4–5)' },
    out: { type: 'string', default: 'lite-demo', value: 'dir', description: 'write report.html and report.json here' },
    epochs: { type: 'int', min: 1, value: 'N', description: 'epochs for every training step (overrides the mode\'s)' },
    limit: limitFlag,
    runs: { type: 'int', min: 1, value: 'N', description: 'timed latency runs per batch size (default 30, quick 10)' },
    json: { type: 'boolean', description: 'print the report as one JSON object on stdout (the table goes to stderr)' },
  },
  notes:
    'Every row is a model built and measured in this run, on the .lite runtime: accuracy on the test split, .lite bytes, × smaller than the\n' +
    'fp32 model, p50 latency at batch 1 and 256, MACs, per-layer sparsity and bits. Examples:\n' +
    '  npm start                      (lite demo: the full run, report in ./lite-demo)\n' +
    '  lite demo --quick --out /tmp/demo',
} satisfies CommandSpec;

/** Runs `lite demo`. */
export async function runDemo(argv: string[], io: Io): Promise<number> {
  const { flags } = parseArgs(demoSpec, argv);
  const started = performance.now();
  const base = flags.quick ? QUICK_SETTINGS : FULL_SETTINGS;
  const e = flags.epochs;
  const settings: DemoSettings = {
    ...base,
    ...(e === undefined ? {} : { teacherEpochs: e, pruneEpochs: e, studentEpochs: e, binaryEpochs: e, qatEpochs: e, lenetEpochs: e, pipelineEpochs: e }),
    ...(flags.runs === undefined ? {} : { latencyRuns: flags.runs }),
  };
  const backend = await setupBackend(io);
  const data = await loadData('mnist', 'demo');
  const train = limitSamples(data.train, flags.limit, SEED_RECIPE.seed);
  const test = limitSamples(data.test, flags.limit, SEED_RECIPE.seed + 1);
  const slowTrain = limitSamples(train, settings.slowTrainLimit, SEED_RECIPE.seed + 2);
  const total = 20;
  let n = 0;
  const ctx: DemoContext = {
    io, settings, train, test, slowTrain, progress: trainingProgress(io), baseline: new Map(),
    step: (text) => io.err.write(`[${++n}/${total} ${((performance.now() - started) / 1000).toFixed(0)}s] ${text}\n`),
  };
  io.err.write(
    `lite demo${settings.quick ? ' --quick' : ''}: bundled MNIST (${train.count} train / ${test.count} test), SGD lr 0.01 momentum 0.5, batch 64, ` +
    `${settings.teacherEpochs} epochs, seed 0, backend ${backend.backend}\n`,
  );
  const { teacher, rows: teacherRow } = await teacherRows(ctx);
  const rows: DemoRow[] = [...teacherRow];
  try {
    rows.push(...(await referenceRows(ctx, teacher)));
    rows.push(...(await pruningRows(ctx, teacher)));
    rows.push(...(await quantizationRows(ctx, teacher)));
    rows.push(...(await binaryRows(ctx, teacher)));
    rows.push(...(await distillationRows(ctx, teacher)));
    rows.push(...(await pipelineRows(ctx, teacher)));
  } finally {
    teacher.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  const report: DemoReport = {
    tool: 'lite demo', version: cliVersion(), mode: settings.quick ? 'quick' : 'full', createdAt: new Date().toISOString(), backend: backend.backend,
    seconds, train: train.count, test: test.count, settings, legend: TABLE_LEGEND.replace(/\n/g, ' ').trim(), rows,
  };
  const out = resolve(flags.out);
  const written = await writeReports(out, report);
  const table = `${formatTable(rows)}${TABLE_LEGEND}`;
  if (flags.json) {
    io.err.write(table);
    // The teacher's params and MACs at the top level, as the one-model demo printed them.
    const t = rows[0];
    printJson(io, { ...report, params: t.params, macs: t.macs, report: written });
    return 0;
  }
  io.out.write(table);
  io.out.write(`${rows.length} models in ${seconds.toFixed(0)} s; wrote ${written.html} and ${written.json}\n`);
  return 0;
}
