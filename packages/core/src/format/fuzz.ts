/**
 * The .lite fuzzer: mutates valid files (bit flips, byte sets, truncation,
 * extension, preamble and section-table fields, header JSON edits written the way
 * encodeLite writes headers (deflated when smaller), corrupted deflated headers, section
 * swaps, corrupted Huffman streams, all with repaired checksums) and feeds them to the reader.
 * A case fails when the reader throws anything but a located LiteFormatError, when a
 * file it accepts cannot be written back identically, or when a case is slow. Used by
 * `npm run fuzz` (scripts/fuzz-lite.mjs, on the built dist) and by a slice in `npm test`.
 */
import { createRng, type Rng } from '../data/random.js';
import { assembleLite, decodeLite, encodeLite, packHeader, splitLite, unpackHeader, type HeaderPayload, type SectionPayload } from './container.js';
import { crc32 } from './crc32.js';
import { LiteFormatError } from './errors.js';
import { FILE_SECTIONS_ALIGNED, FORMAT_VERSION, PRE, PREAMBLE_BYTES, SECTION_HUFFMAN, readU32, sectionOffsets, writeU32 } from './layout.js';
import { decodeSectionTable, encodeSectionTable, type ParsedEntry } from './section_table.js';
import { sampleGraphs } from './samples.js';

/** A valid file and its parts, the starting point of mutations. */
export interface FuzzSeed {
  name: string;
  bytes: Uint8Array;
  headerText: string;
  header: HeaderPayload;
  sections: SectionPayload[];
  alignSections: boolean;
}

/**
 * Encodes the sample graphs (with and without Huffman coding) into seeds. The
 * Huffman-off seeds also store their header raw and their sections aligned (still
 * valid files), so both header forms and both layouts are mutated.
 */
export function makeSeeds(): FuzzSeed[] {
  const seeds: FuzzSeed[] = [];
  for (const { name, graph } of sampleGraphs()) {
    for (const huffman of ['auto', 'off'] as const) {
      if (huffman === 'off' && graph.tensors.size === 0) continue;
      const { header: stored, sections } = splitLite(encodeLite(graph, { huffman }));
      const json = unpackHeader(stored);
      const header = huffman === 'off' ? packHeader(json, false) : stored;
      const alignSections = huffman === 'off';
      seeds.push({ name: `${name}/${huffman}`, bytes: assembleLite(header, sections, { alignSections }), headerText: new TextDecoder().decode(json), header, sections, alignSections });
    }
  }
  return seeds;
}

/** The table entries of a (possibly mutated) file and where its header ends, or undefined where they cannot be parsed. */
function parseTable(b: Uint8Array): { entries: ParsedEntry[]; tableEnd: number; headerEnd: number } | undefined {
  if (b.length < PREAMBLE_BYTES) return undefined;
  const count = readU32(b, PRE.sectionCount);
  const tableEnd = PREAMBLE_BYTES + readU32(b, PRE.tableLength);
  if (count > 100_000 || tableEnd > b.length) return undefined;
  const headerEnd = tableEnd + readU32(b, PRE.headerLength);
  try {
    return { entries: decodeSectionTable(b, PREAMBLE_BYTES, tableEnd, count), tableEnd, headerEnd };
  } catch {
    return { entries: [], tableEnd, headerEnd };
  }
}

/** The offset each entry implies, as the reader lays sections out. */
const offsetsOf = (b: Uint8Array, entries: readonly ParsedEntry[], headerEnd: number): number[] =>
  sectionOffsets(headerEnd, entries.map((e) => e.storedLength), (readU32(b, PRE.flags) & FILE_SECTIONS_ALIGNED) !== 0);

/** Recomputes every checksum whose covered bytes lie inside the file, so mutations reach the checks behind them. */
export function fixChecksums(b: Uint8Array): void {
  const t = parseTable(b);
  if (!t) return;
  if (t.headerEnd <= b.length) writeU32(b, PRE.headerCrc, crc32(b, t.tableEnd, t.headerEnd));
  const offsets = offsetsOf(b, t.entries, t.headerEnd);
  t.entries.forEach((e, i) => {
    if (offsets[i] <= b.length && e.storedLength <= b.length - offsets[i]) writeU32(b, e.at.crc, crc32(b, offsets[i], offsets[i] + e.storedLength));
  });
  writeU32(b, PRE.tableCrc, crc32(b, PREAMBLE_BYTES, t.tableEnd, crc32(b, 0, PRE.tableCrc)));
}

