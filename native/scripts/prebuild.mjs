#!/usr/bin/env node
// Copies the built addon into prebuilds/<platform>-<arch>/ with a version stamp,
// so the npm tarball carries a binary that loads without an install script.
//
//   node scripts/prebuild.mjs [--from build/Release/lite_native.node]
//
// Runs as @lite/native's `prepack`, so `npm pack` and `npm publish` always ship
// the current build. Fails (exit 1) when there is no build or the copy does not
// load: a tarball without a working binary for this platform is never made.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const fromIndex = args.indexOf('--from');
const from = resolve(root, fromIndex >= 0 ? args[fromIndex + 1] : join('build', 'Release', 'lite_native.node'));

function fail(message) {
  console.error(`prebuild: ${message}`);
  process.exit(1);
}

if (!existsSync(from)) fail(`${from} does not exist: build the addon first (npm run build -w @lite/native)`);

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const napiMatch = /NAPI_VERSION=(\d+)/.exec(readFileSync(join(root, 'CMakeLists.txt'), 'utf8'));
if (!napiMatch) fail('CMakeLists.txt does not define NAPI_VERSION');

const target = `${process.platform}-${process.arch}`;
const dir = join(root, 'prebuilds', target);
mkdirSync(dir, { recursive: true });
const binary = readFileSync(from);
const stamp = {
  name: pkg.name,
  version: pkg.version,
  platform: process.platform,
  arch: process.arch,
  napi: Number(napiMatch[1]),
  sha256: createHash('sha256').update(binary).digest('hex'),
  bytes: binary.length,
  builtWith: `node ${process.version}`,
};

// Write both through temporary names, then rename: a half-written binary is never loaded.
copyFileSync(from, join(dir, 'lite_native.node.tmp'));
renameSync(join(dir, 'lite_native.node.tmp'), join(dir, 'lite_native.node'));
writeFileSync(join(dir, 'lite_native.json.tmp'), `${JSON.stringify(stamp, null, 2)}\n`);
renameSync(join(dir, 'lite_native.json.tmp'), join(dir, 'lite_native.json'));

// The copy must load through the loader, from prebuilds/, in a fresh process.
// (LITE_ISA is cleared: a forced path is a test setting, not part of the binary.)
const env = { ...process.env };
delete env.LITE_ISA;
const check = spawnSync(
  process.execPath,
  ['--input-type=module', '-e', `const m = await import(${JSON.stringify(join(root, 'index.js'))}); console.log(m.loadedFrom, m.default.isa());`],
  { env, encoding: 'utf8' },
);
if (check.status !== 0) fail(`the prebuilt binary does not load:\n${check.stderr}`);
const [loadedFrom] = check.stdout.trim().split(' ');
if (resolve(loadedFrom) !== join(dir, 'lite_native.node')) fail(`the loader picked ${loadedFrom}, not the prebuilt binary`);
console.log(`prebuild: ${pkg.name} ${pkg.version} ${target} (${(binary.length / 1e6).toFixed(2)} MB, Node-API ${stamp.napi}) -> ${dir}`);
