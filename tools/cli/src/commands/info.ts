import { kernelInfo } from '@lite/core';
import { type CommandSpec, parseArgs } from '../args.js';
import { setupBackend } from '../backend.js';
import { type Io, printJson } from '../io.js';
import { cliVersion } from '../version.js';

/** `lite info`: version, backend and native kernels. */
export const infoSpec = {
  name: 'info',
  summary: 'Show the lite version, the tfjs backend in use and the native kernels (instruction set, threads).',
  flags: {
    json: { type: 'boolean', description: 'print {version, backend, native, isa, threads} as one JSON object' },
  },
} satisfies CommandSpec;

/** Runs `lite info`. */
export async function runInfo(argv: string[], io: Io): Promise<number> {
  const { flags } = parseArgs(infoSpec, argv);
  const choice = await setupBackend(io);
  const kernels = kernelInfo();
  const info = { version: cliVersion(), backend: choice.backend, native: kernels.native, isa: kernels.isa, threads: kernels.threads };
  if (flags.json) {
    printJson(io, info);
    return 0;
  }
  io.out.write(`lite ${info.version}\n`);
  io.out.write(`backend  ${info.backend} (${choice.reason})\n`);
  io.out.write(`native   ${info.native ? 'yes' : `no (${kernels.loadError ?? 'unknown reason'})`}\n`);
  io.out.write(`isa      ${info.isa}\n`);
  io.out.write(`threads  ${info.threads}\n`);
  return 0;
}
