import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

// Runs the built CLI for the end-to-end tests.

export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Throws unless the CLI was built (the tests run dist/bin.js). */
export function requireBuiltCli(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build the CLI first (npm run build)`);
}

/** Runs `lite …args` and resolves with its exit code and output. */
export function lite(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Parses stdout that must be exactly one JSON object on one line. */
export function onlyJson(stdout: string): Record<string, any> {
  const lines = stdout.split('\n').filter((l) => l.length > 0);
  expect(lines).toHaveLength(1);
  const value = JSON.parse(lines[0]) as unknown;
  expect(typeof value).toBe('object');
  return value as Record<string, any>;
}

/** Runs the CLI expecting success and exactly one JSON object on stdout. */
export async function liteJson(...args: string[]): Promise<Record<string, any>> {
  const r = await lite(...args);
  expect(r.code, `lite ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return onlyJson(r.stdout);
}
