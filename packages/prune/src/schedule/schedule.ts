/** The kinds of pruning schedule. */
export type ScheduleKind = 'oneshot' | 'constant' | 'polynomial';

export const SCHEDULE_KINDS: readonly ScheduleKind[] = ['oneshot', 'constant', 'polynomial'];

/**
 * When masks change during fine-tuning and to what sparsity; counted in optimizer
 * steps (step 0 is the first step).
 */
export interface PruningSchedule {
  readonly kind: ScheduleKind;
  /** The sparsity reached at the end. */
  readonly finalSparsity: number;
  /** The last step at which masks change (the end of pruning). */
  readonly endStep: number;
  /** The sparsity the masks should have after `step`. */
  sparsityAt(step: number): number;
  /** Whether masks are recomputed after `step`. */
  updatesAt(step: number): boolean;
}

function checkFraction(name: string, value: number): void {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) throw new RangeError(`${name} must be a number in [0, 1), got ${JSON.stringify(value)}`);
}

function checkStep(name: string, value: number, min = 0): void {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer ≥ ${min} (an optimizer step), got ${JSON.stringify(value)}`);
}

/** Settings of {@link PolynomialDecay}. */
export interface PolynomialDecayOptions {
  /** Sparsity at `beginStep` (default 0). */
  initialSparsity?: number;
  finalSparsity: number;
  /** First pruning step (default 0). */
  beginStep?: number;
  /** Step at which `finalSparsity` is reached. */
  endStep: number;
  /** Masks are recomputed every `frequency` steps from `beginStep` (and at `endStep`); default 100. */
  frequency?: number;
  /** Exponent of the decay (default 3: Zhu & Gupta's cubic). */
  power?: number;
}

/**
 * Zhu & Gupta's gradual pruning: s_t = s_f + (s_i − s_f)(1 − progress)³ with
 * progress = (t − begin)/(end − begin) clamped to [0, 1]; masks change every
 * `frequency` steps between `beginStep` and `endStep` — fast early, gentle late.
 */
export class PolynomialDecay implements PruningSchedule {
  readonly kind = 'polynomial';
  readonly initialSparsity: number;
  readonly finalSparsity: number;
  readonly beginStep: number;
  readonly endStep: number;
  readonly frequency: number;
  readonly power: number;

  constructor(options: PolynomialDecayOptions) {
    this.initialSparsity = options.initialSparsity ?? 0;
    this.finalSparsity = options.finalSparsity;
    this.beginStep = options.beginStep ?? 0;
    this.endStep = options.endStep;
    this.frequency = options.frequency ?? 100;
    this.power = options.power ?? 3;
    checkFraction('schedule.initialSparsity', this.initialSparsity);
    checkFraction('schedule.finalSparsity', this.finalSparsity);
    if (this.initialSparsity > this.finalSparsity) throw new RangeError(`schedule.initialSparsity ${this.initialSparsity} is above finalSparsity ${this.finalSparsity}; a schedule only prunes more`);
    checkStep('schedule.beginStep', this.beginStep);
    checkStep('schedule.endStep', this.endStep, this.beginStep + 1);
    checkStep('schedule.frequency', this.frequency, 1);
    if (!(this.power > 0)) throw new RangeError(`schedule.power must be positive, got ${this.power}`);
  }

  sparsityAt(step: number): number {
    if (step < this.beginStep) return 0;
    const progress = Math.min(1, (step - this.beginStep) / (this.endStep - this.beginStep));
    return this.finalSparsity + (this.initialSparsity - this.finalSparsity) * (1 - progress) ** this.power;
  }

  updatesAt(step: number): boolean {
    if (step < this.beginStep || step > this.endStep) return false;
    return step === this.endStep || (step - this.beginStep) % this.frequency === 0;
  }
}

/** Settings of {@link ConstantSparsity}. */
export interface ConstantSparsityOptions {
  sparsity: number;
  /** Step at which masks are first computed (default 0). */
  beginStep?: number;
  /** Last step at which masks are recomputed (default: beginStep, i.e. once). */
  endStep?: number;
  /** Recompute masks every `frequency` steps between beginStep and endStep (default 100). */
  frequency?: number;
}

/** The same sparsity from `beginStep` on, masks recomputed from the current weights every `frequency` steps until `endStep`. */
export class ConstantSparsity implements PruningSchedule {
  readonly kind = 'constant';
  readonly finalSparsity: number;
  readonly beginStep: number;
  readonly endStep: number;
  readonly frequency: number;

  constructor(options: ConstantSparsityOptions) {
    this.finalSparsity = options.sparsity;
    this.beginStep = options.beginStep ?? 0;
    this.endStep = options.endStep ?? this.beginStep;
    this.frequency = options.frequency ?? 100;
    checkFraction('schedule sparsity', this.finalSparsity);
    checkStep('schedule.beginStep', this.beginStep);
    checkStep('schedule.endStep', this.endStep, this.beginStep);
    checkStep('schedule.frequency', this.frequency, 1);
  }

  sparsityAt(step: number): number {
    return step < this.beginStep ? 0 : this.finalSparsity;
  }

  updatesAt(step: number): boolean {
    if (step < this.beginStep || step > this.endStep) return false;
    return step === this.endStep || (step - this.beginStep) % this.frequency === 0;
  }
}

/** Everything pruned at once before fine-tuning (step −1); masks never change afterwards. */
export class OneShot implements PruningSchedule {
  readonly kind = 'oneshot';
  readonly endStep = -1;

  constructor(readonly finalSparsity: number) {
    checkFraction('sparsity', finalSparsity);
  }

  sparsityAt(): number {
    return this.finalSparsity;
  }

  updatesAt(): boolean {
    return false;
  }
}
