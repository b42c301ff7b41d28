import { MODEL_NAMES, isModelName, loadModel, saveModel } from '@lite/core';
import { DISTILL_METHODS, type DistillMethod, type DistillOptions, distill, formatReport } from '@lite/distill';
import { type CommandSpec, UsageError, parseArgs } from '../args.js';
import { setupBackend } from '../backend.js';
import { limitSamples, loadData } from '../data.js';
import { type Io, printJson } from '../io.js';
import { loadTeacher } from '../teacher.js';
import { trainingProgress } from '../progress.js';
import { trainSpec } from './train.js';

const recipe = trainSpec.flags;

/** `lite distill`: train a student from a teacher and save it. */
export const distillSpec = {
  name: 'distill',
  summary: 'Distil a teacher into a student (soft targets, feature hints, relations, several teachers or born-again generations), compared with the student trained alone.',
  flags: {
    teacher: { type: 'string', required: true, value: 'model[,model…]', description: 'teacher: a tfjs model directory or a .lite file (several, comma-separated, for --method multi)' },
    student: { type: 'string', required: true, value: 'zoo name|model', description: 'student: a zoo model name (seedStudent, …) or a tfjs model directory to fine-tune' },
    method: { type: 'string', choices: DISTILL_METHODS, default: 'kd', description: 'distillation method' },
    temperature: { type: 'number', min: 0, minInclusive: false, default: 2, value: 'T', description: 'softmax temperature' },
    alpha: { type: 'number', min: 0, max: 1, default: 0.5, value: 'A', description: 'weight of the soft targets (1 − A on the labels)' },
    hint: { type: 'string', value: 's:t[,s:t…]', description: "fitnets: student:teacher layer pairs (default 'fc1:fc1')" },
    'hint-weight': { type: 'number', min: 0, value: 'B', description: 'fitnets: weight of the feature terms (default 1)' },
    attention: { type: 'boolean', description: 'fitnets: attention transfer on conv layers instead of L2 on adapted features' },
    'teacher-weights': { type: 'string', value: 'w,w…|accuracy', description: "multi: a weight per teacher, or 'accuracy' (default)" },
    generations: { type: 'int', min: 1, default: 2, value: 'N', description: 'self: distilled generations' },
    'no-baseline': { type: 'boolean', description: 'skip training the student alone for the comparison (done by default)' },
    data: recipe.data,
    epochs: recipe.epochs,
    batch: recipe.batch,
    optimizer: recipe.optimizer,
    lr: recipe.lr,
    momentum: recipe.momentum,
    seed: recipe.seed,
    limit: recipe.limit,
    output: { type: 'string', short: 'o', required: true, value: 'dir', description: 'directory to write the distilled student to (model.json + weights.bin)' },
    json: { type: 'boolean', description: 'print the report as one JSON object on stdout' },
  },
  notes:
    'Methods: kd (Hinton soft targets), fitnets (kd + feature hints), rkd (kd + relational distance/angle), multi (several teachers),\n' +
    'self (born-again generations; --teacher optional, then generation 0 is the student trained alone).\n' +
    'The student is also trained alone with the same recipe and seed, and the report compares both (--no-baseline skips it).\n' +
    'Example: lite distill --teacher models/seed-cnn --student seedStudent --temperature 2 --alpha 0.5 -o models/student-kd',
} satisfies CommandSpec;

function parsePairs(text: string): { student: string; teacher: string }[] {
  return text.split(',').map((p) => {
    const [student, teacher, extra] = p.split(':');
    if (!student || !teacher || extra !== undefined) throw new UsageError(`--hint takes student:teacher layer pairs (e.g. fc1:fc1,conv2:conv2); got '${p}'`, 'distill');
    return { student, teacher };
  });
}

function parseWeights(text: string | undefined): number[] | 'accuracy' | undefined {
  if (text === undefined || text === 'accuracy') return text;
  const weights = text.split(',').map(Number);
  if (weights.some((w) => !(w >= 0) || !Number.isFinite(w))) throw new UsageError(`--teacher-weights takes non-negative numbers (e.g. 0.7,0.3) or 'accuracy'; got '${text}'`, 'distill');
  return weights;
}

/** Runs `lite distill`. */
export async function runDistill(argv: string[], io: Io): Promise<number> {
  const { flags } = parseArgs(distillSpec, argv);
  const method = flags.method as DistillMethod;
  const teacherPaths = flags.teacher.split(',').filter((p) => p.length > 0);
  if (teacherPaths.length > 1 && method !== 'multi') throw new UsageError(`${teacherPaths.length} teachers given; use --method multi for several`, 'distill');
  if (method === 'multi' && teacherPaths.length < 2) throw new UsageError('--method multi needs several teachers: --teacher a,b', 'distill');
  if (method !== 'fitnets' && (flags.hint !== undefined || flags.attention || flags['hint-weight'] !== undefined)) throw new UsageError('--hint, --hint-weight and --attention are for --method fitnets', 'distill');
  const teacherWeights = parseWeights(flags['teacher-weights']);
  const hints = parsePairs(flags.hint ?? (flags.attention ? 'conv2:conv2' : 'fc1:fc1'));
  await setupBackend(io);
  const split = await loadData(flags.data, 'distill');
  const data = limitSamples(split.train, flags.limit, flags.seed);
  // The test subset is picked with seed 1, as lite eval and lite quantize pick it, so their numbers compare.
  const validation = limitSamples(split.test, flags.limit, 1);
  const teachers = await Promise.all(teacherPaths.map(loadTeacher));
  const student = isModelName(flags.student) ? flags.student : await loadModel(flags.student).catch((err: Error) => {
    throw new UsageError(`--student '${flags.student}' is neither a zoo model name (${MODEL_NAMES.join(', ')}) nor a loadable model directory: ${err.message}`, 'distill');
  });
  const options: DistillOptions = {
    teacher: method === 'multi' ? teachers : teachers[0],
    student,
    data,
    validation,
    method,
    temperature: flags.temperature,
    alpha: flags.alpha,
    epochs: flags.epochs,
    batchSize: flags.batch,
    optimizer: flags.optimizer as DistillOptions['optimizer'],
    learningRate: flags.lr,
    momentum: flags.momentum,
    seed: flags.seed,
    compareBaseline: !flags['no-baseline'],
    progress: trainingProgress(io),
    ...(method === 'fitnets' ? { features: { pairs: hints, weight: flags['hint-weight'], attention: flags.attention } } : {}),
    ...(method === 'multi' && teacherWeights ? { teacherWeights } : {}),
    ...(method === 'self' ? { generations: flags.generations } : {}),
  };
  io.err.write(`distilling ${teacherPaths.join(', ')} into ${flags.student} (${method}) on ${data.count} samples (${flags.data})\n`);
  const result = await distill(options);
  result.student.setUserDefinedMetadata({ lite: { distilled: { teacher: teacherPaths, student: flags.student, method, temperature: flags.temperature, alpha: flags.alpha }, testAccuracy: result.report.studentAccuracy } });
  await saveModel(result.student, flags.output);
  const summary = { output: flags.output, teacher: teacherPaths, student: flags.student, ...result.report };
  result.student.dispose();
  if (flags.json) printJson(io, summary);
  else io.out.write(`${formatReport(result.report)}saved ${flags.output}\n`);
  return 0;
}
