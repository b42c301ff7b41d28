export { run, COMMANDS } from './main.js';
export { UsageError, formatHelp, parseArgs, type CommandSpec, type FlagSpec, type Flags, type Parsed } from './args.js';
export type { Io } from './io.js';
export type { EvalReport } from './report.js';
