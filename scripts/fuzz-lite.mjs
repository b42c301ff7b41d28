#!/usr/bin/env node
// Fuzzes the .lite reader: mutates valid files and checks that every rejection is a
// located LiteFormatError, that accepted files write back, and that no case hangs or
// is slow. Runs on the built @lite/core (packages/core/dist), building it when stale.
//
//   node scripts/fuzz-lite.mjs [--cases N] [--seed S] [--workers W] [--start I]
//                              [--slow-ms MS] [--hang-ms MS]
//   node scripts/fuzz-lite.mjs --seed S --case I [--write file.lite]   reproduce one case
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const core = join(root, 'packages/core');
const fuzzModule = join(core, 'dist/format/fuzz.js');

if (!isMainThread) {
  const { runFuzz } = await import(pathToFileURL(fuzzModule).href);
  const { seed, slowMs, shared } = workerData;
  const current = new Int32Array(shared);
  parentPort.on('message', ({ start, cases }) => {
    if (cases === 0) return process.exit(0);
    let reported = start;
    const stats = runFuzz({
      start,
      cases,
      seed,
      slowMs,
      current,
      progressEvery: 500,
      onProgress: (_s, next) => {
        parentPort.postMessage({ type: 'progress', done: next - reported });
        reported = next;
      },
    });
    parentPort.postMessage({ type: 'chunk', stats });
  });
} else {
  await main();
}

function parseArgs(argv) {
  const opts = { cases: 1_000_000, seed: 1, workers: Math.max(1, Math.min(availableParallelism(), 8)), start: 0, slowMs: 1000, hangMs: 10_000 };
  const names = { '--cases': 'cases', '--seed': 'seed', '--workers': 'workers', '--start': 'start', '--slow-ms': 'slowMs', '--hang-ms': 'hangMs', '--case': 'case' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      console.log('usage: npm run fuzz -- [--cases N (1000000)] [--seed S (1)] [--workers W] [--start I] [--slow-ms 1000] [--hang-ms 10000]\n       npm run fuzz -- --seed S --case I [--write out.lite]');
      process.exit(0);
    }
    if (a === '--write') {
      opts.write = argv[++i];
      continue;
    }
    const key = names[a];
    const value = Number(String(argv[++i]).replace(/_/g, ''));
    if (!key || !Number.isSafeInteger(value) || value < 0) {
      console.error(`fuzz: bad argument ${a} ${argv[i] ?? ''} (see --help)`);
      process.exit(2);
    }
    opts[key] = value;
  }
  if (opts.workers < 1) opts.workers = 1;
  return opts;
}

/** Sources the fuzzer's compiled code depends on. */
function sources() {
  const out = [join(core, 'src/data/random.ts')];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push(p);
    }
  };
  walk(join(core, 'src/format'));
  return out;
}

function stale() {
  return sources().filter((src) => {
    const js = join(core, 'dist', relative(join(core, 'src'), src)).replace(/\.ts$/, '.js');
    return !existsSync(js) || statSync(js).mtimeMs < statSync(src).mtimeMs;
  });
}

function ensureBuilt() {
  if (stale().length === 0) return;
  console.log('fuzz: building @lite/core (dist is older than src/format) …');
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: core, stdio: 'inherit' });
  const left = stale();
  if (left.length > 0) {
    console.error(`fuzz: the build did not refresh ${left.map((p) => relative(root, p)).join(', ')} (tsc exit ${r.status}); fix the build first`);
    process.exit(2);
  }
  if (r.status !== 0) console.warn('fuzz: tsc reported errors outside the format code; fuzzing the freshly emitted format code anyway');
}

function merge(total, s) {
  total.cases += s.cases;
  total.accepted += s.accepted;
  total.rejected += s.rejected;
  for (const f of s.failures) if (total.failures.length < 100) total.failures.push(f);
  for (const [k, v] of Object.entries(s.reasons)) total.reasons[k] = (total.reasons[k] ?? 0) + v;
  for (const [k, v] of Object.entries(s.mutations)) total.mutations[k] = (total.mutations[k] ?? 0) + v;
  if (s.maxCaseMs > total.maxCaseMs) {
    total.maxCaseMs = s.maxCaseMs;
    total.slowestIndex = s.slowestIndex;
  }
}

