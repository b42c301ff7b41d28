import { type CommandSpec, UsageError, formatHelp } from './args.js';
import { convertSpec, runConvert } from './commands/convert.js';
import { compressSpec, runCompress } from './commands/compress.js';
import { quantizeSpec, runQuantize } from './commands/quantize.js';
import { pruneSpec, runPrune } from './commands/prune.js';
import { runSensitivity, sensitivitySpec } from './commands/sensitivity.js';
import { demoSpec, runDemo } from './commands/demo.js';
import { distillSpec, runDistill } from './commands/distill.js';
import { evalSpec, runEval } from './commands/eval.js';
import { infoSpec, runInfo } from './commands/info.js';
import { inspectSpec, runInspect } from './commands/inspect.js';
import { runTrain, trainSpec } from './commands/train.js';
import { type Io, processIo } from './io.js';
import { cliVersion } from './version.js';

interface Command {
  spec: CommandSpec;
  run(argv: string[], io: Io): Promise<number>;
}

/** Every `lite` command by name. */
export const COMMANDS: Record<string, Command> = {
  demo: { spec: demoSpec, run: runDemo },
  train: { spec: trainSpec, run: runTrain },
  eval: { spec: evalSpec, run: runEval },
  convert: { spec: convertSpec, run: runConvert },
  prune: { spec: pruneSpec, run: runPrune },
  sensitivity: { spec: sensitivitySpec, run: runSensitivity },
  quantize: { spec: quantizeSpec, run: runQuantize },
  distill: { spec: distillSpec, run: runDistill },
  compress: { spec: compressSpec, run: runCompress },
  inspect: { spec: inspectSpec, run: runInspect },
  info: { spec: infoSpec, run: runInfo },
};

function topHelp(): string {
  const lines = ['Usage: lite <command> [options]', '', 'lite: prune, quantize and distill TensorFlow.js models; run them on native kernels.', '', 'Commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)}${c.spec.summary.split(/\. | \(/)[0].replace(/[.:]$/, '')}`);
  lines.push('', "Run 'lite <command> --help' for a command's options.");
  return `${lines.join('\n')}\n`;
}

/** Whether the arguments ask for help (before any `--`). */
function wantsHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/**
 * Runs the `lite` command line and returns the exit code: 0 on success, 1 when the
 * work failed, 2 on a usage mistake. Results go to io.out, everything else to io.err.
 */
export async function run(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    io.out.write(topic && COMMANDS[topic] ? formatHelp(COMMANDS[topic].spec) : topHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.out.write(`${cliVersion()}\n`);
    return 0;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.err.write(`lite: unknown command '${name}'; commands: ${Object.keys(COMMANDS).join(', ')} (see 'lite --help')\n`);
    return 2;
  }
  if (wantsHelp(rest)) {
    io.out.write(formatHelp(command.spec));
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err.write(`lite ${name}: ${err.message}\nRun 'lite ${name} --help' for usage.\n`);
      return 2;
    }
    io.err.write(`lite ${name}: error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.LITE_DEBUG && err instanceof Error) io.err.write(`${err.stack}\n`);
    return 1;
  }
}
