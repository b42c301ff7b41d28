export {
  ConstantSparsity,
  OneShot,
  PolynomialDecay,
  SCHEDULE_KINDS,
  type ConstantSparsityOptions,
  type PolynomialDecayOptions,
  type PruningSchedule,
  type ScheduleKind,
} from './schedule.js';
export { buildSchedule, isSchedule, updateSteps } from './build.js';