const INTERESTING_U32 = [0, 1, 2, 7, 8, 31, 32, 33, 63, 64, 65, 127, 128, 255, 256, 4095, 4096, 65535, 65536, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
const INTERESTING_BYTES = [0, 1, 0x7f, 0x80, 0xff, 0x20, 0x22, 0x2c, 0x5b, 0x5d, 0x7b, 0x7d, 0x3a, 0x30, 0x39, 0x2d, 0x65];

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)];

function bitflip(rng: Rng, b: Uint8Array): Uint8Array {
  const flips = 1 + rng.int(4);
  for (let k = 0; k < flips && b.length > 0; k++) {
    // Half the flips land in the preamble, table and header, where the structure lives.
    const region = rng.next() < 0.5 ? Math.min(b.length, 512) : b.length;
    b[rng.int(region)] ^= 1 << rng.int(8);
  }
  return b;
}

function byteset(rng: Rng, b: Uint8Array): Uint8Array {
  const n = 1 + rng.int(4);
  for (let k = 0; k < n && b.length > 0; k++) b[rng.int(b.length)] = rng.next() < 0.6 ? pick(rng, INTERESTING_BYTES) : rng.int(256);
  return b;
}

/** Offsets where truncation is most interesting: field and region boundaries. */
function boundaries(b: Uint8Array): number[] {
  const out = [0, 1, 7, 8, 16, 31, 32, 36, 40];
  const t = parseTable(b);
  if (t) {
    out.push(t.tableEnd, t.headerEnd);
    const offsets = offsetsOf(b, t.entries, t.headerEnd);
    t.entries.forEach((e, i) => out.push(e.at.storedLength, e.at.crc, offsets[i], offsets[i] + e.storedLength));
  }
  return out.filter((x) => x >= 0 && x < b.length);
}

function truncate(rng: Rng, b: Uint8Array): Uint8Array {
  const bs = boundaries(b);
  let at = rng.next() < 0.5 && bs.length > 0 ? pick(rng, bs) + rng.int(3) - 1 : rng.int(b.length);
  at = Math.max(0, Math.min(b.length - 1, at));
  return b.slice(0, at);
}

function extend(rng: Rng, b: Uint8Array): Uint8Array {
  const extra = new Uint8Array(1 + rng.int(rng.next() < 0.5 ? 8 : 200));
  if (rng.next() < 0.5) for (let i = 0; i < extra.length; i++) extra[i] = rng.int(256);
  const out = new Uint8Array(b.length + extra.length);
  out.set(b);
  out.set(extra, b.length);
  if (rng.next() < 0.5) fixChecksums(out);
  return out;
}

function interestingNumber(rng: Rng, old: number, fileLength: number): number {
  switch (rng.int(6)) {
    case 0:
      return pick(rng, INTERESTING_U32);
    case 1:
      return old + rng.int(9) - 4;
    case 2:
      return fileLength + rng.int(9) - 4;
    case 3:
      return old + 64 * (rng.int(5) - 2);
    case 4:
      return rng.int(0x100000000);
    default:
      return old * 2;
  }
}

const PREAMBLE_FIELDS = [PRE.version, PRE.flags, PRE.headerLength, PRE.headerJsonLength, PRE.headerCrc, PRE.sectionCount, PRE.tableLength, PRE.headerLength, PRE.headerJsonLength, PRE.sectionCount, PRE.tableLength];

/**
 * Sets one preamble field, or one section-table field (re-encoding the table, or
 * setting a raw table byte to make odd varints), to an interesting value; usually
 * repairs the table length and checksums.
 */
