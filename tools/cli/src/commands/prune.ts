import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  LiteModel, OPTIMIZER_NAMES, evaluate, fromLayersModel, loadTfjsLayersModel, saveModel, sparsifyGraph, train as trainModel, writeLiteFile,
  type Dataset, type OptimizerName, type ProgressSink, type Provenance,
} from '@lite/core';
import {
  PRUNE_METHODS, PRUNE_SCOPES, PRUNE_VERSION, SCHEDULE_KINDS, STRUCTURED_IMPORTANCE, STRUCTURED_TARGETS, formatPruneReport, formatSensitivityTable,
  formatStructuredReport, parseNM, prune, pruneStructured,
  type PruneMethod, type PruneOptions, type PruneReport, type PruneScope, type ScheduleKind, type StructuredImportance, type StructuredReport,
  type StructuredTarget,
} from '@lite/prune';
import { type CommandSpec, type Flags, UsageError, parseArgs } from '../args.js';
import { setupBackend } from '../backend.js';
import { dataFlag, limitFlag, limitSamples, loadData } from '../data.js';
import { formatBytes } from '../format.js';
import { type Io, printJson } from '../io.js';
import { openModel } from '../model_source.js';
import { teacherFlags, teacherOptions } from '../teacher.js';
import { trainingProgress } from '../progress.js';

/** `lite prune`: a model into a pruned .lite file or tfjs directory. */
export const pruneSpec = {
  name: 'prune',
  summary:
    'Prune a model: magnitude, Taylor, L1 sparse training, threshold or random; per-layer, global or sensitivity-allocated targets; ' +
    'one-shot, constant or polynomial schedules with masked fine-tuning; N:M (2:4) sparsity. Writes a sparse .lite file or a tfjs directory.',
  positionals: [{ name: 'model', description: 'a tfjs Layers model directory (or its model.json), or a .lite file', required: true }],
  flags: {
    output: { type: 'string', short: 'o', required: true, value: 'out', description: 'a .lite file (sparse weights stored sparse) or a directory for a tfjs model' },
    sparsity: { type: 'number', min: 0, max: 1, maxExclusive: true, value: 'S', description: 'fraction of weights to remove, e.g. 0.9' },
    method: { type: 'string', choices: PRUNE_METHODS, default: 'magnitude', description: 'which weights go' },
    threshold: { type: 'number', min: 0, minInclusive: false, value: 'T', description: "--method threshold (or l1): prune every |w| < T" },
    scope: { type: 'string', choices: PRUNE_SCOPES, default: 'layer', description: 'the same sparsity per layer, all weights ranked together, or per-layer from sensitivity' },
    schedule: { type: 'string', choices: SCHEDULE_KINDS, default: 'oneshot', description: 'when to prune: before fine-tuning, or during it (counted in optimizer steps)' },
    'initial-sparsity': { type: 'number', min: 0, max: 1, maxExclusive: true, value: 'S', description: 'polynomial: sparsity at the begin step (default 0)' },
    'begin-step': { type: 'int', min: 0, value: 'N', description: 'schedule: first pruning step (default 0)' },
    'end-step': { type: 'int', min: 0, value: 'N', description: 'schedule: step the final sparsity is reached (default: 60% of the fine-tuning)' },
    frequency: { type: 'int', min: 1, value: 'N', description: 'schedule: update masks every N steps (default: 20 updates)' },
    exclude: { type: 'string', value: 'a,b', description: 'layers to leave unpruned, comma-separated' },
    nm: { type: 'string', value: 'N:M', description: 'N:M semi-structured sparsity, e.g. 2:4 (sets the sparsity)' },
    structured: { type: 'string', choices: STRUCTURED_TARGETS, description: 'structured pruning (with --ratio): remove whole filters, channels or neurons' },
    ratio: { type: 'number', min: 0, max: 1, maxExclusive: true, value: 'R', description: 'structured: fraction of filters/channels/neurons to remove' },
    'structured-importance': { type: 'string', choices: STRUCTURED_IMPORTANCE, default: 'l1', description: 'structured: how filters/channels/neurons are ranked' },
    'finetune-epochs': { type: 'int', min: 0, default: 0, value: 'N', description: 'epochs of (masked) fine-tuning on the training split' },
    ...teacherFlags,
    optimizer: { type: 'string', choices: OPTIMIZER_NAMES, default: 'adam', description: 'fine-tuning optimizer' },
    lr: { type: 'number', min: 0, minInclusive: false, value: 'X', description: 'fine-tuning learning rate (default 0.001 adam, 0.01 sgd)' },
    'l1-strength': { type: 'number', min: 0, minInclusive: false, value: 'X', description: 'method l1: penalty λ (default 1e-4)' },
    'l1-epochs': { type: 'int', min: 1, value: 'N', description: 'method l1: epochs of L1 training before pruning (default 2)' },
    'no-masks': { type: 'boolean', description: 'let pruned weights grow back during fine-tuning (the reference recipe; for comparison)' },
    data: dataFlag,
    limit: limitFlag,
    seed: { type: 'int', default: 0, value: 'N', description: 'seed for shuffles and random pruning' },
    'no-huffman': { type: 'boolean', description: 'store .lite sections as they are (default: Huffman-code where smaller)' },
    json: { type: 'boolean', description: 'print the result as one JSON object on stdout' },
  },
  notes:
    'Examples:\n' +
    '  lite prune models/seed-cnn --sparsity 0.9 --scope global --schedule polynomial --finetune-epochs 6 -o seed-cnn.sparse.lite\n' +
    '  lite prune models/seed-cnn --method threshold --threshold 0.1 --finetune-epochs 5 --optimizer sgd -o pruned/   (the reference recipe)\n' +
    '  lite prune models/seed-cnn --nm 2:4 --finetune-epochs 2 -o seed-cnn.2to4.lite\n' +
    '  lite prune models/seed-cnn --structured filter --ratio 0.5 --finetune-epochs 2 -o seed-cnn.thin.lite   (filters removed; add --sparsity to prune the rest)\n' +
    'Accuracy before and after is measured on the test split; fine-tuning and the sensitivity of --scope auto use the training split. JSON: {input, output, inputBytes,\n' +
    'outputBytes, ratio, method, scope, schedule, masks, asked, accuracy: {before, afterPruning, after, drop}, overall, layers: [{layer,\n' +
    'weights, asked, afterPruning, afterFinetune}], sensitivity?, structured?}',
} satisfies CommandSpec;

