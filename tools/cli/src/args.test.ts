import { describe, expect, it } from 'vitest';
import { type CommandSpec, UsageError, formatHelp, parseArgs } from './args.js';

const spec = {
  name: 'demo',
  summary: 'A test command.',
  positionals: [{ name: 'model', description: 'a model', required: true }],
  flags: {
    epochs: { type: 'int', min: 1, default: 10, description: 'epochs' },
    lr: { type: 'number', min: 0, minInclusive: false, description: 'learning rate' },
    momentum: { type: 'number', min: 0, max: 1, maxExclusive: true, default: 0.5, description: 'momentum' },
    optimizer: { type: 'string', choices: ['sgd', 'adam'], default: 'sgd', description: 'optimizer' },
    output: { type: 'string', short: 'o', description: 'output' },
    json: { type: 'boolean', description: 'json' },
  },
} satisfies CommandSpec;

describe('parseArgs', () => {
  it('reads flags in every form, with defaults and types', () => {
    const { flags, positionals } = parseArgs(spec, ['m', '--epochs', '3', '--lr=0.1', '-o', 'out', '--json', '--optimizer', 'adam']);
    expect(positionals).toEqual(['m']);
    expect(flags).toEqual({ epochs: 3, lr: 0.1, momentum: 0.5, optimizer: 'adam', output: 'out', json: true });
    expect(parseArgs(spec, ['m']).flags.json).toBe(false);
    expect(parseArgs(spec, ['--', '-weird']).positionals).toEqual(['-weird']);
    expect(parseArgs(spec, ['--help']).help).toBe(true);
  });

  it('rejects unknown flags, bad values and missing arguments with clear messages', () => {
    const bad: [string[], RegExp][] = [
      [['m', '--epoch', '3'], /unknown option --epoch for 'lite demo'/],
      [['m', '-x'], /unknown option -x/],
      [['m', '--epochs'], /--epochs needs a value/],
      [['m', '--epochs', 'ten'], /--epochs needs a number; got 'ten'/],
      [['m', '--epochs', '2.5'], /--epochs needs a whole number/],
      [['m', '--epochs', '0'], /--epochs must be ≥ 1; got 0/],
      [['m', '--lr', '0'], /--lr must be > 0/],
      [['m', '--momentum', '1'], /--momentum must be < 1/],
      [['m', '--optimizer', 'rmsprop'], /--optimizer must be one of sgd, adam; got 'rmsprop'/],
      [['m', '--json=yes'], /--json takes no value/],
      [[], /missing <model>/],
      [['m', 'extra'], /unexpected argument 'extra'/],
    ];
    for (const [argv, message] of bad) {
      expect(() => parseArgs(spec, argv), argv.join(' ')).toThrow(message);
      expect(() => parseArgs(spec, argv)).toThrow(UsageError);
    }
    const required = { ...spec, flags: { out: { type: 'string', required: true, short: 'o', description: 'x' } } } satisfies CommandSpec;
    expect(() => parseArgs(required, ['m'])).toThrow(/missing required option --out \(-o\)/);
  });

  it('formats help with every option', () => {
    const help = formatHelp(spec);
    expect(help).toMatch(/^Usage: lite demo <model> \[options\]/);
    for (const name of Object.keys(spec.flags)) expect(help).toContain(`--${name}`);
    expect(help).toContain('-o, --output');
    expect(help).toContain('(default 10)');
  });
});