function field(rng: Rng, b: Uint8Array): Uint8Array {
  const t = parseTable(b);
  if (!t || t.entries.length === 0 || rng.next() < 0.4) {
    if (b.length < PREAMBLE_BYTES) return bitflip(rng, b);
    const at = pick(rng, PREAMBLE_FIELDS);
    writeU32(b, at, (at === PRE.version && rng.next() < 0.5 ? pick(rng, [0, 2, FORMAT_VERSION + 1, 0xffffffff]) : interestingNumber(rng, readU32(b, at), b.length)) >>> 0);
    if (rng.next() < 0.85) fixChecksums(b);
    return b;
  }
  const k = rng.int(t.entries.length);
  const f = pick(rng, ['storedLength', 'rawLength', 'flags', 'crc', 'byte'] as const);
  if (f === 'byte') {
    b[PREAMBLE_BYTES + rng.int(t.tableEnd - PREAMBLE_BYTES)] = pick(rng, [0, 0x80, 0xff, 0x7f, 1, rng.int(256)]);
    if (rng.next() < 0.85) fixChecksums(b);
    return b;
  }
  const entries = t.entries.map((e) => ({ ...e }));
  const e = entries[k];
  if (f === 'flags') e.flags = pick(rng, [0, 1, 2, 3, 0x80, 0xff]);
  else if (f === 'crc') e.crc = rng.int(0x100000000);
  else e[f] = Math.max(0, interestingNumber(rng, e[f], b.length)) % 2 ** 40;
  const table = encodeSectionTable(entries);
  const out = new Uint8Array(PREAMBLE_BYTES + table.length + (b.length - t.tableEnd));
  out.set(b.subarray(0, PREAMBLE_BYTES));
  out.set(table, PREAMBLE_BYTES);
  out.set(b.subarray(t.tableEnd), PREAMBLE_BYTES + table.length);
  if (rng.next() < 0.9) writeU32(out, PRE.tableLength, table.length);
  if (rng.next() < 0.85) fixChecksums(out);
  return out;
}

const JSON_VALUES: readonly unknown[] = [null, true, false, 0, -1, 1, 2, 0.5, -0.5, 1e300, -1e300, 2 ** 53, 2 ** 31, 65536, '', 'x', 'linear', 'same', 'f32', 'f16', 'int8', [], {}, [1], [-1], [0], [null], [1, 2], [[0, 0], [0, 0]], { a: 1 }];

type Container = Record<string, unknown> | unknown[];

/** Every container (object or array) in a JSON value with its key paths, for random selection. */
function containers(root: unknown): Container[] {
  const out: Container[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v !== null && typeof v === 'object') {
      out.push(v as Container);
      for (const c of Object.values(v)) stack.push(c);
    }
  }
  return out;
}

function strings(root: unknown): string[] {
  const out: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') out.push(v);
    else if (v !== null && typeof v === 'object') for (const c of Object.values(v)) stack.push(c);
  }
  return out;
}

/** A fresh copy of an interesting JSON value (never the shared constant itself). */
const jsonValue = (rng: Rng): unknown => structuredClone(pick(rng, JSON_VALUES));

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** One structural edit of the header JSON. */
function editJson(rng: Rng, root: Record<string, unknown>): void {
  const all = containers(root);
  const c = pick(rng, all);
  const keys: (string | number)[] = Array.isArray(c) ? c.map((_, i) => i) : Object.keys(c);
  const set = (k: string | number, v: unknown): void => {
    (c as Record<string | number, unknown>)[k] = v;
  };
  const get = (k: string | number) => (c as Record<string | number, unknown>)[k];
  const op = rng.int(10);
  if (keys.length === 0 || op === 0) {
    // Add an element or unknown key.
    if (Array.isArray(c)) c.push(rng.next() < 0.5 && c.length > 0 ? structuredClone(pick(rng, c)) : jsonValue(rng));
    else set(rng.next() < 0.5 ? 'extra' : pick(rng, ['op', 'name', 'input', 'bias', 'alpha', 'report', 'sections', 'meta']), jsonValue(rng));
    return;
  }
  const k = pick(rng, keys);
  switch (op) {
    case 1: // delete
      if (Array.isArray(c)) c.splice(k as number, 1);
      else delete (c as Record<string | number, unknown>)[k];
      return;
    case 2:
      return set(k, jsonValue(rng));
    case 3: // a name from elsewhere in the file
      return set(k, pick(rng, strings(root).concat(['missing'])));
    case 4: {
      // numeric tweak
      const v = get(k);
      if (typeof v === 'number') return set(k, pick(rng, [v + 1, v - 1, -v, v * 2, v + 0.5, v * 1e6]));
      return set(k, jsonValue(rng));
    }
    case 5: // swap two entries (node order, tensor order, fields)
      if (keys.length > 1) {
        const k2 = pick(rng, keys);
        const t = get(k);
        set(k, get(k2));
        set(k2, t);
      }
      return;
    case 6: // duplicate an array entry
      if (Array.isArray(c)) c.splice(k as number, 0, structuredClone(c[k as number]));
      else set(k, structuredClone(get(k)));
      return;
    case 7:
      return set(k, nested(rng.next() < 0.5 ? 70 : 3 + rng.int(10)));
    case 8: // long or odd strings
      return set(k, pick(rng, ['a'.repeat(5000), '\u0000', '__proto__', 'constructor', '😀', 'toString']));
    default: {
      // Type confusion: wrap or unwrap.
      const v = get(k);
      if (Array.isArray(v) && v.length > 0) return set(k, v[0]);
      return set(k, [v]);
    }
  }
}

