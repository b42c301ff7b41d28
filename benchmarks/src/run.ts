// `npm run bench` — lite's benchmark suite.
//   node dist/run.js [--only gemm|train|runtime|int8|sparse|binary] [--quick] [--name NAME]
// Prints tables on stdout, progress on stderr, and writes
// results/<NAME>.json and .md (NAME defaults to the selection, e.g. "all", "gemm-quick").
import { cpus, loadavg, platform, release } from 'node:os';
import { runGemm, type GemmResult } from './gemm.js';
import { int8PyTorchTable, runInt8, type Int8Result } from './int8.js';
import { gemmTable, int8GemmTable, int8LayersTables, int8RuntimeTable, runtimeTable, trainTable } from './report.js';
import { writeResults } from './results.js';
import { runRuntime, type RuntimeResult } from './runtime.js';
import { runSparse, sparseTable, type SparseResult } from './sparse.js';
import { binaryTable, runBinary, type BinaryResult } from './binary.js';
import { toMarkdown, toText, type Table } from './table.js';
import { runTrain, type TrainResult } from './train.js';

const PARTS = ['gemm', 'train', 'runtime', 'int8', 'sparse', 'binary'] as const;

interface Args {
  only: (typeof PARTS)[number] | undefined;
  quick: boolean;
  name: string;
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
      if (!PARTS.includes(v as (typeof PARTS)[number])) usage(`--only takes ${PARTS.join(', ')}, not ${v ?? 'nothing'}`);
      only = v as (typeof PARTS)[number];
    } else if (a === '--name') {
      name = argv[++i];
      if (!name || !/^[\w.-]+$/.test(name)) usage('--name takes a file-name-safe word');
    } else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  return { only, quick, name: name ?? `${only ?? 'all'}${quick ? '-quick' : ''}` };
}

function usage(error?: string): never {
  if (error) process.stderr.write(`bench: ${error}\n`);
  process.stderr.write('usage: node dist/run.js [--only gemm|train|runtime|int8|sparse|binary] [--quick] [--name NAME]\n');
  process.exit(error ? 2 : 0);
}

const progress = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    os: `${platform()} ${release()}`,
    node: process.version,
    /** 1-minute load average at start and end: other work on this shared machine skews timings. */
    load: [loadavg()[0]!],
  };
  const tables: Table[] = [];
  let gemm: GemmResult | undefined;
  let train: TrainResult | undefined;
  let runtime: RuntimeResult | undefined;
  let int8: Int8Result | undefined;
  let sparse: SparseResult | undefined;
  let binary: BinaryResult | undefined;
  const selected = (part: NonNullable<Args['only']>) => args.only === undefined || args.only === part;

  if (selected('gemm')) {
    gemm = await runGemm({ quick: args.quick, progress });
    tables.push(gemmTable(gemm));
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
    const added = [int8GemmTable(int8.gemm), int8RuntimeTable(int8.runtime), int8PyTorchTable(int8), ...int8LayersTables(int8.layers)];
    tables.push(...added);
    for (const t of added) process.stdout.write(`\n${toText(t)}\n`);
  }

  if (selected('sparse')) {
    sparse = await runSparse({ quick: args.quick, progress });
    tables.push(sparseTable(sparse));
    process.stdout.write(`\n${toText(tables.at(-1)!)}\n`);
  }
  if (selected('binary')) {
    binary = await runBinary({ quick: args.quick, progress });
    tables.push(binaryTable(binary));
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
    ...tables.flatMap((t) => [toMarkdown(t), '']),
  ].join('\n');
  const files = writeResults(args.name, { name: args.name, date, command, machine, quick: args.quick, gemm, train, runtime, int8, sparse, binary }, markdown);
  progress(`wrote ${files.join(' and ')}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
