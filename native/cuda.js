// Loads the optional CUDA addon (lite_native_cuda.node, built when CMake finds
// nvcc: LITE_CUDA=auto|on|off). Never throws: loadCuda() gives { cuda, reason }
// with cuda null and a reason when the addon is absent or fails to load. A
// loaded addon may still have no device: check cuda.cudaAvailable().
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

export function cudaCandidates() {
  return [
    join(here, 'prebuilds', `${process.platform}-${process.arch}`, 'lite_native_cuda.node'),
    join(here, 'build', 'Release', 'lite_native_cuda.node'),
  ];
}

let loaded;

export function loadCuda() {
  if (loaded) return loaded;
  const errors = [];
  for (const path of cudaCandidates()) {
    if (!existsSync(path)) continue;
    try {
      loaded = { cuda: require(path), reason: null, path };
      return loaded;
    } catch (err) {
      errors.push(`${path}: ${err.message}`);
    }
  }
  const reason = errors.length
    ? `the CUDA addon failed to load: ${errors.join('; ')}`
    : 'the CUDA addon was not built (no nvcc at configure time, or LITE_CUDA=off; ' +
      'build it with LITE_CUDA=on in a fresh native/build, or `npx cmake-js configure --CDLITE_CUDA=on`)';
  loaded = { cuda: null, reason, path: null };
  return loaded;
}

/** The addon, or null (see loadCuda().reason). */
const cuda = loadCuda().cuda;
export default cuda;
