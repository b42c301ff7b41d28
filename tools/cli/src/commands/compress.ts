import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  LiteModel, accuracyOn, entropyCode, inspectLite, isLiteGraph, runPipeline, toLiteGraph, writeLiteFile,
  isEntropyCoded, type Step, type StepContext, type StepRecord,
} from '@lite/core';
import { pruneStep, type PruneOptions } from '@lite/prune';
import { QUANTIZE_MODES, quantizeStep, type QuantizeStepOptions } from '@lite/quant';
import { type CommandSpec, UsageError, parseArgs } from '../args.js';
import { setupBackend } from '../backend.js';
import { dataFlag, limitFlag, limitSamples, loadData } from '../data.js';
import { formatBytes } from '../format.js';
import { type Io, printJson } from '../io.js';
import { loadTeacher, teacherFlags } from '../teacher.js';
import { trainingProgress } from '../progress.js';
import { RECIPES, type Recipe, type RecipeStep } from '../recipes/index.js';
import { openLayersModel } from './prune.js';

/** `lite compress`: a recipe of steps (prune → quantize → entropy code) into one .lite file. */
export const compressSpec = {
  name: 'compress',
  summary:
    'Compress a model with a recipe of steps (Deep Compression: prune with fine-tuning, k-means or int8 survivors, relative-index sparse storage, Huffman). ' +
    'Writes a .lite file and a per-step table of accuracy and bytes.',
  positionals: [{ name: 'model', description: 'a tfjs Layers model directory (or its model.json), or a .lite file', required: true }],
  flags: {
    output: { type: 'string', short: 'o', required: true, value: 'file.lite', description: 'the .lite file to write' },
    recipe: { type: 'string', default: 'deep-compression', value: 'name|file.json', description: `a built-in recipe (${Object.keys(RECIPES).join(', ')}) or a recipe JSON file` },
    sparsity: { type: 'number', min: 0, max: 1, maxExclusive: true, value: 'S', description: "override the recipe's prune sparsity" },
    bits: { type: 'int', min: 2, max: 8, value: 'B', description: "override the recipe's k-means bits" },
    'finetune-epochs': { type: 'int', min: 0, value: 'N', description: "override the recipe's fine-tuning epochs (prune)" },
    ...teacherFlags,
    data: dataFlag,
    limit: limitFlag,
    seed: { type: 'int', default: 0, value: 'N', description: 'seed for shuffles' },
    'print-recipe': { type: 'boolean', description: 'print the recipe (after overrides) as JSON and exit' },
    json: { type: 'boolean', description: 'print the result as one JSON object on stdout' },
  },
  notes:
    'Examples:\n' +
    '  lite compress models/lenet5 --recipe deep-compression -o lenet5.lite\n' +
    '  lite compress models/seed-cnn --recipe int8 --teacher models/seed-cnn -o seed-cnn.lite\n' +
    '  lite compress models/seed-cnn --recipe my-recipe.json -o seed-cnn.lite\n' +
    'A recipe: {"name": "...", "steps": [{"prune": {sparsity, scope, schedule, finetune: {epochs, optimizer, learningRate}, ...}},\n' +
    '  {"quantize": {mode: "kmeans"|"int8"|<any lite quantize mode>, bits, ...}}, {"entropyCode": {sparse, huffman}}]}.\n' +
    'Fine-tuning uses the training split; accuracy is measured on the test split after every step. The input size is its files on disk\n' +
    '(a tfjs directory: model.json and the weight files). JSON: {input, output, recipe, inputBytes, outputBytes, ratio, accuracy: {before, after, drop},\n' +
    'steps: [{step, accuracy, bytes, seconds}], layout: {headerBytes, sections}}',
} satisfies CommandSpec;

const STEP_KINDS = ['prune', 'quantize', 'entropyCode'] as const;