/** A file with this header JSON and these sections, the header stored as encodeLite stores it (deflated when smaller). */
function reassemble(seed: FuzzSeed, headerText: string, sections = seed.sections): Uint8Array {
  return assembleLite(packHeader(new TextEncoder().encode(headerText)), sections, { alignSections: seed.alignSections });
}

/**
 * Corrupts the deflated form of the seed's header (deflating it first if the seed
 * stores it raw): truncation, extra bytes, byte and bit changes, a wrong JSON
 * length, or a cleared/set deflate flag; checksums are repaired.
 */
function headerData(rng: Rng, seed: FuzzSeed): Uint8Array {
  const h = seed.header.deflated ? seed.header : packHeader(unpackHeader(seed.header), true);
  let stored = h.stored.slice();
  let { jsonLength, deflated, dictionary } = h;
  const what = rng.int(6);
  if (what === 0 && stored.length > 0) stored = stored.slice(0, rng.int(stored.length));
  else if (what === 1) {
    const grown = new Uint8Array(stored.length + 1 + rng.int(4));
    grown.set(stored);
    if (rng.next() < 0.5) for (let i = stored.length; i < grown.length; i++) grown[i] = rng.int(256);
    stored = grown;
  } else if (what === 2) jsonLength = Math.max(0, pick(rng, [jsonLength + rng.int(9) - 4, jsonLength * 2, 0, 1, stored.length]));
  else if (what === 3) {
    if (rng.next() < 0.5) deflated = !deflated;
    else dictionary = !dictionary;
  }
  else if (what === 4 && stored.length > 0) stored[rng.int(Math.min(stored.length, 8))] = rng.int(256); // block headers
  else if (stored.length > 0) stored[rng.int(stored.length)] ^= 1 << rng.int(8);
  return assembleLite({ stored, jsonLength, deflated, dictionary }, seed.sections, { alignSections: seed.alignSections });
}

function jsonEdit(rng: Rng, seed: FuzzSeed): Uint8Array {
  if (rng.next() < 0.15) {
    // Raw text edit: delete, duplicate or replace a character.
    const t = seed.headerText;
    const i = rng.int(t.length);
    const edits = [t.slice(0, i) + t.slice(i + 1), t.slice(0, i) + t[i] + t.slice(i), t.slice(0, i) + pick(rng, ['"', ',', '}', ']', '0', '-', ' ', '\\', '\u00ff']) + t.slice(i + 1)];
    return reassemble(seed, pick(rng, edits));
  }
  const root = JSON.parse(seed.headerText) as Record<string, unknown>;
  const edits = 1 + (rng.next() < 0.3 ? rng.int(3) : 0);
  for (let i = 0; i < edits; i++) editJson(rng, root);
  return reassemble(seed, JSON.stringify(root));
}

function swap(rng: Rng, seed: FuzzSeed): Uint8Array {
  const n = seed.sections.length;
  if (n < 2) return jsonEdit(rng, seed);
  const sections = seed.sections.slice();
  const i = rng.int(n);
  const j = rng.int(n);
  [sections[i], sections[j]] = [sections[j], sections[i]];
  return reassemble(seed, seed.headerText, sections);
}

