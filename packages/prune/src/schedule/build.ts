import type { ScheduleSpec } from '../options.js';
import { ConstantSparsity, OneShot, PolynomialDecay, type PruningSchedule } from './schedule.js';

/** Whether `value` is a ready schedule object (has sparsityAt/updatesAt) rather than a spec. */
export function isSchedule(value: unknown): value is PruningSchedule {
  return typeof value === 'object' && value !== null && typeof (value as PruningSchedule).sparsityAt === 'function' && typeof (value as PruningSchedule).updatesAt === 'function';
}

/**
 * The schedule for a run of `totalSteps` optimizer steps reaching `target`. Unset
 * steps default to: begin 0; end at 60% of the steps (polynomial, leaving the rest
 * to recover) or at begin (constant); 20 mask updates between begin and end.
 * Throws a RangeError when the schedule would not finish inside the run.
 */
export function buildSchedule(spec: ScheduleSpec | PruningSchedule, target: number, totalSteps: number): PruningSchedule {
  const schedule = isSchedule(spec) ? spec : fromSpec(spec, target, totalSteps);
  if (schedule.kind !== 'oneshot' && schedule.endStep >= totalSteps) {
    throw new RangeError(`the schedule ends at step ${schedule.endStep}, but fine-tuning takes only ${totalSteps} optimizer steps (0…${totalSteps - 1}); lower endStep or raise finetune.epochs`);
  }
  return schedule;
}

function fromSpec(spec: ScheduleSpec, target: number, totalSteps: number): PruningSchedule {
  const beginStep = spec.beginStep ?? 0;
  switch (spec.kind) {
    case 'oneshot':
      return new OneShot(target);
    case 'polynomial': {
      const endStep = spec.endStep ?? Math.max(beginStep + 1, Math.round(0.6 * totalSteps));
      const frequency = spec.frequency ?? Math.max(1, Math.round((endStep - beginStep) / 20));
      return new PolynomialDecay({ initialSparsity: spec.initialSparsity, finalSparsity: target, beginStep, endStep, frequency });
    }
    case 'constant': {
      const endStep = spec.endStep ?? beginStep;
      const frequency = spec.frequency ?? Math.max(1, Math.round((endStep - beginStep) / 20));
      return new ConstantSparsity({ sparsity: target, beginStep, endStep, frequency });
    }
  }
}

/** The steps at which `schedule` updates masks within `totalSteps`. */
export function updateSteps(schedule: PruningSchedule, totalSteps: number): number[] {
  const steps: number[] = [];
  for (let s = 0; s < totalSteps; s++) if (schedule.updatesAt(s)) steps.push(s);
  return steps;
}
