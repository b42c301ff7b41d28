#!/usr/bin/env node
// The packages as a user gets them: `npm pack` every published package (the
// @lite/native prepack puts the built addon in prebuilds/<platform>-<arch>/),
// install the tarballs into an empty project outside the monorepo (tfjs comes
// from the registry; no install scripts run), type-check a TypeScript file
// against the installed types, then train, quantize, save, load and predict
// there, asserting the native kernels were loaded from the prebuilt binary.
//
//   node scripts/pack-install-test.mjs [--keep]     (run by @lite/cli's `npm test`)
//
// Needs a build (npm install at the root does it). --keep leaves the temp project.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const packages = ['native', 'packages/core', 'packages/prune', 'packages/quant', 'packages/distill', 'tools/cli'];
const keep = process.argv.includes('--keep');
const started = Date.now();

// npm run passes its config down as npm_* variables (workspace, prefix, …); the
// temp project must see a plain npm, as a user's would.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
delete env.LITE_ISA;

function step(label) {
  console.log(`pack-install: ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function run(cmd, args, cwd, extra = {}) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20, ...extra });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed with ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const work = mkdtempSync(join(tmpdir(), 'lite-pack-'));
const tarballs = join(work, 'tarballs');
const project = join(work, 'project');
mkdirSync(tarballs);
mkdirSync(project);
// The prepack writes native/prebuilds/; remove it afterwards unless it was there before.
const prebuilds = join(root, 'native', 'prebuilds');
const hadPrebuilds = existsSync(prebuilds);

try {
  // 1. Pack: one npm call for every workspace.
  step('npm pack');
  const packed = JSON.parse(
    run('npm', ['pack', '--json', '--pack-destination', tarballs, ...packages.flatMap((p) => ['-w', p])], root).stdout.replace(/^[^[]*/, ''),
  );
  check(packed.length === packages.length, `expected ${packages.length} tarballs, got ${packed.length}`);
  for (const p of packed) {
    const paths = p.files.map((f) => f.path);
    const bad = paths.filter((f) => /(^|\/)(src|test|tests)\//.test(f) || /\.test\.|\.map$|\.tsbuildinfo$|(^|\/)(build|node_modules)\//.test(f));
    check(bad.length === 0, `${p.name} would publish files it does not need: ${bad.join(', ')}`);
    check(paths.includes('package.json'), `${p.name}: no package.json in the tarball`);
    if (p.name === '@lite/native') {
      const target = `prebuilds/${process.platform}-${process.arch}`;
      check(paths.includes(`${target}/lite_native.node`) && paths.includes(`${target}/lite_native.json`), `@lite/native: no ${target}/ binary and stamp in the tarball`);
    } else {
      check(paths.includes('dist/index.js') && paths.includes('dist/index.d.ts'), `${p.name}: no dist/index.js and dist/index.d.ts in the tarball`);
    }
    console.log(`  ${p.filename}: ${p.entryCount} files, ${(p.size / 1e3).toFixed(0)} kB`);
  }

  // 2. Install into an empty project, outside any workspace.
  step('npm install the tarballs');
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'lite-pack-test', private: true, type: 'module' }, null, 2)}\n`);
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...packed.map((p) => join(tarballs, p.filename))], project);

  // 3. Types: a TypeScript user's file checks against the installed declarations.
  step('tsc --noEmit against the installed types');
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true,
        types: ['node'], typeRoots: [join(root, 'node_modules', '@types')],
      },
      files: ['check.ts'],
    }),
  );
  writeFileSync(
    join(project, 'check.ts'),
    `import { seedCnn, LiteModel, kernelInfo, type KernelInfo } from '@lite/core';
import { quantize, type QuantizeResult } from '@lite/quant';
import { prune } from '@lite/prune';
import { distill } from '@lite/distill';
import native, { loadedFrom } from '@lite/native';
const info: KernelInfo = kernelInfo();
const path: string = loadedFrom;
const isa: string = native.isa();
export async function go(): Promise<LiteModel> {
  const result: QuantizeResult = await quantize(seedCnn({ seed: 1 }), { mode: 'dynamic' });
  return result.model;
}
export const used = [info, path, isa, prune, distill];
`,
  );
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], project);

  // 4. Train briefly, quantize, save, load, predict — on the installed packages.
  step('train, quantize, save, load, predict');
  writeFileSync(
    join(project, 'run.mjs'),
    `import { LiteModel, kernelInfo, liteAccuracy, loadMnist, seedCnn, shuffleDataset, silentProgress, takeSamples, train, useBestBackend } from '@lite/core';
import { quantize } from '@lite/quant';
import { prune } from '@lite/prune';
import { distill } from '@lite/distill';
import { loadedFrom } from '@lite/native';
import * as tf from '@tensorflow/tfjs-core';

const choice = await useBestBackend(() => {});
const data = await loadMnist();
const trainSet = takeSamples(shuffleDataset(data.train, 0), 2000);
const testSet = takeSamples(shuffleDataset(data.test, 1), 500);
const model = seedCnn({ seed: 0 });
await train(model, trainSet, { epochs: 1, optimizer: 'adam', progress: silentProgress });
const fp32 = liteAccuracy(LiteModel.fromLayersModel(model), testSet);
const { model: q } = await quantize(model, { mode: 'dynamic', progress: silentProgress });
await q.save('model.lite');
const loaded = await LiteModel.load('model.lite');
const encodings = loaded.graph.nodes.filter((n) => n.op === 'conv2d' || n.op === 'dense').map((n) => loaded.graph.tensors.get(n.kernel).encoding);
const int8 = liteAccuracy(loaded, testSet);
const logits = loaded.predict(tf.zeros([1, 28, 28, 1]));
console.log(JSON.stringify({
  info: kernelInfo(), loadedFrom, backend: choice.backend, fp32, int8, encodings, outShape: logits.shape,
  exports: [typeof prune, typeof distill],
}));
`,
  );
  const r = run(process.execPath, ['run.mjs'], project);
  const result = JSON.parse(r.stdout.trim().split('\n').pop());
  console.log(`  ${JSON.stringify(result)}`);
  check(result.info.native === true, `the native kernels did not load: ${result.info.loadError}`);
  check(!/native kernels unavailable/.test(r.stderr), `the fallback warned:\n${r.stderr}`);
  const expected = join(project, 'node_modules', '@lite', 'native', 'prebuilds', `${process.platform}-${process.arch}`, 'lite_native.node');
  check(result.loadedFrom === expected, `the addon came from ${result.loadedFrom}, not ${expected}`);
  check(result.backend === 'lite', `the tfjs backend is ${result.backend}, not lite`);
  check(result.encodings.length === 4 && result.encodings.every((e) => e === 'int8'), `encodings ${result.encodings}`);
  check(result.fp32 > 0.6, `fp32 accuracy ${result.fp32} after a short training`);
  check(result.int8 > result.fp32 - 0.05, `int8 accuracy ${result.int8} vs fp32 ${result.fp32}`);
  check(JSON.stringify(result.outShape) === '[1,10]', `output shape ${result.outShape}`);
  check(result.exports.every((t) => t === 'function'), `prune/distill exports: ${result.exports}`);

  // 5. The CLI's bin is installed and runs.
  step('lite --version');
  const version = run(join(project, 'node_modules', '.bin', 'lite'), ['--version'], project).stdout.trim();
  check(version.includes(packed.find((p) => p.name === '@lite/cli').version), `lite --version printed ${version}`);

  step(`passed (${work})`);
} finally {
  if (!hadPrebuilds) rmSync(prebuilds, { recursive: true, force: true });
  if (!keep) rmSync(work, { recursive: true, force: true });
}