/** Corrupts the stored bytes of one section (Huffman ones preferred) and repairs its checksum. */
function sectionData(rng: Rng, seed: FuzzSeed): Uint8Array {
  const coded = seed.sections.map((s, i) => (s.flags & SECTION_HUFFMAN ? i : -1)).filter((i) => i >= 0);
  const candidates = coded.length > 0 && rng.next() < 0.8 ? coded : seed.sections.map((_, i) => i);
  if (candidates.length === 0) return jsonEdit(rng, seed);
  const k = pick(rng, candidates);
  const sections = seed.sections.slice();
  const s = sections[k];
  let stored = s.stored.slice();
  const what = rng.int(5);
  if (what === 0 && stored.length > 0) stored = stored.slice(0, rng.int(stored.length));
  else if (what === 1) {
    const grown = new Uint8Array(stored.length + 1 + rng.int(4));
    grown.set(stored);
    stored = grown;
  } else if (what === 2 && stored.length > 0) stored[rng.int(Math.min(stored.length, 66))] = rng.int(256); // the code table
  else if (stored.length > 0) stored[rng.int(stored.length)] ^= 1 << rng.int(8);
  const rawLength = rng.next() < 0.2 ? Math.max(0, s.rawLength + rng.int(5) - 2) : s.rawLength;
  const flags = rng.next() < 0.1 ? s.flags ^ SECTION_HUFFMAN : s.flags;
  sections[k] = { stored, rawLength: flags & SECTION_HUFFMAN ? rawLength : stored.length, flags };
  return reassemble(seed, seed.headerText, sections);
}

const MUTATORS: [name: string, weight: number, fn: (rng: Rng, seed: FuzzSeed) => Uint8Array][] = [
  ['bitflip', 14, (rng, s) => bitflip(rng, s.bytes.slice())],
  ['bitflip+crc', 10, (rng, s) => {
    const b = bitflip(rng, s.bytes.slice());
    fixChecksums(b);
    return b;
  }],
  ['byteset', 8, (rng, s) => byteset(rng, s.bytes.slice())],
  ['byteset+crc', 6, (rng, s) => {
    const b = byteset(rng, s.bytes.slice());
    fixChecksums(b);
    return b;
  }],
  ['truncate', 8, (rng, s) => truncate(rng, s.bytes)],
  ['extend', 4, (rng, s) => extend(rng, s.bytes)],
  ['field', 16, (rng, s) => field(rng, s.bytes.slice())],
  ['json', 22, jsonEdit],
  ['header', 6, headerData],
  ['swap', 4, swap],
  ['section', 8, sectionData],
];
const TOTAL_WEIGHT = MUTATORS.reduce((a, m) => a + m[1], 0);

/** The rng of case `index` under `seed`: each case is reproducible on its own. */
export function caseRng(seed: number, index: number): Rng {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return createRng((h ^ (h >>> 16)) >>> 0);
}

/** The mutated file of case `index` and the mutations applied. */
export function makeCase(seeds: readonly FuzzSeed[], seed: number, index: number): { bytes: Uint8Array; mutation: string; seedName: string } {
  const rng = caseRng(seed, index);
  const base = pick(rng, seeds);
  const names: string[] = [];
  let current = base;
  let bytes = base.bytes;
  const rounds = rng.next() < 0.1 ? 2 : 1;
  for (let r = 0; r < rounds; r++) {
    let w = rng.next() * TOTAL_WEIGHT;
    let m = MUTATORS[0];
    for (const cand of MUTATORS) {
      if ((w -= cand[1]) < 0) {
        m = cand;
        break;
      }
    }
    names.push(m[0]);
    bytes = m[2](rng, current);
    current = { ...current, bytes };
  }
  return { bytes, mutation: names.join('+'), seedName: base.name };
}

/** Outcome of one case. */
export type CaseOutcome = { kind: 'accepted' } | { kind: 'rejected'; reason: string } | { kind: 'failure'; error: string };

