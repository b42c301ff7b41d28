import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { convertTfjsModel, summarizeGraph, tensorByteSize, writeLiteFile } from '@lite/core';
import { type CommandSpec, UsageError, parseArgs } from '../args.js';
import { setupBackend } from '../backend.js';
import { formatBytes, formatCount } from '../format.js';
import { type Io, printJson } from '../io.js';
import { cliVersion } from '../version.js';

/** `lite convert`: any tfjs model (Layers or graph) into a .lite file. */
export const convertSpec = {
  name: 'convert',
  summary:
    'Convert a TensorFlow.js model into a .lite file. Layers models become a graph the lite runtime runs; ' +
    'graph models keep their GraphDef with the weights stored compressed (load them with loadGraphModel from @lite/core).',
  positionals: [{ name: 'model', description: 'tfjs model directory or its model.json ("layers-model" or "graph-model")', required: true }],
  flags: {
    output: { type: 'string', short: 'o', required: true, value: 'file.lite', description: 'the .lite file to write (written atomically)' },
    encoding: { type: 'string', choices: ['f32', 'f16'], default: 'f32', description: 'how float weights are stored' },
    'no-huffman': { type: 'boolean', description: 'store sections as they are (default: Huffman-code each section where that is smaller)' },
    json: { type: 'boolean', description: 'print the result as one JSON object on stdout' },
  },
  notes:
    'Example: lite convert models/seed-cnn -o seed-cnn.lite --encoding f16\n' +
    'Values an encoding cannot keep (e.g. beyond fp16\'s ±65504) are warned about on stderr, naming each weight.\n' +
    'JSON: {input, output, format, encoding, huffman, params, inputBytes, outputBytes, ratio, warnings: [{tensor, kind, count}]}',
} satisfies CommandSpec;

/** Runs `lite convert`. */
export async function runConvert(argv: string[], io: Io): Promise<number> {
  const { flags, positionals } = parseArgs(convertSpec, argv);
  const input = positionals[0];
  const output = flags.output;
  const existing = await stat(output).catch(() => undefined);
  if (existing?.isDirectory()) throw new UsageError(`--output '${output}' is a directory; name the .lite file to write`, 'convert');
  if (resolve(output) === resolve(input)) throw new UsageError('--output must differ from the input model', 'convert');
  await setupBackend(io);
  const encoding = flags.encoding as 'f32' | 'f16';
  const huffman = flags['no-huffman'] ? 'off' : 'auto';
  const { graph, format, warnings, source } = await convertTfjsModel(input, {
    encoding,
    version: cliVersion(),
    record: { huffman },
    // Subnormals only lose precision: a note; overflow, underflow to zero and non-finite values: warnings.
    onWarning: (w) => io.err.write(`${w.kind === 'subnormal' ? 'note' : 'warning'}: ${w.message}\n`),
  });
  await mkdir(dirname(resolve(output)), { recursive: true });
  await writeLiteFile(output, graph, { huffman });
  const outputBytes = (await stat(output)).size;
  let params = 0;
  for (const t of graph.tensors.values()) params += t.shape.reduce((p, d) => p * d, 1);
  const weightBytes = [...graph.tensors.values()].reduce((s, t) => s + tensorByteSize(t), 0);
  const result = {
    input,
    output,
    format,
    encoding,
    huffman,
    params,
    inputBytes: source.fileBytes,
    outputBytes,
    ratio: outputBytes / source.fileBytes,
    warnings: warnings.map((w) => ({ tensor: w.tensor, kind: w.kind, count: w.count })),
  };
  if (flags.json) {
    printJson(io, result);
    return 0;
  }
  const what = format === 'graph-model' ? `graph model, ${graph.graphModel!.weights.length} weights` : `Layers model, ${summarizeGraph(graph).layers.length} runtime nodes`;
  io.out.write(`converted ${input} (${what}, ${formatCount(params)} params)\n`);
  io.out.write(`wrote     ${output}: ${formatBytes(outputBytes)} (${encoding}, weights ${formatBytes(weightBytes)}, Huffman ${huffman}) — ${(100 * result.ratio).toFixed(1)}% of the input's ${formatBytes(source.fileBytes)}\n`);
  const serious = warnings.filter((w) => w.kind !== 'subnormal').length;
  if (serious > 0) io.out.write(`${serious} encoding warning(s) on stderr: some values were not kept\n`);
  return 0;
}
