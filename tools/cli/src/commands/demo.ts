import { createModel, saveModel, train } from '@lite/core';
import { type CommandSpec, parseArgs } from '../args.js';
import { setupBackend } from '../backend.js';
import { limitFlag, limitSamples, loadData } from '../data.js';
import { type Io, printJson } from '../io.js';
import { trainingProgress } from '../progress.js';
import { measureModel, printReport } from '../report.js';

/** The seed recipe the demo trains with. */
export const SEED_RECIPE = { optimizer: 'sgd', learningRate: 0.01, momentum: 0.5, batchSize: 64, epochs: 10, seed: 0 } as const;

/** `lite demo` (what `npm start` runs). */
export const demoSpec = {
  name: 'demo',
  summary: 'Train the reference CNN (seedCnn) on the bundled MNIST with the seed recipe (SGD lr 0.01, momentum 0.5, batch 64, 10 epochs, seed 0) and print accuracy, size, MACs and latency.',
  flags: {
    epochs: { type: 'int', min: 1, default: SEED_RECIPE.epochs, value: 'N', description: 'epochs' },
    limit: limitFlag,
    runs: { type: 'int', min: 1, default: 30, value: 'N', description: 'timed latency runs per batch size' },
    output: { type: 'string', short: 'o', value: 'dir', description: 'also save the trained model here' },
    json: { type: 'boolean', description: 'print the report as one JSON object on stdout' },
  },
} satisfies CommandSpec;

/** Runs `lite demo`. */
export async function runDemo(argv: string[], io: Io): Promise<number> {
  const { flags } = parseArgs(demoSpec, argv);
  const backend = await setupBackend(io);
  const data = await loadData('mnist', 'demo');
  const trainSet = limitSamples(data.train, flags.limit, SEED_RECIPE.seed);
  const testSet = limitSamples(data.test, flags.limit, SEED_RECIPE.seed + 1);
  const recipe = { ...SEED_RECIPE, epochs: flags.epochs };
  io.err.write(`lite demo: seedCnn on bundled MNIST (${trainSet.count} train / ${testSet.count} test), SGD lr 0.01 momentum 0.5, batch 64, ${recipe.epochs} epochs, seed 0, backend ${backend.backend}\n`);
  const model = createModel('seedCnn', { seed: recipe.seed });
  const history = await train(model, trainSet, { ...recipe, progress: trainingProgress(io) });
  const report = await measureModel(model, testSet, { batchSize: 256, runs: flags.runs }, io);
  if (flags.output) await saveModel(model, flags.output);
  model.dispose();
  const perEpoch = history.seconds / history.epochs.length;
  if (flags.json) {
    printJson(io, { ...report, backend: backend.backend, trainSeconds: history.seconds, epochSeconds: perEpoch });
    return 0;
  }
  io.out.write(`seedCnn, seed recipe, ${recipe.epochs} epochs on ${backend.backend}: ${history.seconds.toFixed(1)} s (${perEpoch.toFixed(2)} s/epoch)\n`);
  printReport(io, report);
  if (flags.output) io.out.write(`saved ${flags.output}\n`);
  return 0;
}