/** Reads a model a command was given as a trainable tfjs Layers model (a .lite graph is expanded back). */
export async function openLayersModel(input: string): Promise<{ model: tfl.LayersModel; inputBytes: number }> {
  const source = await openModel(input);
  if (source.kind === 'lite') {
    if (source.graph.graphModel) throw new Error(`${input} holds a tfjs graph model; pruning works on Layers models and their .lite graphs`);
    return { model: LiteModel.fromGraph(source.graph).toLayersModel('pruned'), inputBytes: (await stat(input)).size };
  }
  if (source.files.format !== 'layers-model') throw new Error(`${source.files.jsonPath} is a tfjs graph model; pruning works on Layers models`);
  return { model: await loadTfjsLayersModel(source.files), inputBytes: source.files.fileBytes };
}

/** The sparsity flags as prune options; usage mistakes (contradictions) as UsageErrors. */
function pruneOptions(flags: Flags<typeof pruneSpec.flags>): PruneOptions {
  const kind = flags.schedule as ScheduleKind;
  const stepFlags = ['initial-sparsity', 'begin-step', 'end-step', 'frequency'] as const;
  if (kind === 'oneshot') {
    const given = stepFlags.filter((f) => flags[f] !== undefined);
    if (given.length > 0) throw new UsageError(`--${given[0]} sets a gradual schedule: add --schedule polynomial (or constant)`, 'prune');
  }
  if (kind !== 'oneshot' && flags['finetune-epochs'] < 1) throw new UsageError(`--schedule ${kind} prunes during fine-tuning: add --finetune-epochs N (N ≥ 1)`, 'prune');
  let nm: PruneOptions['nm'];
  if (flags.nm !== undefined) {
    try {
      nm = parseNM(flags.nm);
    } catch (err) {
      throw new UsageError(`--nm: ${(err as Error).message}`, 'prune');
    }
  }
  return {
    sparsity: flags.sparsity,
    method: flags.method as PruneMethod,
    threshold: flags.threshold,
    scope: flags.scope as PruneScope,
    schedule: kind === 'oneshot' ? 'oneshot' : {
      kind, initialSparsity: flags['initial-sparsity'], beginStep: flags['begin-step'], endStep: flags['end-step'], frequency: flags.frequency,
    },
    exclude: flags.exclude ? flags.exclude.split(',').map((s) => s.trim()).filter((s) => s.length > 0) : [],
    nm,
    finetune: { epochs: flags['finetune-epochs'], optimizer: flags.optimizer as OptimizerName, learningRate: flags.lr },
    l1: { strength: flags['l1-strength'], epochs: flags['l1-epochs'] },
    masks: !flags['no-masks'],
    seed: flags.seed,
  };
}

