/**
 * Encoding and decoding whole .lite files (layout in layout.ts). The reader checks
 * every byte it relies on before it uses it, in this order: preamble (magic,
 * version, flags, counts, table checksum), section table (offsets, lengths, flags,
 * bounds), header (checksum, inflation when deflated, UTF-8, JSON, structure), tensor
 * layouts against the section lengths, padding and section checksums; only then does
 * it decode sections.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { CompressedTensor, GraphNode, LiteGraph } from '../graph/types.js';
import { crc32 } from './crc32.js';
import { LiteFormatError, failAtByte } from './errors.js';
import { validateHeader, type LiteHeader, type TensorEntry } from './header.js';
import { HEADER_DICTIONARY } from './header_dictionary.js';
import { huffmanDecode, huffmanEncode } from './huffman.js';
import {
  ALIGN_SECTIONS_FROM_BYTES,
  FILE_FLAGS,
  FILE_HEADER_DEFLATED,
  FILE_HEADER_DICTIONARY,
  FILE_SECTIONS_ALIGNED,
  FORMAT_VERSION,
  MAGIC,
  PRE,
  PREAMBLE_BYTES,
  SECTION_HUFFMAN,
  readU32,
  sectionOffsets,
  writeU32,
  type SectionEntry,
} from './layout.js';
import { MAX_HEADER_BYTES, MAX_SECTIONS, MAX_SECTION_BYTES } from './limits.js';
import { findEncoding, getEncoding } from './registry.js';
import { decodeSectionTable, encodeSectionTable } from './section_table.js';

/** Options of {@link encodeLite}. */
export interface EncodeLiteOptions {
  /** `'auto'` (default): Huffman-code each section whose coded form is smaller; `'off'`: store all sections as is. */
  huffman?: 'auto' | 'off';
  /** `'auto'` (default): sections start at multiples of 64 when they hold at least 1 MiB in all; `true`/`false`: always/never. */
  alignSections?: 'auto' | boolean;
}

/** A section to place in a file: its stored bytes, decoded length and flags. */
export interface SectionPayload {
  stored: Uint8Array;
  rawLength: number;
  flags: number;
}

/** The header as stored: its bytes, the length of its JSON, whether the bytes are a raw DEFLATE stream, and whether that stream uses the preset dictionary. */
export interface HeaderPayload {
  stored: Uint8Array;
  jsonLength: number;
  deflated: boolean;
  dictionary?: boolean;
}

/** DEFLATE expands by at most 1032:1 (258-byte matches in 2 bits); a larger declared JSON length is a lie. */
const MAX_INFLATE_RATIO = 1032;

const deflateHeader = (json: Uint8Array, dictionary: boolean): HeaderPayload => {
  const d = deflateRawSync(json, dictionary ? { level: 9, dictionary: HEADER_DICTIONARY } : { level: 9 });
  return { stored: new Uint8Array(d.buffer, d.byteOffset, d.length), jsonLength: json.length, deflated: true, dictionary };
};

/**
 * The stored form of header JSON bytes: raw when `deflate` is false; raw-deflated
 * (level 9) when true, with the preset dictionary when `dictionary` says so or (left
 * out) when that is smaller; and by default (as {@link encodeLite} writes) whichever
 * form is smallest, raw on a tie, then without the dictionary.
 */
export function packHeader(json: Uint8Array, deflate?: boolean, dictionary?: boolean): HeaderPayload {
  const raw: HeaderPayload = { stored: json, jsonLength: json.length, deflated: false };
  if (deflate === false) return raw;
  const candidates = dictionary === undefined ? [deflateHeader(json, false), deflateHeader(json, true)] : [deflateHeader(json, dictionary)];
  if (deflate === undefined) candidates.unshift(raw);
  return candidates.reduce((best, c) => (c.stored.length < best.stored.length ? c : best));
}

/**
 * The header JSON bytes of a stored header (`at`: its offset in the file, for errors).
 * A deflated one must inflate to exactly `jsonLength` bytes and use every stored byte;
 * anything else is a LiteFormatError naming the header.
 */
