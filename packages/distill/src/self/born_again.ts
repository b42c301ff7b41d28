import type * as tfl from '@tensorflow/tfjs-layers';
import type { Teacher, TrainHistory } from '@lite/core';

/** One born-again generation. */
export interface Generation {
  /** 0: trained alone (no teacher given); k ≥ 1: distilled from generation k − 1 (or from the given teacher for k = 1). */
  generation: number;
  /** Accuracy on the validation data, when given. */
  accuracy?: number;
  history: TrainHistory;
}

/** What {@link bornAgain} needs from its caller: how to train one generation and how to build fresh students. */
export interface BornAgainSteps {
  /** The caller's student (the first generation trained). */
  first: tfl.LayersModel;
  /** A fresh student of the same architecture for generation `g`. */
  fresh(g: number): Promise<tfl.LayersModel>;
  /** Trains `student` from `teacher` (null: alone, on the labels) and returns its history. */
  train(student: tfl.LayersModel, teacher: Teacher | null): Promise<TrainHistory>;
  /** Accuracy of a trained generation, or undefined without validation data. */
  accuracy(student: tfl.LayersModel): Promise<number | undefined>;
  /** Whether the caller owns `model` (it is then never disposed). */
  owned(model: tfl.LayersModel): boolean;
}

/**
 * Born-again networks (Furlanello et al.): generation k + 1, a fresh student of the
 * same architecture, is distilled from generation k. Without a teacher, generation
 * 0 is the student trained alone on the labels; with one, generation 1 learns from
 * it. Runs `generations` distilled generations and returns the last student (the
 * earlier ones are disposed unless the caller owns them) and every generation's record.
 */
export async function bornAgain(steps: BornAgainSteps, generations: number, teacher: Teacher | null): Promise<{ student: tfl.LayersModel; generations: Generation[] }> {
  const record: Generation[] = [];
  let current = steps.first;
  let previous: Teacher | null = teacher;
  let g = teacher ? 1 : 0;
  const last = generations;
  for (;;) {
    const history = await steps.train(current, previous);
    record.push({ generation: g, accuracy: await steps.accuracy(current), history });
    if (g >= last) break;
    if (previous && previous !== teacher && !steps.owned(previous as tfl.LayersModel)) (previous as tfl.LayersModel).dispose();
    previous = current;
    g++;
    current = await steps.fresh(g);
  }
  if (previous && previous !== teacher && !steps.owned(previous as tfl.LayersModel)) (previous as tfl.LayersModel).dispose();
  return { student: current, generations: record };
}