/** Writes the pruned model: a .lite file with sparse kernels stored sparse (csr/nm where smaller), or a tfjs directory. */
export async function writePruned(
  model: tfl.LayersModel, output: string, huffman: boolean, provenance: Provenance[] = [],
): Promise<{ bytes: number; format: 'lite' | 'tfjs'; sparse?: number }> {
  if (output.endsWith('.lite')) {
    await mkdir(dirname(resolve(output)), { recursive: true });
    const dense = fromLayersModel(model);
    const { graph, tensors } = sparsifyGraph({ ...dense, provenance: [...dense.provenance, ...provenance] });
    await writeLiteFile(output, graph, { huffman: huffman ? 'auto' : 'off' });
    return { bytes: (await stat(output)).size, format: 'lite', sparse: tensors.filter((t) => t.to !== t.from).length };
  }
  const result = await saveModel(model, output);
  const bytes = (result.modelArtifactsInfo.modelTopologyBytes ?? 0) + (result.modelArtifactsInfo.weightDataBytes ?? 0);
  return { bytes, format: 'tfjs' };
}

/** Whether the flags ask for unstructured pruning (a sparsity, a threshold or N:M). */
function wantsUnstructured(flags: Flags<typeof pruneSpec.flags>): boolean {
  return flags.sparsity !== undefined || flags.threshold !== undefined || flags.nm !== undefined || flags.method === 'threshold';
}

/** Structured pruning first (filters, channels or neurons removed), fine-tuned when no unstructured step follows. */
async function structuredStep(
  model: tfl.LayersModel, flags: Flags<typeof pruneSpec.flags>, train: Dataset, test: Dataset, progress: ProgressSink, fineTune: boolean,
): Promise<{ model: tfl.LayersModel; report: StructuredReport; accuracy?: { before: number; afterPruning: number; after: number } }> {
  const exclude = flags.exclude ? flags.exclude.split(',').map((x) => x.trim()).filter((x) => x.length > 0) : [];
  const { model: thin, report } = await pruneStructured(model, {
    target: flags.structured as StructuredTarget, ratio: flags.ratio!, importance: flags['structured-importance'] as StructuredImportance,
    data: train, exclude, progress,
  });
  if (!fineTune) return { model: thin, report };
  const pct = async (m: tfl.LayersModel) => 100 * (await evaluate(m, test)).accuracy;
  const before = await pct(model);
  const afterPruning = await pct(thin);
  if (flags['finetune-epochs'] > 0) {
    await trainModel(thin, train, {
      epochs: flags['finetune-epochs'], optimizer: flags.optimizer as OptimizerName, learningRate: flags.lr, seed: flags.seed, validation: test, progress,
    });
  }
  return { model: thin, report, accuracy: { before, afterPruning, after: await pct(thin) } };
}

