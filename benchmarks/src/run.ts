// `npm run bench` — lite's benchmark suite.
//   node dist/run.js [--only gemm|train|runtime|int8|sparse|binary|peak] [--quick] [--name NAME]
// Measures this machine's single-thread peak first (the % peak columns), prints
// tables on stdout, progress on stderr, and writes results/<NAME>.json and .md
// (NAME defaults to the selection, e.g. "all", "gemm-quick"); a full run also writes
// results/<YYYY-MM-DD>.json and .md. Every run ends by regenerating RESULTS.md and
// results/chart.svg from the latest results of each part.
import { cpus, loadavg, platform, release } from 'node:os';
import { runGemm, type GemmResult } from './gemm.js';
import { int8PyTorchTable, runInt8, type Int8Result } from './int8.js';
import { gemmTable, int8GemmTable, int8LayersTables, int8RuntimeTable, runtimeTable, trainTable } from './report.js';
import { describePeak, measurePeak } from './peak.js';
import { PARTS, writeResults, type Machine, type RunResults } from './results.js';
import { runRuntime, type RuntimeResult } from './runtime.js';
import { runSparse, sparseTable, type SparseResult } from './sparse.js';
import { binaryTable, runBinary, type BinaryResult } from './binary.js';
import { writeSummary } from './summary.js';
import { toMarkdown, toText, type Table } from './table.js';
import { runTrain, type TrainResult } from './train.js';

/** `--only` choices: a part, or `peak` for the peak microbenchmark alone. */
const ONLY = [...PARTS, 'peak'] as const;

interface Args {
  only: (typeof ONLY)[number] | undefined;
  quick: boolean;
  name: string;
  /** --name was given: the run is not the suite's full run, so it writes no dated file. */
  named: boolean;
}

function parseArgs(argv: string[]): Args {
  let only: Args['only'];
  let quick = false;
  let name: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--only') {
      const v = argv[++i];
      if (!ONLY.includes(v as (typeof ONLY)[number])) usage(`--only takes ${ONLY.join(', ')}, not ${v ?? 'nothing'}`);
      only = v as (typeof ONLY)[number];
    } else if (a === '--name') {
      name = argv[++i];
      if (!name || !/^[\w.-]+$/.test(name)) usage('--name takes a file-name-safe word');
    } else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  return { only, quick, name: name ?? `${only ?? 'all'}${quick ? '-quick' : ''}`, named: name !== undefined };
}

function usage(error?: string): never {
  if (error) process.stderr.write(`bench: ${error}\n`);
  process.stderr.write(`usage: node dist/run.js [--only ${ONLY.join('|')}] [--quick] [--name NAME]\n`);
  process.exit(error ? 2 : 0);
}

const progress = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const machine: Machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    os: `${platform()} ${release()}`,
    node: process.version,
    load: [loadavg()[0]!],
  };
  progress('peak: building and running src/peers/peak.c');
  const peak = await measurePeak({ quick: args.quick });
  process.stdout.write(`\n${describePeak(peak)}\n`);
  const tables: Table[] = [];
  let gemm: GemmResult | undefined;
  let train: TrainResult | undefined;
  let runtime: RuntimeResult | undefined;
  let int8: Int8Result | undefined;
  let sparse: SparseResult | undefined;
  let binary: BinaryResult | undefined;
  const selected = (part: (typeof PARTS)[number]) => args.only === undefined || args.only === part;

  if (selected('gemm')) {
    gemm = await runGemm({ quick: args.quick, progress });
    tables.push(gemmTable(gemm, peak));
    process.stdout.write(`\n${toText(tables.at(-1)!)}\n`);
  }
  if (selected('train')) {
    train = await runTrain({ quick: args.quick, progress });
    tables.push(trainTable(train));
    process.stdout.write(`\n${toText(tables.at(-1)!)}\n`);
  }
  if (selected('runtime')) {
    runtime = await runRuntime({ quick: args.quick, progress });
    tables.push(runtimeTable(runtime));
    process.stdout.write(`\n${toText(tables.at(-1)!)}\n`);
  }
  if (selected('int8')) {
    int8 = await runInt8({ quick: args.quick, progress });
    const added = [int8GemmTable(int8.gemm, peak), int8RuntimeTable(int8.runtime), int8PyTorchTable(int8), ...int8LayersTables(int8.layers)];
    tables.push(...added);
    for (const t of added) process.stdout.write(`\n${toText(t)}\n`);
  }

  if (selected('sparse')) {
    sparse = await runSparse({ quick: args.quick, progress });
    tables.push(sparseTable(sparse, peak));
    process.stdout.write(`\n${toText(tables.at(-1)!)}\n`);
  }
  if (selected('binary')) {
    binary = await runBinary({ quick: args.quick, progress });
    tables.push(binaryTable(binary, peak));
    process.stdout.write(`\n${toText(tables.at(-1)!)}\n`);
  }

  machine.load.push(loadavg()[0]!);
  const command = `node benchmarks/dist/run.js ${process.argv.slice(2).join(' ')}`.trim();
  const date = new Date().toISOString();
  const markdown = [
    `# lite benchmarks: ${args.name}`,
    '',
    `${date} · ${machine.cpu}, ${machine.cores} cores · ${machine.os} · Node ${machine.node} · load average ${machine.load.map((l) => l.toFixed(2)).join(' → ')}`,
    '',
    `Reproduce: \`${command}\` (or \`npm run bench\` at the root for the full suite).`,
    'The machine is shared: figures are medians, compare ratios within one run.',
    '',
    `This machine's ${describePeak(peak)}.`,
    '',
    ...tables.flatMap((t) => [toMarkdown(t), '']),
  ].join('\n');
  const results: RunResults = { name: args.name, date, command, machine, quick: args.quick, peak, gemm, train, runtime, int8, sparse, binary };
  const files = writeResults(args.name, results, markdown);
  // The full suite's run is also kept by date (quick runs are smoke tests, not records).
  if (args.only === undefined && !args.named && !args.quick) files.push(...writeResults(date.slice(0, 10), results, markdown));
  files.push(...writeSummary());
  progress(`wrote ${files.join(', ')}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