export function unpackHeader(header: HeaderPayload, at = 0): Uint8Array {
  if (!header.deflated) return header.stored;
  const { stored, jsonLength } = header;
  let out: Buffer;
  let used: number;
  try {
    // `info` gives the engine, whose bytesWritten is the input consumed (zlib ignores what follows the final block).
    const options = { maxOutputLength: Math.max(1, jsonLength), info: true, ...(header.dictionary ? { dictionary: HEADER_DICTIONARY } : {}) };
    const r = inflateRawSync(stored, options) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    out = r.buffer;
    used = r.engine.bytesWritten;
  } catch (err) {
    const e = err as { code?: string; message?: string };
    const why = e.code === 'ERR_BUFFER_TOO_LARGE' ? `inflates to more than its declared ${jsonLength} bytes` : `is not a valid DEFLATE stream (${e.message ?? String(err)})`;
    failAtByte(at, `deflated header ${why}`);
  }
  if (out.length !== jsonLength) failAtByte(at, `deflated header inflates to ${out.length} bytes, the preamble declares ${jsonLength}`);
  if (used !== stored.length) failAtByte(at + used, `${stored.length - used} unexpected bytes after the end of the deflated header`);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** Options of {@link assembleLite}. */
export interface AssembleOptions {
  /** Version number to write (default {@link FORMAT_VERSION}; tests write others). */
  version?: number;
  /** Start sections at multiples of 64 (default false). */
  alignSections?: boolean;
}

/**
 * Lays out a file from a header (JSON bytes, stored raw, or a {@link HeaderPayload}) and sections (computing offsets, padding and
 * every checksum). No validation: {@link encodeLite} validates first; the fuzzer uses
 * this to build files with deliberately bad contents.
 */
export function assembleLite(headerPayload: Uint8Array | HeaderPayload, sections: readonly SectionPayload[], options: AssembleOptions = {}): Uint8Array {
  const h = headerPayload instanceof Uint8Array ? packHeader(headerPayload, false) : headerPayload;
  const aligned = options.alignSections ?? false;
  const header = h.stored;
  const table = encodeSectionTable(sections.map((s) => ({ storedLength: s.stored.length, rawLength: s.rawLength, flags: s.flags, crc: crc32(s.stored) })));
  const tableEnd = PREAMBLE_BYTES + table.length;
  const offsets = sectionOffsets(tableEnd + header.length, sections.map((s) => s.stored.length), aligned);
  const out = new Uint8Array(sections.length > 0 ? offsets.at(-1)! + sections.at(-1)!.stored.length : tableEnd + header.length);
  out.set(MAGIC, 0);
  writeU32(out, PRE.version, options.version ?? FORMAT_VERSION);
  writeU32(out, PRE.flags, (h.deflated ? FILE_HEADER_DEFLATED : 0) | (h.deflated && h.dictionary ? FILE_HEADER_DICTIONARY : 0) | (aligned ? FILE_SECTIONS_ALIGNED : 0));
  writeU32(out, PRE.headerLength, header.length);
  writeU32(out, PRE.headerJsonLength, h.jsonLength);
  writeU32(out, PRE.headerCrc, crc32(header));
  writeU32(out, PRE.sectionCount, sections.length);
  writeU32(out, PRE.tableLength, table.length);
  out.set(table, PREAMBLE_BYTES);
  out.set(header, tableEnd);
  sections.forEach((s, i) => out.set(s.stored, offsets[i]));
  writeU32(out, PRE.tableCrc, crc32(out, PREAMBLE_BYTES, tableEnd, crc32(out, 0, PRE.tableCrc)));
  return out;
}

/**
 * Serializes a graph to the bytes of a .lite file. The graph is validated with the
 * reader's own checks first (a LiteFormatError names the bad field), so every file
 * written can be read back. The graph is not modified. Sections are Huffman-coded
 * where that makes them smaller (see {@link EncodeLiteOptions}), and so is the header
 * JSON deflated (the same choice every time for the same graph). Non-finite numbers
 * in the report or provenance options become `null` (JSON).
 */
export function encodeLite(graph: LiteGraph, options: EncodeLiteOptions = {}): Uint8Array {
  const huffman = options.huffman ?? 'auto';
  if (huffman !== 'auto' && huffman !== 'off') throw new RangeError(`huffman must be 'auto' or 'off', not ${JSON.stringify(huffman)}`);
  if (!(graph.tensors instanceof Map)) throw new LiteFormatError('graph.tensors must be a Map of tensor name → tensor', { path: 'graph.tensors' });
  const entries: TensorEntry[] = [];
  const streams: Uint8Array[] = [];
  for (const [key, tensor] of graph.tensors) {
    const path = `graph.tensors[${JSON.stringify(key)}]`;
    if (tensor === null || typeof tensor !== 'object') throw new LiteFormatError('expected a tensor object', { path });
    if (tensor.name !== key) throw new LiteFormatError(`tensor is named ${JSON.stringify(tensor.name)} but stored under ${JSON.stringify(key)}`, { path });
    const codec = findEncoding(tensor.encoding);
    if (!codec) throw new LiteFormatError(`unknown tensor encoding ${JSON.stringify(tensor.encoding)}`, { path: `${path}.encoding` });
    const s = codec.serialize(tensor);
    codec.checkLayout(tensor.shape, s.meta, s.streams.map((x) => x.length), path);
    entries.push({ name: tensor.name, shape: [...tensor.shape], encoding: tensor.encoding, meta: s.meta, sections: s.streams.map((_, i) => streams.length + i) });
    streams.push(...s.streams);
  }
  const header: Record<string, unknown> = { nodes: graph.nodes, outputs: graph.outputs, tensors: entries, provenance: graph.provenance };
  if (graph.report !== undefined) header.report = graph.report;
  if (graph.graphModel !== undefined) header.graphModel = graph.graphModel;
  let json: string;
  try {
    json = JSON.stringify(header);
  } catch (err) {
    throw new LiteFormatError(`the graph cannot be written as JSON: ${(err as Error).message}`, { path: 'header' });
  }
  const headerBytes = new TextEncoder().encode(json);
  if (headerBytes.length > MAX_HEADER_BYTES) throw new LiteFormatError(`header is ${headerBytes.length} bytes, over the ${MAX_HEADER_BYTES}-byte limit`, { path: 'header' });
  if (streams.length > MAX_SECTIONS) throw new LiteFormatError(`${streams.length} sections, over the limit of ${MAX_SECTIONS}`, { path: 'header.tensors' });
  validateHeader(JSON.parse(json), streams.length);
  const sections = streams.map((raw, i): SectionPayload => {
    if (raw.length > MAX_SECTION_BYTES) throw new LiteFormatError(`section ${i} is ${raw.length} bytes, over the ${MAX_SECTION_BYTES}-byte limit`, { path: 'header.tensors' });
    const coded = huffman === 'auto' ? huffmanEncode(raw, { onlyIfSmaller: true }) : undefined;
    return coded ? { stored: coded, rawLength: raw.length, flags: SECTION_HUFFMAN } : { stored: raw, rawLength: raw.length, flags: 0 };
  });
  const alignSections = options.alignSections ?? 'auto';
  if (alignSections !== 'auto' && typeof alignSections !== 'boolean') throw new RangeError(`alignSections must be 'auto', true or false, not ${JSON.stringify(alignSections)}`);
  const aligned = alignSections === 'auto' ? sections.reduce((n, s) => n + s.stored.length, 0) >= ALIGN_SECTIONS_FROM_BYTES : alignSections;
  return assembleLite(packHeader(headerBytes), sections, { alignSections: aligned });
}

/** What {@link inspectLite} returns: the validated header and section table, with nothing decoded. */
export interface LiteLayout {
  version: number;
  header: LiteHeader;
  sections: SectionEntry[];
  /** Stored bytes of the header (deflated or not). */
  headerBytes: number;
  /** Bytes of the header JSON (equal to headerBytes unless deflated). */
  headerJsonBytes: number;
  /** Whether the header is stored raw-deflated. */
  headerDeflated: boolean;
  /** Whether the deflated header uses the preset dictionary. */
  headerDictionary: boolean;
  /** Byte offset of the header (the end of the section table). */
  headerOffset: number;
  /** Whether sections start at multiples of 64. */
  sectionsAligned: boolean;
  /** Total file size. */
  fileBytes: number;
}

/** Runs every check of the reader short of decoding sections; returns the header and section table. */
export function inspectLite(input: Uint8Array | ArrayBuffer): LiteLayout {
  const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : input;
  if (!(bytes instanceof Uint8Array)) throw new TypeError('inspectLite/decodeLite expects a Uint8Array (e.g. a Buffer from fs.readFile) or an ArrayBuffer');
  const size = bytes.length;
  // Preamble.
  if (size < PREAMBLE_BYTES) failAtByte(size, `file is ${size} bytes, shorter than the ${PREAMBLE_BYTES}-byte .lite preamble (truncated, or not a .lite file)`);
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) failAtByte(i, 'not a .lite file (bad magic bytes; expected "\\x89LITE\\r\\n\\x1a")');
  }
  const version = readU32(bytes, PRE.version);
  if (version !== FORMAT_VERSION) {
    failAtByte(PRE.version, `unsupported .lite format version ${version} (this reader reads version ${FORMAT_VERSION}${version > FORMAT_VERSION ? '; upgrade @lite/core' : ''})`);
  }
  const flags = readU32(bytes, PRE.flags);
  if ((flags & ~FILE_FLAGS) !== 0) failAtByte(PRE.flags, `unknown file flags 0x${flags.toString(16)} (version ${FORMAT_VERSION} defines bits 0 to 2)`);
  const deflated = (flags & FILE_HEADER_DEFLATED) !== 0;
  const dictionary = (flags & FILE_HEADER_DICTIONARY) !== 0;
  const aligned = (flags & FILE_SECTIONS_ALIGNED) !== 0;
  if (dictionary && !deflated) failAtByte(PRE.flags, 'file flags say the header uses the DEFLATE dictionary but is not deflated');
  const headerLength = readU32(bytes, PRE.headerLength);
  const jsonLength = readU32(bytes, PRE.headerJsonLength);
  const sectionCount = readU32(bytes, PRE.sectionCount);
  const tableLength = readU32(bytes, PRE.tableLength);
  if (sectionCount > MAX_SECTIONS) failAtByte(PRE.sectionCount, `section count ${sectionCount} is over the limit of ${MAX_SECTIONS}`);
  // Every entry takes at least 6 bytes (a 1-byte length, flags, checksum).
  if (tableLength < sectionCount * 6) failAtByte(PRE.tableLength, `section table length ${tableLength} is too short for ${sectionCount} sections (at least 6 bytes each)`);
  const tableEnd = PREAMBLE_BYTES + tableLength;
  if (tableEnd > size) failAtByte(PRE.tableLength, `section table length ${tableLength} runs past the end of the file (${size} bytes; truncated?)`);
  if (headerLength > MAX_HEADER_BYTES) failAtByte(PRE.headerLength, `header length ${headerLength} is over the limit of ${MAX_HEADER_BYTES}`);
  if (jsonLength > MAX_HEADER_BYTES) failAtByte(PRE.headerJsonLength, `header JSON length ${jsonLength} is over the limit of ${MAX_HEADER_BYTES}`);
  if (!deflated && jsonLength !== headerLength) failAtByte(PRE.headerJsonLength, `header is not deflated but its JSON length ${jsonLength} differs from its stored length ${headerLength}`);
  if (deflated && jsonLength > headerLength * MAX_INFLATE_RATIO) failAtByte(PRE.headerJsonLength, `deflated header declares ${jsonLength} JSON bytes, more than its ${headerLength} stored bytes can inflate to`);
  const headerEnd = tableEnd + headerLength;
  if (headerEnd > size) failAtByte(PRE.headerLength, `header length ${headerLength} runs past the end of the file (${size} bytes; truncated?)`);
  const tableCrc = crc32(bytes, PREAMBLE_BYTES, tableEnd, crc32(bytes, 0, PRE.tableCrc));
  if (tableCrc !== readU32(bytes, PRE.tableCrc)) failAtByte(PRE.tableCrc, 'checksum mismatch in the preamble or section table (corrupt file)');

  // Section table: every length bounded, sections laid out in order up to the end of the file.
  const sections: SectionEntry[] = [];
  let end = headerEnd;
  const table = decodeSectionTable(bytes, PREAMBLE_BYTES, tableEnd, sectionCount);
  const offsets = sectionOffsets(headerEnd, table.map((e) => e.storedLength), aligned);
  table.forEach((e, i) => {
    const offset = offsets[i];
    if (e.storedLength > size - offset) failAtByte(e.at.storedLength, `section ${i} (${e.storedLength} bytes at ${offset}) runs past the end of the file (${size} bytes; truncated?)`);
    if ((e.flags & ~SECTION_HUFFMAN) !== 0) failAtByte(e.at.flags, `section ${i} has unknown flags 0x${e.flags.toString(16)}`);
    if (e.rawLength > MAX_SECTION_BYTES) failAtByte(e.at.rawLength, `section ${i} decodes to ${e.rawLength} bytes, over the limit of ${MAX_SECTION_BYTES}`);
    // Every symbol takes at least one bit: bounds the allocation by 8× the stored bytes.
    if (e.flags & SECTION_HUFFMAN && e.rawLength > e.storedLength * 8) failAtByte(e.at.rawLength, `Huffman section ${i} declares ${e.rawLength} decoded bytes, more than its ${e.storedLength} stored bytes can hold`);
    end = offset + e.storedLength;
    sections.push({ offset, storedLength: e.storedLength, rawLength: e.rawLength, flags: e.flags, crc: e.crc });
  });
  if (end !== size) failAtByte(end, `${size - end} unexpected bytes after the end of the ${sectionCount > 0 ? 'last section' : 'header'} (file should be ${end} bytes)`);

  // Header: checksum, UTF-8, JSON, structure.
  if (crc32(bytes, tableEnd, headerEnd) !== readU32(bytes, PRE.headerCrc)) failAtByte(PRE.headerCrc, 'header checksum mismatch (corrupt file)');
  const json8 = unpackHeader({ stored: bytes.subarray(tableEnd, headerEnd), jsonLength, deflated, dictionary }, tableEnd);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(json8);
  } catch {
    failAtByte(tableEnd, 'header is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    failAtByte(tableEnd, `header is not valid JSON: ${(err as Error).message}`);
  }
  const header = validateHeader(json, sectionCount);
  for (let i = 0; i < header.tensors.length; i++) {
    const t = header.tensors[i];
    getEncoding(t.encoding).checkLayout(t.shape, t.meta, t.sections.map((k) => sections[k].rawLength), `header.tensors[${i}]`);
  }

  // Padding and section checksums.
  let pos = headerEnd;
  for (let i = 0; i < sectionCount; i++) {
    const s = sections[i];
    for (; pos < s.offset; pos++) if (bytes[pos] !== 0) failAtByte(pos, `padding before section ${i} is not zero`);
    if (crc32(bytes, s.offset, s.offset + s.storedLength) !== s.crc) {
      failAtByte(table[i].at.crc, `section ${i} (bytes ${s.offset}..${s.offset + s.storedLength}) checksum mismatch (corrupt file)`);
    }
    pos = s.offset + s.storedLength;
  }
  return { version, header, sections, headerBytes: headerLength, headerJsonBytes: jsonLength, headerDeflated: deflated, headerDictionary: dictionary, headerOffset: tableEnd, sectionsAligned: aligned, fileBytes: size };
}

