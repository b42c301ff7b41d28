// Loads the addon: prebuilds/<platform>-<arch>/ first, then the local build.
// Throws when none loads; @lite/core catches that and falls back to TypeScript.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

function candidates() {
  return [
    join(here, 'prebuilds', `${process.platform}-${process.arch}`, 'lite_native.node'),
    join(here, 'build', 'Release', 'lite_native.node'),
  ];
}

function load() {
  const errors = [];
  for (const path of candidates()) {
    if (!existsSync(path)) continue;
    try {
      return require(path);
    } catch (err) {
      errors.push(`${path}: ${err.message}`);
    }
  }
  const detail = errors.length ? errors.join('; ') : `none of ${candidates().join(', ')} exists (run npm run build)`;
  throw new Error(`@lite/native: the addon could not be loaded: ${detail}`);
}

const native = load();
export default native;
