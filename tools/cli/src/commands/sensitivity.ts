import { IMPORTANCE_METHODS, allocateSparsity, formatSensitivityTable, sensitivity, type ImportanceMethod } from '@lite/prune';
import { type CommandSpec, UsageError, parseArgs } from '../args.js';
import { setupBackend } from '../backend.js';
import { dataFlag, limitFlag, limitSamples, loadData } from '../data.js';
import { type Io, printJson } from '../io.js';
import { trainingProgress } from '../progress.js';
import { openLayersModel } from './prune.js';

/** `lite sensitivity`: accuracy vs sparsity per layer, and the allocation for a global target. */
export const sensitivitySpec = {
  name: 'sensitivity',
  summary: 'Measure each layer\'s pruning sensitivity (test accuracy at each sparsity with only that layer pruned) and, with --target, the per-layer sparsities that meet it with the least loss.',
  positionals: [{ name: 'model', description: 'a tfjs Layers model directory (or its model.json), or a .lite file', required: true }],
  flags: {
    sparsities: { type: 'string', value: 'a,b,…', default: '0.5,0.7,0.8,0.9,0.95,0.98', description: 'sparsities to try, comma-separated, each in (0, 1)' },
    method: { type: 'string', choices: IMPORTANCE_METHODS, default: 'magnitude', description: 'how weights are ranked (taylor takes gradients on the training split)' },
    target: { type: 'number', min: 0, max: 1, maxExclusive: true, value: 'S', description: 'also allocate per-layer sparsities meeting this global sparsity' },
    exclude: { type: 'string', value: 'a,b', description: 'layers to leave out, comma-separated' },
    data: dataFlag,
    limit: limitFlag,
    seed: { type: 'int', default: 0, value: 'N', description: 'seed for random ranking' },
    json: { type: 'boolean', description: 'print the result as one JSON object on stdout' },
  },
  notes:
    'Example: lite sensitivity models/seed-cnn --target 0.9\n' +
    'JSON: {model, baseline, method, sparsities, layers: [{layer, weights, accuracy: [..]}], allocation?: {layer: sparsity}}',
} satisfies CommandSpec;

/** Runs `lite sensitivity`. */
export async function runSensitivity(argv: string[], io: Io): Promise<number> {
  const { flags, positionals } = parseArgs(sensitivitySpec, argv);
  const sparsities = flags.sparsities.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (sparsities.length === 0 || sparsities.some((s) => !(s > 0 && s < 1))) {
    throw new UsageError(`--sparsities must be numbers in (0, 1) separated by commas, e.g. 0.5,0.9; got '${flags.sparsities}'`, 'sensitivity');
  }
  await setupBackend(io);
  const split = await loadData(flags.data, 'sensitivity');
  const test = limitSamples(split.test, flags.limit, 1);
  const { model } = await openLayersModel(positionals[0]);
  try {
    const method = flags.method as ImportanceMethod;
    // Taylor's gradients come from training data; accuracy is measured on the test split.
    const table = await sensitivity(model, test, {
      sparsities, method, seed: flags.seed, progress: trainingProgress(io),
      exclude: flags.exclude ? flags.exclude.split(',').map((s) => s.trim()) : [],
      ...(method === 'taylor' ? { gradientData: limitSamples(split.train, flags.limit, flags.seed) } : {}),
    });
    const allocation = flags.target === undefined ? undefined : allocateSparsity(table, flags.target);
    if (flags.json) {
      printJson(io, { model: positionals[0], ...table, ...(allocation ? { target: flags.target, allocation } : {}) });
      return 0;
    }
    io.out.write(formatSensitivityTable(table));
    if (allocation) {
      io.out.write(`\nallocation for ${(100 * flags.target!).toFixed(1)}% overall:\n`);
      for (const [layer, s] of Object.entries(allocation)) io.out.write(`  ${layer.padEnd(16)} ${(100 * s).toFixed(2)}%\n`);
    }
    return 0;
  } finally {
    model.dispose();
  }
}