/** Runs `lite prune`. */
export async function runPrune(argv: string[], io: Io): Promise<number> {
  const { flags, positionals } = parseArgs(pruneSpec, argv);
  const input = positionals[0];
  const output = flags.output;
  if (resolve(output) === resolve(input)) throw new UsageError('--output must differ from the input model', 'prune');
  if (output.endsWith('.lite') && (await stat(output).catch(() => undefined))?.isDirectory()) throw new UsageError(`--output '${output}' is a directory; name the .lite file to write`, 'prune');
  if ((flags.structured === undefined) !== (flags.ratio === undefined)) {
    throw new UsageError(flags.structured === undefined ? '--ratio needs --structured filter|channel|neuron' : `--structured ${flags.structured} needs --ratio R (the fraction to remove, e.g. 0.5)`, 'prune');
  }
  const unstructured = flags.structured === undefined || wantsUnstructured(flags);
  const options = unstructured ? pruneOptions(flags) : undefined;
  await setupBackend(io);
  const split = await loadData(flags.data, 'prune');
  const train = limitSamples(split.train, flags.limit, flags.seed);
  const test = limitSamples(split.test, flags.limit, 1);
  const progress = trainingProgress(io);
  const opened = await openLayersModel(input);
  const { inputBytes } = opened;
  const owned: tfl.LayersModel[] = [opened.model];
  try {
    let model = opened.model;
    let structured: Awaited<ReturnType<typeof structuredStep>> | undefined;
    if (flags.structured !== undefined) {
      structured = await structuredStep(model, flags, train, test, progress, !unstructured);
      model = structured.model;
      owned.push(model);
    }
    let report: PruneReport | undefined;
    let accuracy = structured?.accuracy;
    if (options) {
      // scope auto: sensitivity on 1,000 training digits, so the test split only reports.
      const sensitivityData = limitSamples(train, 1000, flags.seed + 2);
      const distill = await teacherOptions(flags);
      const result = await prune(model, { ...options, ...distill, data: train, validation: test, sensitivityData, progress });
      owned.push(result.model);
      model = result.model;
      report = result.report;
      // After a structured step, "before" is the model as given, not the thinned one.
      accuracy = structured ? { ...report.accuracy!, before: 100 * (await evaluate(opened.model, test)).accuracy } : report.accuracy!;
    }
    const at = new Date().toISOString();
    const provenance: Provenance[] = [];
    if (structured) provenance.push({ step: 'prune-structured', options: { target: flags.structured, ratio: flags.ratio, importance: flags['structured-importance'] }, at, version: PRUNE_VERSION });
    if (report) {
      const recorded = { ...options, data: undefined, progress: undefined, layers: Object.fromEntries(report.layers.map((l) => [l.layer, l.afterFinetune])) };
      provenance.push({ step: 'prune', options: JSON.parse(JSON.stringify(recorded)) as Record<string, unknown>, at, version: PRUNE_VERSION });
    }
    const written = await writePruned(model, output, !flags['no-huffman'], provenance);
    const acc = accuracy!;
    const summary = {
      input, output, inputBytes, outputBytes: written.bytes, ratio: inputBytes / written.bytes,
      ...report, accuracy: { ...acc, drop: acc.before - acc.after },
      ...(structured ? { structured: structured.report } : {}),
    };
    if (flags.json) {
      printJson(io, summary);
      return 0;
    }
    if (structured) io.out.write(`${formatStructuredReport(structured.report).trimEnd()}\n`);
    if (report?.sensitivity) io.out.write(formatSensitivityTable(report.sensitivity));
    if (report) io.out.write(formatPruneReport(report));
    const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
    const epochs = flags['finetune-epochs'];
    io.out.write(`accuracy  ${acc.before.toFixed(2)}% → ${acc.afterPruning.toFixed(2)}% pruned → ${acc.after.toFixed(2)}% after ${epochs} fine-tuning epoch(s) (${signed(acc.after - acc.before)} pt, ${test.count} test samples)\n`);
    io.out.write(`wrote     ${output}: ${formatBytes(written.bytes)}, ${summary.ratio.toFixed(2)}× smaller than the input's ${formatBytes(inputBytes)}\n`);
    return 0;
  } finally {
    for (const m of owned) m.dispose();
  }
}