/** A valid file taken apart: its layout, its header as stored, and its sections as stored (copies), ready for {@link assembleLite}. */
export function splitLite(bytes: Uint8Array): { layout: LiteLayout; header: HeaderPayload; sections: SectionPayload[] } {
  const layout = inspectLite(bytes);
  const at = layout.headerOffset;
  const header = { stored: bytes.slice(at, at + layout.headerBytes), jsonLength: layout.headerJsonBytes, deflated: layout.headerDeflated, dictionary: layout.headerDictionary };
  const sections = layout.sections.map((s) => ({ stored: bytes.slice(s.offset, s.offset + s.storedLength), rawLength: s.rawLength, flags: s.flags }));
  return { layout, header, sections };
}

/**
 * Reads a .lite file's bytes into a graph. Every offset, length, count, shape,
 * checksum and header field is checked before any tensor data is decoded; a
 * truncated, corrupt or hostile file throws a {@link LiteFormatError} saying what
 * and where (byte offset or header field path), never anything else.
 */
export function decodeLite(input: Uint8Array | ArrayBuffer): LiteGraph {
  const { header, sections } = inspectLite(input);
  // A plain view, even of a Buffer: Buffer's slice() shares memory where codecs expect a copy.
  const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const decoded = sections.map((s) => {
    const stored = bytes.subarray(s.offset, s.offset + s.storedLength);
    return s.flags & SECTION_HUFFMAN ? huffmanDecode(stored, s.rawLength, s.offset) : stored;
  });
  const tensors = new Map<string, CompressedTensor>();
  header.tensors.forEach((t, i) => {
    const tensor = getEncoding(t.encoding).deserialize(t.name, t.shape, t.meta, t.sections.map((k) => decoded[k]), `header.tensors[${i}]`);
    tensors.set(t.name, tensor);
  });
  const graph: LiteGraph = { nodes: header.nodes as GraphNode[], outputs: header.outputs, tensors, provenance: header.provenance };
  if (header.report !== undefined) graph.report = header.report;
  if (header.graphModel !== undefined) graph.graphModel = header.graphModel;
  return graph;
}