/** The message of a rejection with numbers and quoted names blanked, to count rejections by kind. */
export function reasonOf(err: LiteFormatError): string {
  return err.reason
    .replace(/(not valid JSON: [^.'"]*).*/, '$1')
    .replace(/"(?:[^"\\]|\\.)*"/g, 'S')
    .replace(/0x[0-9a-f]+/gi, 'N')
    .replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/gi, 'N')
    .slice(0, 90);
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Runs the reader on one file. Rejection must be a LiteFormatError with a byte
 * offset or field path; an accepted file must re-encode, decode again, and re-encode
 * to the same bytes.
 */
export function runCase(bytes: Uint8Array): CaseOutcome {
  let graph;
  try {
    graph = decodeLite(bytes);
  } catch (err) {
    if (!(err instanceof LiteFormatError)) return { kind: 'failure', error: `decodeLite threw ${describeError(err)}` };
    if (err.offset === undefined && err.path === undefined) return { kind: 'failure', error: `LiteFormatError without a location: ${err.message}` };
    return { kind: 'rejected', reason: reasonOf(err) };
  }
  try {
    const again = encodeLite(graph);
    const back = encodeLite(decodeLite(again));
    if (!sameBytes(again, back)) return { kind: 'failure', error: 'an accepted file does not re-encode to stable bytes' };
  } catch (err) {
    return { kind: 'failure', error: `an accepted file could not be written back: ${describeError(err)}` };
  }
  return { kind: 'accepted' };
}

function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}${err.stack ? `\n${err.stack.split('\n').slice(1, 6).join('\n')}` : ''}`;
  return String(err);
}

/** A failing case, reproducible with its seed and index. */
export interface FuzzFailure {
  index: number;
  seedName: string;
  mutation: string;
  error: string;
}

/** Totals of a fuzz run. */
export interface FuzzStats {
  cases: number;
  accepted: number;
  rejected: number;
  failures: FuzzFailure[];
  /** Rejections by normalized reason. */
  reasons: Record<string, number>;
  /** Cases by mutation. */
  mutations: Record<string, number>;
  /** Slowest case (ms) and its index. */
  maxCaseMs: number;
  slowestIndex: number;
}

export interface FuzzOptions {
  /** First case index (default 0). */
  start?: number;
  cases: number;
  seed: number;
  /** A case slower than this fails (default 1000 ms). */
  slowMs?: number;
  /** Called every `progressEvery` cases and at the end. */
  onProgress?: (stats: FuzzStats, next: number) => void;
  progressEvery?: number;
  /** Set before each case (e.g. an Int32Array over a SharedArrayBuffer, for a hang watchdog). */
  current?: Int32Array;
  /** At most this many failures are kept (default 100). */
  maxFailures?: number;
}

/** Runs cases `start .. start + cases - 1`. */
export function runFuzz(options: FuzzOptions): FuzzStats {
  const { cases, seed, slowMs = 1000, progressEvery = 1000, maxFailures = 100 } = options;
  const start = options.start ?? 0;
  const seeds = makeSeeds();
  const stats: FuzzStats = { cases: 0, accepted: 0, rejected: 0, failures: [], reasons: {}, mutations: {}, maxCaseMs: 0, slowestIndex: -1 };
  const fail = (f: FuzzFailure) => {
    if (stats.failures.length < maxFailures) stats.failures.push(f);
  };
  for (let i = start; i < start + cases; i++) {
    if (options.current) Atomics.store(options.current, 0, i);
    const t0 = performance.now();
    let made;
    try {
      made = makeCase(seeds, seed, i);
    } catch (err) {
      fail({ index: i, seedName: '?', mutation: '?', error: `the mutator itself failed: ${describeError(err)}` });
      stats.cases++;
      continue;
    }
    const outcome = runCase(made.bytes);
    const ms = performance.now() - t0;
    stats.cases++;
    stats.mutations[made.mutation] = (stats.mutations[made.mutation] ?? 0) + 1;
    if (ms > stats.maxCaseMs) {
      stats.maxCaseMs = ms;
      stats.slowestIndex = i;
    }
    if (outcome.kind === 'accepted') stats.accepted++;
    else if (outcome.kind === 'rejected') {
      stats.rejected++;
      stats.reasons[outcome.reason] = (stats.reasons[outcome.reason] ?? 0) + 1;
    } else fail({ index: i, seedName: made.seedName, mutation: made.mutation, error: outcome.error });
    if (ms > slowMs) fail({ index: i, seedName: made.seedName, mutation: made.mutation, error: `slow case: ${ms.toFixed(0)} ms` });
    if (options.onProgress && (i - start + 1) % progressEvery === 0) options.onProgress(stats, i + 1);
  }
  if (options.onProgress) options.onProgress(stats, start + cases);
  return stats;
}
