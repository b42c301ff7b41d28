// The teacher flags shared by the commands that fine-tune (prune, quantize):
// a teacher's soft targets become the fine-tuning loss.
import { LiteModel, loadModel, type Teacher } from '@lite/core';
import { openModel } from './model_source.js';

/** A teacher for distillation: a tfjs Layers model directory, or a .lite file run on the lite runtime. */
export async function loadTeacher(path: string): Promise<Teacher> {
  const source = await openModel(path);
  if (source.kind === 'lite') return LiteModel.fromGraph(source.graph);
  return loadModel(path);
}

/** --teacher, --temperature and --alpha, as a command's flag specs. */
export const teacherFlags = {
  teacher: { type: 'string', value: 'model', description: "fine-tune with this teacher's soft targets (a tfjs model directory or .lite file)" },
  temperature: { type: 'number', min: 0, minInclusive: false, value: 'T', description: 'with --teacher: softmax temperature (default 2)' },
  alpha: { type: 'number', min: 0, max: 1, value: 'A', description: 'with --teacher: weight of the soft targets (default 0.5)' },
} as const;

/** The distillation options those flags ask for (the library checks them). */
export async function teacherOptions(flags: { teacher?: string; temperature?: number; alpha?: number }): Promise<{ teacher?: Teacher; temperature?: number; alpha?: number }> {
  return { teacher: flags.teacher === undefined ? undefined : await loadTeacher(flags.teacher), temperature: flags.temperature, alpha: flags.alpha };
}
