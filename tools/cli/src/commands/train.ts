import { MODEL_NAMES, OPTIMIZER_NAMES, type OptimizerName, createModel, defaultLearningRate, evaluate, saveModel, train } from '@lite/core';
import { type CommandSpec, parseArgs } from '../args.js';
import { setupBackend } from '../backend.js';
import { dataFlag, limitFlag, limitSamples, loadData } from '../data.js';
import { type Io, printJson } from '../io.js';
import { trainingProgress } from '../progress.js';

/** `lite train`: train a zoo model and save it as a tfjs model directory. */
export const trainSpec = {
  name: 'train',
  summary: 'Train a model-zoo network and save it (model.json + weights.bin). Defaults are the seed recipe.',
  flags: {
    model: { type: 'string', required: true, choices: MODEL_NAMES, description: 'zoo model to train' },
    data: dataFlag,
    epochs: { type: 'int', min: 1, default: 10, value: 'N', description: 'passes over the training split' },
    batch: { type: 'int', min: 1, default: 64, value: 'N', description: 'batch size' },
    optimizer: { type: 'string', choices: OPTIMIZER_NAMES, default: 'sgd', description: 'optimizer' },
    lr: { type: 'number', min: 0, minInclusive: false, value: 'X', description: 'learning rate (default 0.01 for sgd, 0.001 for adam)' },
    momentum: { type: 'number', min: 0, max: 1, maxExclusive: true, default: 0.5, value: 'X', description: 'SGD momentum' },
    seed: { type: 'int', min: 0, default: 0, value: 'N', description: 'seed of initial weights and shuffles' },
    limit: limitFlag,
    output: { type: 'string', short: 'o', required: true, value: 'dir', description: 'directory to write the model to' },
    json: { type: 'boolean', description: 'print the result as one JSON object on stdout' },
  },
  notes: 'Example: lite train --model seedCnn --epochs 10 -o models/seed-cnn',
} satisfies CommandSpec;

/** Runs `lite train`. */
export async function runTrain(argv: string[], io: Io): Promise<number> {
  const { flags } = parseArgs(trainSpec, argv);
  await setupBackend(io);
  const data = await loadData(flags.data, 'train');
  const trainSet = limitSamples(data.train, flags.limit, flags.seed);
  const testSet = limitSamples(data.test, flags.limit, flags.seed + 1);
  const recipe = {
    optimizer: flags.optimizer as OptimizerName,
    learningRate: flags.lr,
    momentum: flags.momentum,
    batchSize: flags.batch,
    epochs: flags.epochs,
    seed: flags.seed,
  };
  io.err.write(`training ${flags.model} on ${trainSet.count} samples (${flags.data}), ${JSON.stringify(recipe)}\n`);
  const model = createModel(flags.model, { seed: flags.seed });
  const history = await train(model, trainSet, { ...recipe, validation: testSet, progress: trainingProgress(io) });
  const result = await evaluate(model, testSet);
  // Provenance travels in model.json (tfjs keeps userDefinedMetadata).
  const learningRate = recipe.learningRate ?? defaultLearningRate(recipe.optimizer);
  model.setUserDefinedMetadata({ lite: { model: flags.model, data: flags.data, recipe: { ...recipe, learningRate }, testAccuracy: result.accuracy } });
  await saveModel(model, flags.output);
  model.dispose();
  const summary = {
    model: flags.model,
    output: flags.output,
    accuracy: result.accuracy,
    loss: result.loss,
    seconds: history.seconds,
    epochs: history.epochs.map((e) => ({ loss: e.loss, valAccuracy: e.valAccuracy, seconds: e.seconds, samplesPerSec: e.samplesPerSec })),
  };
  if (flags.json) printJson(io, summary);
  else io.out.write(`saved ${flags.output}: test accuracy ${(100 * result.accuracy).toFixed(2)}% (loss ${result.loss.toFixed(4)}) after ${history.seconds.toFixed(1)} s\n`);
  return 0;
}
