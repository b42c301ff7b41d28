/** A command-line mistake: printed with a hint to `--help`, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One flag of a command. */
export interface FlagSpec {
  type: 'string' | 'int' | 'number' | 'boolean';
  description: string;
  /** One-letter alias, e.g. 'o' for -o. */
  short?: string;
  /** Allowed values of a string flag. */
  choices?: readonly string[];
  /** Smallest allowed value of a number flag. */
  min?: number;
  /** Largest allowed value of a number flag. */
  max?: number;
  /** Allow min itself (default true); false makes min exclusive. */
  minInclusive?: boolean;
  /** Largest value is exclusive. */
  maxExclusive?: boolean;
  required?: boolean;
  default?: string | number | boolean;
  /** Placeholder in help, e.g. 'N'. */
  value?: string;
}

/** A command: its flags and positional arguments. */
export interface CommandSpec {
  name: string;
  summary: string;
  positionals?: { name: string; description: string; required?: boolean }[];
  flags: Record<string, FlagSpec>;
  /** Extra help text (examples). */
  notes?: string;
}

type ValueOf<F extends FlagSpec> = F['type'] extends 'boolean' ? boolean : F['type'] extends 'string' ? string : number;

/** Parsed flags: typed by each flag's type; optional unless it has a default or is required. */
export type Flags<S extends Record<string, FlagSpec>> = {
  [K in keyof S]: S[K] extends { default: unknown } | { required: true } ? ValueOf<S[K]> : ValueOf<S[K]> | undefined;
};

/** The result of parsing a command line. */
export interface Parsed<S extends Record<string, FlagSpec>> {
  flags: Flags<S>;
  positionals: string[];
  help: boolean;
}

function convert(spec: CommandSpec, name: string, flag: FlagSpec, raw: string): string | number {
  const where = `--${name}`;
  if (flag.type === 'string') {
    if (flag.choices && !flag.choices.includes(raw)) throw new UsageError(`${where} must be one of ${flag.choices.join(', ')}; got '${raw}'`, spec.name);
    return raw;
  }
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`${where} needs a number; got '${raw}'`, spec.name);
  if (flag.type === 'int' && !Number.isInteger(value)) throw new UsageError(`${where} needs a whole number; got '${raw}'`, spec.name);
  if (flag.min !== undefined && (value < flag.min || (flag.minInclusive === false && value === flag.min))) {
    throw new UsageError(`${where} must be ${flag.minInclusive === false ? '>' : '≥'} ${flag.min}; got ${raw}`, spec.name);
  }
  if (flag.max !== undefined && (value > flag.max || (flag.maxExclusive && value === flag.max))) {
    throw new UsageError(`${where} must be ${flag.maxExclusive ? '<' : '≤'} ${flag.max}; got ${raw}`, spec.name);
  }
  return value;
}

/**
 * Parses `argv` against a command's spec: `--flag value`, `--flag=value`, `-o value`,
 * boolean `--flag`, and positionals; `--` ends flags. Unknown flags, missing or bad
 * values and missing required flags throw a {@link UsageError}.
 */
export function parseArgs<S extends Record<string, FlagSpec>>(spec: CommandSpec & { flags: S }, argv: readonly string[]): Parsed<S> {
  const values: Record<string, string | number | boolean | undefined> = {};
  const positionals: string[] = [];
  const byShort = new Map(Object.entries(spec.flags).flatMap(([name, f]) => (f.short ? [[f.short, name] as const] : [])));
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const key = eq >= 0 ? arg.slice(0, eq) : arg;
    const name = key.startsWith('--') ? key.slice(2) : byShort.get(key.slice(1));
    const flag = name === undefined ? undefined : spec.flags[name];
    if (name === undefined || !flag) throw new UsageError(`unknown option ${key} for 'lite ${spec.name}'`, spec.name);
    if (flag.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`, spec.name);
      values[name] = true;
      continue;
    }
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined) throw new UsageError(`--${name} needs a value${flag.value ? ` (${flag.value})` : ''}`, spec.name);
    values[name] = convert(spec, name, flag, raw);
  }
  if (!help) {
    for (const [name, flag] of Object.entries(spec.flags)) {
      if (values[name] === undefined && flag.default !== undefined) values[name] = flag.default;
      if (values[name] === undefined && flag.type === 'boolean') values[name] = false;
      if (values[name] === undefined && flag.required) throw new UsageError(`missing required option --${name}${flag.short ? ` (-${flag.short})` : ''}`, spec.name);
    }
    const known = spec.positionals ?? [];
    const required = known.filter((p) => p.required).length;
    if (positionals.length < required) throw new UsageError(`missing <${known[positionals.length].name}>`, spec.name);
    if (positionals.length > known.length) throw new UsageError(`unexpected argument '${positionals[known.length]}'`, spec.name);
  }
  return { flags: values as Flags<S>, positionals, help };
}

/** The `--help` text of a command. */
export function formatHelp(spec: CommandSpec): string {
  const positionals = (spec.positionals ?? []).map((p) => (p.required ? ` <${p.name}>` : ` [${p.name}]`)).join('');
  const lines = [`Usage: lite ${spec.name}${positionals} [options]`, '', spec.summary, ''];
  for (const p of spec.positionals ?? []) lines.push(`  ${`<${p.name}>`.padEnd(26)}${p.description}`);
  lines.push('Options:');
  const entries = Object.entries(spec.flags).map(([name, f]) => {
    const left = `${f.short ? `-${f.short}, ` : '    '}--${name}${f.type === 'boolean' ? '' : ` <${f.value ?? (f.choices ? f.choices.join('|') : f.type === 'string' ? 'value' : 'N')}>`}`;
    const extra = [f.required ? 'required' : '', f.default !== undefined && f.type !== 'boolean' ? `default ${f.default}` : ''].filter(Boolean).join(', ');
    return [left, `${f.description}${extra ? ` (${extra})` : ''}`];
  });
  entries.push(['-h, --help', 'show this help']);
  const width = Math.max(...entries.map(([l]) => l.length)) + 2;
  for (const [left, right] of entries) lines.push(`  ${left.padEnd(width)}${right}`);
  if (spec.notes) lines.push('', spec.notes);
  return `${lines.join('\n')}\n`;
}