/** Reads and checks the recipe `--recipe` names (usage mistakes as UsageErrors). */
async function loadRecipe(name: string): Promise<Recipe> {
  const builtIn = RECIPES[name];
  if (builtIn) return structuredClone(builtIn);
  if (!name.endsWith('.json')) throw new UsageError(`--recipe '${name}' is neither a built-in recipe (${Object.keys(RECIPES).join(', ')}) nor a .json file`, 'compress');
  const text = await readFile(name, 'utf8').catch((err: Error) => {
    throw new UsageError(`--recipe ${name}: cannot read it (${err.message})`, 'compress');
  });
  let recipe: unknown;
  try {
    recipe = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--recipe ${name} is not valid JSON: ${(err as Error).message}`, 'compress');
  }
  const r = recipe as Recipe;
  if (!r || typeof r !== 'object' || !Array.isArray(r.steps) || r.steps.length === 0) {
    throw new UsageError(`--recipe ${name} must be an object with a non-empty "steps" array, e.g. {"steps": [{"prune": {"sparsity": 0.9}}, {"quantize": {"mode": "kmeans", "bits": 5}}, {"entropyCode": {}}]}`, 'compress');
  }
  r.steps.forEach((s, i) => {
    const keys = s && typeof s === 'object' ? Object.keys(s) : [];
    if (keys.length !== 1 || !(STEP_KINDS as readonly string[]).includes(keys[0]) || typeof (s as Record<string, unknown>)[keys[0]] !== 'object') {
      throw new UsageError(`--recipe ${name}: step ${i + 1} must be one of {"prune": {...}}, {"quantize": {...}}, {"entropyCode": {...}}; got ${JSON.stringify(s)}`, 'compress');
    }
  });
  return { name: r.name ?? name, description: r.description, steps: r.steps };
}

/** The recipe's steps as pipeline steps; an unknown quantize mode is a UsageError. */
function buildSteps(recipe: Recipe): Step[] {
  return recipe.steps.map((s: RecipeStep) => {
    if ('prune' in s) return pruneStep(s.prune as PruneOptions);
    if ('quantize' in s) {
      const q = s.quantize as unknown as QuantizeStepOptions;
      if (q.mode !== 'int8' && !(QUANTIZE_MODES as readonly string[]).includes(q.mode)) {
        const why = q.mode === 'binary' || q.mode === 'ternary' ? `this @lite/quant has no ${q.mode} mode yet` : `@lite/quant has no mode ${JSON.stringify(q.mode)}`;
        throw new UsageError(`recipe ${recipe.name}: ${why}; the modes are int8, ${QUANTIZE_MODES.join(', ')}`, 'compress');
      }
      return quantizeStep(q);
    }
    return entropyCode(s.entropyCode);
  });
}

/** Applies --sparsity, --bits and --finetune-epochs to every step they concern. */
function override(recipe: Recipe, flags: { sparsity?: number; bits?: number; 'finetune-epochs'?: number }): void {
  for (const s of recipe.steps) {
    if ('prune' in s) {
      if (flags.sparsity !== undefined) s.prune.sparsity = flags.sparsity;
      if (flags['finetune-epochs'] !== undefined) s.prune.finetune = { ...(s.prune.finetune as object | undefined), epochs: flags['finetune-epochs'] };
    }
    if ('quantize' in s && flags.bits !== undefined && s.quantize.mode === 'kmeans') s.quantize.bits = flags.bits;
  }
}

const pct = (x: number | undefined) => (x === undefined ? '—' : `${(100 * x).toFixed(2)}%`);

/** Runs `lite compress`. */
export async function runCompress(argv: string[], io: Io): Promise<number> {
  const { flags, positionals } = parseArgs(compressSpec, argv);
  const input = positionals[0];
  const output = flags.output;
  if (!output.endsWith('.lite')) throw new UsageError(`--output '${output}' must name a .lite file`, 'compress');
  if ((await stat(output).catch(() => undefined))?.isDirectory()) throw new UsageError(`--output '${output}' is a directory; name the .lite file to write`, 'compress');
  if (flags.teacher === undefined && (flags.temperature !== undefined || flags.alpha !== undefined)) throw new UsageError('--temperature and --alpha are distillation settings: add --teacher model', 'compress');
  const recipe = await loadRecipe(flags.recipe);
  override(recipe, flags);
  if (flags.teacher !== undefined) {
    for (const s of recipe.steps) {
      if (!('prune' in s)) continue;
      if (flags.temperature !== undefined) s.prune.temperature = flags.temperature;
      if (flags.alpha !== undefined) s.prune.alpha = flags.alpha;
    }
  }
  if (flags['print-recipe']) {
    printJson(io, recipe);
    return 0;
  }
  const steps = buildSteps(recipe);
  await setupBackend(io);
  const split = await loadData(flags.data, 'compress');
  const train = limitSamples(split.train, flags.limit, flags.seed);
  const test = limitSamples(split.test, flags.limit, 1);
  const opened = await openLayersModel(input);
  const { inputBytes } = opened;
  const teacher = flags.teacher === undefined ? undefined : await loadTeacher(flags.teacher);
  const ctx: StepContext = { data: train, validation: test, evaluate: accuracyOn(test), progress: trainingProgress(io), seed: flags.seed, teacher };
  const show = (r: StepRecord) => {
    if (!flags.json) io.err.write(`${r.step}: accuracy ${pct(r.accuracy)}, ${formatBytes(r.bytes)} (${r.seconds.toFixed(1)}s)\n`);
  };
  try {
    const result = await runPipeline(steps, opened.model, ctx, { onRecord: show });
    const graph = toLiteGraph(result.model);
    await mkdir(dirname(resolve(output)), { recursive: true });
    await writeLiteFile(output, graph, { huffman: isEntropyCoded(graph) ? 'auto' : 'off' });
    if (!isLiteGraph(result.model)) result.model.dispose();
    const outputBytes = (await stat(output)).size;
    const layout = inspectLite(await readFile(output));
    const before = result.records[0].accuracy!;
    const after = result.records.at(-1)!.accuracy!;
    const summary = {
      input, output, recipe: recipe.name, inputBytes, outputBytes, ratio: inputBytes / outputBytes,
      accuracy: { before: 100 * before, after: 100 * after, drop: 100 * (before - after) }, testSamples: test.count,
      steps: result.records.map((r) => ({ ...r, accuracy: r.accuracy === undefined ? undefined : 100 * r.accuracy })),
      layout: { headerBytes: layout.headerBytes, sections: layout.sections.length },
    };
    if (flags.json) {
      printJson(io, summary);
      return 0;
    }
    const rows = result.records.map((r) => [r.step, pct(r.accuracy), formatBytes(r.bytes), `${(inputBytes / r.bytes).toFixed(1)}×`, `${r.seconds.toFixed(1)}s`]);
    const head = ['step', 'accuracy', 'bytes', 'vs input', 'time'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
    io.out.write(`recipe ${recipe.name}${recipe.description ? `: ${recipe.description}` : ''}\n`);
    io.out.write(`${[line(head), ...rows.map(line)].join('\n')}\n`);
    io.out.write(`(bytes: the model as .lite after each step; input dense f32 without Huffman)\n`);
    io.out.write(`accuracy  ${summary.accuracy.before.toFixed(2)}% → ${summary.accuracy.after.toFixed(2)}% (${summary.accuracy.drop >= 0 ? '−' : '+'}${Math.abs(summary.accuracy.drop).toFixed(2)} pt, ${test.count} test samples)\n`);
    io.out.write(`wrote     ${output}: ${formatBytes(outputBytes)}, ${summary.ratio.toFixed(1)}× smaller than the input's ${formatBytes(inputBytes)}\n`);
    return 0;
  } finally {
    opened.model.dispose();
    if (teacher && !(teacher instanceof LiteModel)) teacher.dispose();
  }
}