async function reproduce(opts) {
  const { makeCase, makeSeeds, runCase } = await import(pathToFileURL(fuzzModule).href);
  const made = makeCase(makeSeeds(), opts.seed, opts.case);
  const t0 = performance.now();
  const outcome = runCase(made.bytes);
  console.log(`case ${opts.case} (seed ${opts.seed}): ${made.mutation} of ${made.seedName}, ${made.bytes.length} bytes, ${(performance.now() - t0).toFixed(2)} ms`);
  console.log(outcome);
  if (opts.write) {
    writeFileSync(opts.write, made.bytes);
    console.log(`wrote ${opts.write}`);
  }
  process.exit(outcome.kind === 'failure' ? 1 : 0);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  ensureBuilt();
  if (opts.case !== undefined) return reproduce(opts);

  const chunk = Math.max(1, Math.min(10_000, Math.ceil(opts.cases / (opts.workers * 4))));
  const end = opts.start + opts.cases;
  let next = opts.start;
  let done = 0;
  let hung;
  const total = { cases: 0, accepted: 0, rejected: 0, failures: [], reasons: {}, mutations: {}, maxCaseMs: 0, slowestIndex: -1 };
  console.log(`fuzz: ${opts.cases.toLocaleString('en')} cases from ${opts.start}, seed ${opts.seed}, ${opts.workers} worker(s), slow > ${opts.slowMs} ms, hang > ${opts.hangMs} ms`);
  const t0 = performance.now();
  let lastPrint = t0;

  await new Promise((resolve) => {
    const workers = [];
    let running = 0;
    const give = (w) => {
      const start = next;
      const cases = Math.min(chunk, end - next);
      next += cases;
      w.lastSeen = performance.now();
      w.worker.postMessage({ start, cases });
      if (cases === 0) {
        w.finished = true;
        if (--running === 0) resolve();
      }
    };
    for (let i = 0; i < Math.min(opts.workers, Math.ceil(opts.cases / chunk)); i++) {
      const shared = new SharedArrayBuffer(4);
      const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { seed: opts.seed, slowMs: opts.slowMs, shared } });
      const w = { worker, current: new Int32Array(shared), lastSeen: performance.now(), finished: false };
      workers.push(w);
      running++;
      worker.on('message', (m) => {
        w.lastSeen = performance.now();
        if (m.type === 'progress') {
          done += m.done;
          if (w.lastSeen - lastPrint > 5000) {
            lastPrint = w.lastSeen;
            const s = (lastPrint - t0) / 1000;
            console.log(`  ${done.toLocaleString('en')} cases, ${s.toFixed(0)} s, ${Math.round(done / s).toLocaleString('en')} cases/s`);
          }
        } else {
          merge(total, m.stats);
          give(w);
        }
      });
      worker.on('error', (err) => {
        total.failures.push({ index: Atomics.load(w.current, 0), seedName: '?', mutation: '?', error: `worker crashed: ${err.stack ?? err}` });
        w.finished = true;
        if (--running === 0) resolve();
      });
      give(w);
    }
    const watchdog = setInterval(() => {
      const now = performance.now();
      for (const w of workers) {
        if (w.finished || now - w.lastSeen < opts.hangMs) continue;
        hung = Atomics.load(w.current, 0);
        total.failures.push({ index: hung, seedName: '?', mutation: '?', error: `hang: no progress for ${opts.hangMs} ms` });
        w.finished = true;
        w.worker.terminate();
        if (--running === 0) resolve();
      }
    }, 250);
    watchdog.unref();
    const stop = () => {
      clearInterval(watchdog);
      for (const w of workers) if (!w.finished) w.worker.terminate();
    };
    const origResolve = resolve;
    resolve = () => {
      stop();
      origResolve();
    };
  });

  const seconds = (performance.now() - t0) / 1000;
  const rate = Math.round(total.cases / seconds);
  console.log(`\nfuzz: ${total.cases.toLocaleString('en')} cases in ${seconds.toFixed(1)} s (${rate.toLocaleString('en')} cases/s, ${opts.workers} worker(s)), seed ${opts.seed}`);
  console.log(`  rejected with LiteFormatError: ${total.rejected.toLocaleString('en')}   accepted (and written back): ${total.accepted.toLocaleString('en')}   failures: ${total.failures.length}`);
  console.log(`  slowest case: ${total.maxCaseMs.toFixed(1)} ms (case ${total.slowestIndex})`);
  const kinds = {};
  for (const [k, v] of Object.entries(total.mutations)) {
    const key = k.includes('+') && !/^[a-z]+\+crc$/.test(k) ? 'two rounds' : k;
    kinds[key] = (kinds[key] ?? 0) + v;
  }
  console.log(`  mutations: ${Object.entries(kinds).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ')}`);
  const reasons = Object.entries(total.reasons).sort((a, b) => b[1] - a[1]);
  console.log(`  ${reasons.length} distinct rejection reasons; most common:`);
  for (const [k, v] of reasons.slice(0, 12)) console.log(`    ${String(v).padStart(8)}  ${k}`);
  if (total.failures.length > 0 || total.cases < opts.cases) {
    if (total.cases < opts.cases && !hung) console.log(`  only ${total.cases} of ${opts.cases} cases ran`);
    console.log(`\nFAILED: ${total.failures.length} failing case(s); reproduce with: node scripts/fuzz-lite.mjs --seed ${opts.seed} --case <index>`);
    for (const f of total.failures.slice(0, 10)) console.log(`  case ${f.index} (${f.mutation} of ${f.seedName}): ${f.error}`);
    process.exit(1);
  }
  console.log('\nfuzz: OK, no crashes, hangs or slow cases');
}
