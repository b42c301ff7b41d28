import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LiteModel, fromLayersModel, liteAccuracy, loadTfjsLayersModel, writeLiteFile, type LiteGraph } from '@lite/core';
import { CALIBRATION_METHODS, QUANTIZE_MODES, quantize, type CalibrationMethod, type QuantizeMode } from '@lite/quant';
import { type CommandSpec, UsageError, parseArgs } from '../args.js';
import { setupBackend } from '../backend.js';
import { dataFlag, limitFlag, limitSamples, loadData } from '../data.js';
import { formatBytes, formatCount } from '../format.js';
import { type Io, printJson } from '../io.js';
import { openModel } from '../model_source.js';
import { teacherFlags, teacherOptions } from '../teacher.js';
import { trainingProgress } from '../progress.js';

/** `lite quantize`: a model into a quantized .lite file. */
export const quantizeSpec = {
  name: 'quantize',
  summary:
    'Quantize a model into a .lite file whose int8/int4 layers run on the int8 kernels: dynamic or static (calibrated) int8, ' +
    'quantization-aware training (int8/int4), fp16, int4, k-means weight sharing, mixed precision under a size/accuracy budget, ' +
    'or binary/ternary networks (XNOR-Net/TWN weights trained with Adam on latent floats; binary-input layers run on the XNOR-popcount kernels).',
  positionals: [{ name: 'model', description: 'a tfjs Layers model directory (or its model.json), or a .lite file', required: true }],
  flags: {
    output: { type: 'string', short: 'o', required: true, value: 'file.lite', description: 'the .lite file to write (written atomically)' },
    mode: { type: 'string', choices: QUANTIZE_MODES, required: true, description: 'what to do (see below)' },
    bits: { type: 'int', min: 2, max: 16, value: 'N', description: 'weight bits: 8 (dynamic/static/qat), 4 (int4, qat), 2–8 (kmeans, default 4)' },
    'per-tensor': { type: 'boolean', description: 'one scale per tensor (default: one per output channel)' },
    'per-channel': { type: 'boolean', description: 'one scale per output channel (the default)' },
    'calib-method': { type: 'string', choices: CALIBRATION_METHODS, default: 'minmax', description: 'how static mode picks activation ranges' },
    'calib-samples': { type: 'int', min: 1, default: 512, value: 'N', description: 'training samples run to calibrate' },
    data: dataFlag,
    limit: limitFlag,
    epochs: { type: 'int', min: 0, value: 'N', description: 'QAT epochs (default 2), k-means centroid fine-tuning epochs (default 0), binary/ternary training epochs (default 10)' },
    'activation-quantizer': { type: 'string', choices: ['steSign', 'approxSign'], default: 'steSign', description: 'binary mode: gradient of the activations\' sign' },
    lr: { type: 'number', min: 0, minInclusive: false, value: 'X', description: 'learning rate for QAT / centroid fine-tuning' },
    ...teacherFlags,
    'max-bytes': { type: 'int', min: 1, value: 'N', description: 'mixed: most bytes for all quantized kernels together' },
    'max-drop': { type: 'number', min: 0, value: 'PTS', description: 'mixed: most accuracy points to lose' },
    seed: { type: 'int', default: 0, value: 'N', description: 'seed for shuffles' },
    'no-huffman': { type: 'boolean', description: 'store sections as they are (default: Huffman-code where smaller)' },
    json: { type: 'boolean', description: 'print the result as one JSON object on stdout' },
  },
  notes:
    'Modes: dynamic (int8 weights, activations quantized per batch), static (int8 weights and calibrated activation ranges),\n' +
    'qat (fake-quantized fine-tuning, then int8/int4), fp16, int4 (dynamic int4), kmeans (codebooks), mixed (4/8/16 bits per layer),\n' +
    'binary (hidden layers: 1-bit weights and sign activations, BatchNormalization inserted and folded; first/last layers int8),\n' +
    'ternary (hidden layers: TWN 2-bit weights; first/last int8); both train --epochs (default 10) with Adam (--lr, default 0.005).\n' +
    'Example: lite quantize models/seed-cnn --mode static --calib-method mse -o seed-cnn.int8.lite\n' +
    'Accuracy before and after is measured on the test split. JSON: {input, output, mode, inputBytes, outputBytes, ratio,\n' +
    'accuracy: {before, after, drop}, layers: [{layer, format, params, bytes, inputQuant?}]}',
} satisfies CommandSpec;

