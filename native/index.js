// Loads the addon: prebuilds/<platform>-<arch>/ first, then the local build.
// Throws when none loads, saying what to do; @lite/core catches that and falls
// back to its TypeScript reference kernels.
//
// A prebuilt binary (made by scripts/prebuild.mjs, shipped in the npm tarball)
// comes with a stamp, lite_native.json: the package version, platform, arch,
// the Node-API version it needs and the binary's sha256. A binary whose stamp
// does not match this package and this Node is skipped, never loaded. In a
// checkout, a local build newer than the prebuilt binary is tried first, so a
// rebuilt addon is never shadowed by a stale copy.
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
const target = `${process.platform}-${process.arch}`;
const prebuiltPath = join(here, 'prebuilds', target, 'lite_native.node');
const stampPath = join(here, 'prebuilds', target, 'lite_native.json');
const localPath = join(here, 'build', 'Release', 'lite_native.node');

/** Why the prebuilt binary does not fit this package and this Node, or null when it does. */
function stampProblem() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampPath, 'utf8'));
  } catch {
    return `its stamp ${stampPath} is missing or unreadable`;
  }
  if (stamp.version !== pkg.version) return `it was built for ${pkg.name} ${stamp.version}, this is ${pkg.version}`;
  if (stamp.platform !== process.platform || stamp.arch !== process.arch) return `it was built for ${stamp.platform}-${stamp.arch}`;
  const napi = Number(process.versions.napi);
  if (Number(stamp.napi) > napi) return `it needs Node-API ${stamp.napi}, this Node (${process.version}) has ${napi}: upgrade Node`;
  const sha256 = createHash('sha256').update(readFileSync(prebuiltPath)).digest('hex');
  if (stamp.sha256 !== sha256) return 'its sha256 does not match its stamp (a damaged or replaced file)';
  return null;
}

function candidates() {
  const prebuilt = existsSync(prebuiltPath);
  const local = existsSync(localPath);
  const localNewer = prebuilt && local && statSync(localPath).mtimeMs > statSync(prebuiltPath).mtimeMs;
  const list = [];
  if (prebuilt) list.push({ path: prebuiltPath, kind: 'prebuilt' });
  if (local) list.push({ path: localPath, kind: 'local build' });
  return localNewer ? list.reverse() : list;
}

function shippedTargets() {
  try {
    return readdirSync(join(here, 'prebuilds')).filter((d) => existsSync(join(here, 'prebuilds', d, 'lite_native.node')));
  } catch {
    return [];
  }
}

function load() {
  const tried = [];
  for (const { path, kind } of candidates()) {
    if (kind === 'prebuilt') {
      const problem = stampProblem();
      if (problem) {
        tried.push(`${path} skipped: ${problem}`);
        continue;
      }
    }
    try {
      return { addon: require(path), path };
    } catch (err) {
      tried.push(`${path}: ${err.message}`);
    }
  }
  const shipped = shippedTargets();
  const what = tried.length ? tried.join('; ') : `no binary at ${prebuiltPath} or ${localPath}`;
  const todo =
    `${pkg.name} ${pkg.version} ships prebuilt binaries for ${shipped.length ? shipped.join(', ') : 'no platform in this copy'}; ` +
    `this is ${target} with Node ${process.version} (Node-API ${process.versions.napi}). ` +
    'To fix: on a listed platform, reinstall the package (npm install @lite/native) so its prebuilds/ folder is whole; ' +
    'elsewhere, build the addon from source: clone the lite repository and run `npm install` there (needs cmake and a C++17 compiler), ' +
    'or `npm run build -w @lite/native` in a checkout.';
  throw new Error(`@lite/native: the addon could not be loaded: ${what}. ${todo}`);
}

const loaded = load();

/** The file the addon was loaded from (a prebuilt binary or the local build). */
export const loadedFrom = loaded.path;

export default loaded.addon;
