#!/usr/bin/env node
// Runs the given vitest paths once per instruction-set path this CPU has
// (LITE_ISA=ref|avx2|avx512) other than the default, which `vitest run` covered.
import { spawnSync } from 'node:child_process';
import native from '@lite/native';

const paths = process.argv.slice(2);
const others = native.availableIsas().filter((isa) => isa !== native.isa());
for (const isa of others) {
  console.log(`\n── LITE_ISA=${isa}: ${paths.join(' ')}`);
  const run = spawnSync('npx', ['vitest', 'run', ...paths], { stdio: 'inherit', env: { ...process.env, LITE_ISA: isa } });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