/** Runs `lite quantize`. */
export async function runQuantize(argv: string[], io: Io): Promise<number> {
  const { flags, positionals } = parseArgs(quantizeSpec, argv);
  const input = positionals[0];
  const output = flags.output;
  if ((await stat(output).catch(() => undefined))?.isDirectory()) throw new UsageError(`--output '${output}' is a directory; name the .lite file to write`, 'quantize');
  if (resolve(output) === resolve(input)) throw new UsageError('--output must differ from the input model', 'quantize');
  if (flags['per-tensor'] && flags['per-channel']) throw new UsageError('--per-tensor and --per-channel contradict each other', 'quantize');
  const mode = flags.mode as QuantizeMode;
  const budget = mode === 'mixed' ? { maxBytes: flags['max-bytes'], maxAccuracyDrop: flags['max-drop'] } : undefined;
  if (budget && budget.maxBytes === undefined && budget.maxAccuracyDrop === undefined) {
    throw new UsageError('--mode mixed needs a budget: --max-bytes N and/or --max-drop PTS', 'quantize');
  }
  await setupBackend(io);
  const source = await openModel(input);
  const split = await loadData(flags.data, 'quantize');
  const train = limitSamples(split.train, flags.limit, flags.seed);
  const test = limitSamples(split.test, flags.limit, 1);

  // One conversion: quantize takes the graph (it makes its own trainable copy for QAT and fine-tuning).
  let graph: LiteGraph;
  let inputBytes: number;
  if (source.kind === 'lite') {
    if (source.graph.graphModel) throw new Error(`${input} holds a tfjs graph model; quantize works on Layers models and their .lite graphs`);
    graph = source.graph;
    inputBytes = (await stat(input)).size;
  } else {
    if (source.files.format !== 'layers-model') throw new Error(`${source.files.jsonPath} is a tfjs graph model; quantize works on Layers models`);
    const layers = await loadTfjsLayersModel(source.files);
    graph = fromLayersModel(layers);
    layers.dispose();
    inputBytes = source.files.fileBytes;
  }
  const before = 100 * liteAccuracy(LiteModel.fromGraph(graph), test);
  const result = await quantize(graph, {
    mode,
    bits: flags.bits,
    perChannel: !flags['per-tensor'],
    data: train,
    validation: test,
    calibMethod: flags['calib-method'] as CalibrationMethod,
    calibSamples: flags['calib-samples'],
    epochs: flags.epochs,
    learningRate: flags.lr,
    ...(await teacherOptions(flags)),
    ...(mode === 'binary' ? { activationQuantizer: flags['activation-quantizer'] as 'steSign' | 'approxSign' } : {}),
    budget,
    seed: flags.seed,
    progress: trainingProgress(io),
  });
  const after = 100 * liteAccuracy(result.model, test);
  await mkdir(dirname(resolve(output)), { recursive: true });
  await writeLiteFile(output, result.graph, { huffman: flags['no-huffman'] ? 'off' : 'auto' });
  const outputBytes = (await stat(output)).size;
  const report = {
    input, output, mode, inputBytes, outputBytes, ratio: inputBytes / outputBytes,
    accuracy: { before, after, drop: before - after },
    layers: result.layers,
  };
  if (flags.json) {
    printJson(io, report);
    return 0;
  }
  io.out.write(`${'layer'.padEnd(16)} ${'format'.padEnd(16)} ${'params'.padStart(8)} ${'bytes'.padStart(10)}  input quantization\n`);
  for (const l of result.layers) {
    const q = l.inputQuant ? `scale ${l.inputQuant.scale.toPrecision(4)}, zero point ${l.inputQuant.zeroPoint}` : 'dynamic / none';
    io.out.write(`${l.layer.padEnd(16)} ${l.format.padEnd(16)} ${formatCount(l.params).padStart(8)} ${formatBytes(l.bytes).padStart(10)}  ${q}\n`);
  }
  io.out.write(`accuracy  ${before.toFixed(2)}% → ${after.toFixed(2)}% (${(after - before >= 0 ? '+' : '') + (after - before).toFixed(2)} pt, ${test.count} test samples)\n`);
  io.out.write(`wrote     ${output}: ${formatBytes(outputBytes)}, ${report.ratio.toFixed(2)}× smaller than the input's ${formatBytes(inputBytes)}\n`);
  return 0;
}
