import { describe, expect, it } from 'vitest';
import type { CompressedTensor, LiteGraph } from '../graph/types.js';
import { deflateRawSync } from 'node:zlib';
import { assembleLite, decodeLite, encodeLite, inspectLite, packHeader, splitLite, unpackHeader, type HeaderPayload } from './container.js';
import { crc32 } from './crc32.js';
import { LiteFormatError } from './errors.js';
import { fixChecksums } from './fuzz.js';
import { FILE_HEADER_DEFLATED, FILE_HEADER_DICTIONARY, FILE_SECTIONS_ALIGNED, FORMAT_VERSION, MAGIC, PRE, PREAMBLE_BYTES, SECTION_HUFFMAN, readU32, writeU32 } from './layout.js';
import { decodeSectionTable, encodeSectionTable, type TableEntry } from './section_table.js';
import { encodeTensor, getEncoding } from './registry.js';
import { everyOp, huffmanFriendly, noWeights, sampleGraphs, tinyCnn, weightsOnly } from './samples.js';

const payloadBits = (t: CompressedTensor) => getEncoding(t.encoding).serialize(t).streams.map((s) => Buffer.from(s).toString('hex')).join('|');

/** Deep equality of graphs, comparing tensor payloads bit for bit. */
function expectSameGraph(a: LiteGraph, b: LiteGraph): void {
  expect(b.nodes).toEqual(a.nodes);
  expect(b.outputs).toEqual(a.outputs);
  expect(b.provenance).toEqual(a.provenance);
  expect(b.report).toEqual(a.report);
  expect(b.graphModel).toEqual(a.graphModel);
  expect([...b.tensors.keys()]).toEqual([...a.tensors.keys()]);
  for (const [name, t] of a.tensors) {
    const u = b.tensors.get(name)!;
    expect([u.name, u.encoding, u.shape]).toEqual([t.name, t.encoding, t.shape]);
    expect(payloadBits(u)).toBe(payloadBits(t));
  }
}

/** Decoding `bytes` throws a LiteFormatError matching `message` at byte `offset` (when given). */
function rejects(bytes: Uint8Array, message: RegExp, offset?: number): LiteFormatError {
  let err: unknown;
  try {
    decodeLite(bytes);
  } catch (e) {
    err = e;
  }
  expect(err, `expected a rejection matching ${message}`).toBeInstanceOf(LiteFormatError);
  const e = err as LiteFormatError;
  expect(e.message).toMatch(message);
  if (offset !== undefined) expect(e.offset).toBe(offset);
  return e;
}

/** The parsed section table of a valid file (entries with their field offsets). */
const tableOf = (bytes: Uint8Array) => decodeSectionTable(bytes, PREAMBLE_BYTES, inspectLite(bytes).headerOffset, readU32(bytes, PRE.sectionCount));

describe('.lite round trips', () => {
  it('every sample graph, with and without Huffman coding, decodes to the same graph', () => {
    for (const { name, graph } of sampleGraphs()) {
      for (const huffman of ['auto', 'off'] as const) {
        const bytes = encodeLite(graph, { huffman });
        expect(Array.from(bytes.subarray(0, 8)), name).toEqual(Array.from(MAGIC));
        expect(readU32(bytes, PRE.version)).toBe(FORMAT_VERSION);
        expectSameGraph(graph, decodeLite(bytes));
        // Deterministic, and stable through a decode/encode cycle.
        expect(Buffer.from(encodeLite(decodeLite(bytes), { huffman })).equals(Buffer.from(bytes))).toBe(true);
      }
    }
  });

  it('sections follow each other, start at multiples of 64 when aligned, and are Huffman-coded only where smaller', () => {
    const g = huffmanFriendly();
    const on = inspectLite(encodeLite(g));
    const off = inspectLite(encodeLite(g, { huffman: 'off' }));
    let end = on.headerOffset + on.headerBytes;
    for (const s of on.sections) {
      expect(s.offset).toBe(end);
      end = s.offset + s.storedLength;
    }
    expect(on.sectionsAligned).toBe(false);
    const alignedBytes = encodeLite(g, { alignSections: true });
    const aligned = inspectLite(alignedBytes);
    expect(aligned.sectionsAligned).toBe(true);
    expect(readU32(alignedBytes, PRE.flags) & FILE_SECTIONS_ALIGNED).toBe(FILE_SECTIONS_ALIGNED);
    expect(aligned.sections.every((s) => s.offset % 64 === 0)).toBe(true);
    expectSameGraph(g, decodeLite(alignedBytes));
    expect(aligned.fileBytes).toBeGreaterThan(on.fileBytes);
    expect(() => encodeLite(g, { alignSections: 'yes' as never })).toThrow(/alignSections must be 'auto', true or false/);
    const coded = on.sections.filter((s) => s.flags & SECTION_HUFFMAN);
    expect(coded.length).toBeGreaterThan(0);
    for (const s of coded) expect(s.storedLength).toBeLessThan(s.rawLength);
    expect(off.sections.every((s) => s.flags === 0 && s.storedLength === s.rawLength)).toBe(true);
    expect(on.fileBytes).toBeLessThan(off.fileBytes);
  });

  it('does not modify the graph it writes', () => {
    const g = everyOp();
    const before = structuredClone(g);
    encodeLite(g);
    expect(g).toEqual(before);
  });

  it('writes non-finite report numbers as null', () => {
    const g = { ...noWeights(), report: { accuracy: NaN, bytes: 10 } };
    expect(decodeLite(encodeLite(g)).report).toEqual({ accuracy: null, bytes: 10 });
  });

  it('refuses to write an invalid graph, naming the field', () => {
    const g = tinyCnn();
    const missing = { ...g, nodes: g.nodes.map((n) => (n.op === 'dense' ? { ...n, kernel: 'nope' } : n)) };
    expect(() => encodeLite(missing)).toThrow(/no tensor named "nope" in the tensor table \(at header\.nodes\[4\]\.kernel\)/);
    const renamed = new Map(g.tensors);
    renamed.set('other', g.tensors.get('fc/bias')!);
    expect(() => encodeLite({ ...g, tensors: renamed })).toThrow(/named "fc\/bias" but stored under "other"/);
    const bad = new Map(g.tensors);
    bad.set('x', { name: 'x', shape: [1], encoding: 'int9' } as unknown as CompressedTensor);
    expect(() => encodeLite({ ...g, tensors: bad })).toThrow(/unknown tensor encoding "int9"/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encodeLite({ ...g, report: cyclic })).toThrow(/cannot be written as JSON/);
    expect(() => encodeLite({ ...g, tensors: {} as never })).toThrow(/must be a Map/);
    const mismatch = new Map(g.tensors);
    mismatch.set('fc/bias', { name: 'fc/bias', shape: [4], encoding: 'f32', values: new Float32Array(3) });
    expect(() => encodeLite({ ...g, tensors: mismatch })).toThrow(/shape \[4\] has 4 elements but the data has 3/);
  });
});

describe('.lite reader: preamble and section table', () => {
  const good = encodeLite(huffmanFriendly());

  it('rejects short files and bad magic', () => {
    rejects(new Uint8Array(0), /shorter than the 40-byte \.lite preamble/, 0);
    rejects(good.subarray(0, 39), /shorter than the 40-byte/, 39);
    for (let i = 0; i < 8; i++) {
      const b = good.slice();
      b[i] ^= 0x20;
      rejects(b, /not a \.lite file \(bad magic bytes/, i);
    }
    rejects(new TextEncoder().encode('{"format": "layers-model", "modelTopology": {}}'), /bad magic/);
  });

  it('rejects unknown versions and flags', () => {
    for (const v of [0, 1, 2, 4, 0xffffffff]) {
      const b = good.slice();
      writeU32(b, PRE.version, v);
      fixChecksums(b);
      const e = rejects(b, new RegExp(`unsupported \\.lite format version ${v} \\(this reader reads version 3`), PRE.version);
      if (v > 3) expect(e.message).toMatch(/upgrade @lite\/core/);
    }
    for (const f of [8, 0x80000001]) {
      const b = good.slice();
      writeU32(b, PRE.flags, f);
      fixChecksums(b);
      rejects(b, new RegExp(`unknown file flags 0x${f.toString(16)}`), PRE.flags);
    }
    const b = good.slice();
    writeU32(b, PRE.flags, FILE_HEADER_DICTIONARY);
    fixChecksums(b);
    rejects(b, /uses the DEFLATE dictionary but is not deflated/, PRE.flags);
  });

  it('rejects bad header length and section count fields', () => {
    const set = (at: number, v: number, fix = true) => {
      const b = good.slice();
      writeU32(b, at, v);
      if (fix) fixChecksums(b);
      return b;
    };
    rejects(set(PRE.headerLength, 0xffffffff), /header length 4294967295 is over the limit/, PRE.headerLength);
    rejects(set(PRE.headerLength, good.length), /header length \d+ runs past the end of the file/, PRE.headerLength);
    const headerLength = readU32(good, PRE.headerLength);
    rejects(set(PRE.headerLength, headerLength + 1), /runs past the end of the file|unexpected bytes after the end of the deflated header/);
    rejects(set(PRE.headerLength, headerLength - 1), /deflated header is not a valid DEFLATE stream|unexpected bytes after the end of the last section/);
    const count = readU32(good, PRE.sectionCount);
    const tableLength = readU32(good, PRE.tableLength);
    rejects(set(PRE.sectionCount, 2_000_000), /section count 2000000 is over the limit/, PRE.sectionCount);
    rejects(set(PRE.sectionCount, 100_000), /section table length \d+ is too short for 100000 sections/, PRE.tableLength);
    rejects(set(PRE.sectionCount, count + 1), /section table ends inside entry/);
    rejects(set(PRE.sectionCount, count - 1), /unexpected bytes after the last section table entry/);
    rejects(set(PRE.sectionCount, 0), /unexpected bytes after the last section table entry/, PREAMBLE_BYTES);
    rejects(set(PRE.tableLength, good.length), /section table length \d+ runs past the end of the file/, PRE.tableLength);
    rejects(set(PRE.tableLength, tableLength + 1), /unexpected bytes after the last section table entry|deflated header/);
    rejects(set(PRE.tableLength, tableLength - 1), /section table ends inside entry/);
  });

  it('rejects checksum mismatches: table, header, each section', () => {
    const b = good.slice();
    writeU32(b, PRE.tableCrc, readU32(b, PRE.tableCrc) ^ 1);
    rejects(b, /checksum mismatch in the preamble or section table/, PRE.tableCrc);
    const { sections, headerOffset } = inspectLite(good);
    const h = good.slice();
    h[headerOffset + 3] ^= 1; // inside the header JSON
    rejects(h, /header checksum mismatch/, PRE.headerCrc);
    const table = tableOf(good);
    sections.forEach((s, i) => {
      if (s.storedLength === 0) return;
      const c = good.slice();
      c[s.offset + s.storedLength - 1] ^= 0x10;
      rejects(c, new RegExp(`section ${i} \\(bytes ${s.offset}\\.\\.${s.offset + s.storedLength}\\) checksum mismatch`), table[i].at.crc);
    });
  });

  it('rejects every section-table field set wrong (table length and checksums repaired)', () => {
    const { sections } = inspectLite(good);
    const table = tableOf(good);
    const huff = sections.findIndex((s) => s.flags & SECTION_HUFFMAN);
    const plain = sections.findIndex((s) => s.flags === 0 && s.storedLength > 0);
    /** `good` with entry i changed (the table re-encoded) or, with `raw`, with the table bytes replaced. */
    const withTable = (bytes: Uint8Array) => {
      const end = inspectLite(good).headerOffset;
      const b = Uint8Array.from([...good.subarray(0, PREAMBLE_BYTES), ...bytes, ...good.subarray(end)]);
      writeU32(b, PRE.tableLength, bytes.length);
      fixChecksums(b);
      return b;
    };
    const field = (i: number, patch: Partial<TableEntry>) => withTable(encodeSectionTable(table.map((e, k) => (k === i ? { ...e, ...patch } : e))));
    const storedAt = table[plain].at.storedLength;
    rejects(field(plain, { storedLength: good.length }), /runs past the end of the file/, storedAt);
    rejects(field(plain, { storedLength: 2 ** 34 }), /runs past the end/, storedAt);
    rejects(field(plain, { storedLength: 2 ** 35 }), /varint longer than 5 bytes/, storedAt);
    rejects(field(plain, { storedLength: sections[plain].storedLength - 1 }), /checksum mismatch|needs \d+ bytes|unexpected bytes/);
    rejects(field(huff, { rawLength: 2 ** 31 }), /decodes to 2147483648 bytes, over the limit/, table[huff].at.rawLength);
    rejects(field(huff, { rawLength: sections[huff].storedLength * 8 + 1 }), /more than its \d+ stored bytes can hold/, table[huff].at.rawLength);
    rejects(field(huff, { rawLength: sections[huff].rawLength + 1 }), /needs \d+ bytes in section \d, the file has/);
    rejects(field(plain, { flags: 2 }), /has unknown flags 0x2/, table[plain].at.flags);
    rejects(field(plain, { flags: SECTION_HUFFMAN }), /Huffman stream/);
    rejects(field(huff, { flags: 0 }), /needs \d+ bytes in section|Huffman|checksum/);
    // Raw varints: redundant zero group, truncated.
    const raw = encodeSectionTable(table);
    const nonCanonical = Uint8Array.from([raw[0] | 0x80, 0x00, ...raw.subarray(1)]);
    rejects(withTable(nonCanonical), /section 0's stored length is a non-canonical varint/, PREAMBLE_BYTES);
    rejects(withTable(raw.subarray(0, raw.length - 1)), new RegExp(`section table ends inside entry ${table.length - 1} \\(its checksum\\)`));
  });

  it('rejects trailing bytes, non-zero padding, and truncation at every length', () => {
    rejects(Uint8Array.from([...good, 0]), /1 unexpected bytes after the end of the last section/, good.length);
    const aligned = encodeLite(huffmanFriendly(), { alignSections: true });
    const { sections, headerOffset, headerBytes } = inspectLite(aligned);
    const padded = sections.findIndex((s, i) => s.offset > (i === 0 ? headerOffset + headerBytes : sections[i - 1].offset + sections[i - 1].storedLength));
    const p = aligned.slice();
    p[sections[padded].offset - 1] = 7; // padding before that section
    rejects(p, new RegExp(`padding before section ${padded} is not zero`), sections[padded].offset - 1);
    for (let n = 0; n < good.length; n++) expect(() => decodeLite(good.subarray(0, n))).toThrow(LiteFormatError);
  });

  it('rejects every single-bit flip of a small file', () => {
    const b = encodeLite(weightsOnly());
    for (let bit = 0; bit < b.length * 8; bit++) {
      const c = b.slice();
      c[bit >> 3] ^= 1 << (bit & 7);
      expect(() => decodeLite(c)).toThrow(LiteFormatError);
    }
  });

  it('rejects a header that is not UTF-8 or not JSON, and corrupt Huffman data behind a good checksum', () => {
    const { layout: parts, header, sections } = splitLite(good);
    const headerStart = parts.headerOffset;
    rejects(assembleLite(Uint8Array.of(0x7b, 0xff, 0x7d), sections), /header is not valid UTF-8/, headerStart);
    rejects(assembleLite(new TextEncoder().encode('{"nodes": ['), sections), /header is not valid JSON/, headerStart);
    rejects(assembleLite(new TextEncoder().encode('[]'), sections), /expected an object, found an array \(at byte|at header\)/);
    const huff = sections.findIndex((s) => s.flags & SECTION_HUFFMAN);
    const text = new TextDecoder().decode(unpackHeader(header));
    const broken = sections.slice();
    const stored = broken[huff].stored.slice();
    stored[0] = 0xff; // first symbol > last symbol
    broken[huff] = { ...broken[huff], stored };
    const e = rejects(assembleLite(packHeader(new TextEncoder().encode(text)), broken), /Huffman stream: table range is empty/);
    expect(e.offset).toBe(inspectLite(good).sections[huff].offset);
  });

  it('caps the header size before reading it', () => {
    const b = new Uint8Array(64);
    b.set(MAGIC);
    writeU32(b, PRE.version, FORMAT_VERSION);
    writeU32(b, PRE.headerLength, 64 * 1024 * 1024 + 1);
    rejects(b, /over the limit/, PRE.headerLength);
    writeU32(b, PRE.headerLength, 8);
    writeU32(b, PRE.headerJsonLength, 64 * 1024 * 1024 + 1);
    rejects(b, /header JSON length 67108865 is over the limit/, PRE.headerJsonLength);
    expect(readU32(b, 0)).toBeGreaterThan(0);
  });

  it('keeps tensor payloads out of the caller\'s buffer', () => {
    const g: LiteGraph = { nodes: [], outputs: [], tensors: new Map([['w', encodeTensor('f32', 'w', Float32Array.of(1, 2), [2]).tensor]]), provenance: [] };
    const bytes = encodeLite(g, { huffman: 'off' });
    const back = decodeLite(bytes);
    bytes.fill(0);
    expect(Array.from((back.tensors.get('w') as { values: Float32Array }).values)).toEqual([1, 2]);
    // An ArrayBuffer works too.
    expect(decodeLite(encodeLite(g).slice().buffer).tensors.size).toBe(1);
    expect(() => decodeLite('LITE' as never)).toThrow(TypeError);
  });
});

describe('.lite header: deflated when smaller', () => {
  const graph = huffmanFriendly();
  const good = encodeLite(graph);
  const { layout, header, sections } = splitLite(good);
  const headerStart = layout.headerOffset;
  const json = unpackHeader(header);
  const deflated = packHeader(json, true, false);
  const withHeader = (h: HeaderPayload) => assembleLite(h, sections);

  it('encodeLite deflates a header that shrinks, records the JSON length, and round-trips', () => {
    expect(readU32(good, PRE.flags) & FILE_HEADER_DEFLATED).toBe(FILE_HEADER_DEFLATED);
    expect(layout.headerDeflated).toBe(true);
    expect(layout.headerJsonBytes).toBe(json.length);
    expect(readU32(good, PRE.headerJsonLength)).toBe(json.length);
    expect(layout.headerBytes).toBe(Math.min(deflateRawSync(json, { level: 9 }).length, packHeader(json, true, true).stored.length));
    expect(layout.headerBytes).toBeLessThan(json.length / 2);
    expectSameGraph(graph, decodeLite(good));
    // The same choice every time.
    expect(Buffer.from(encodeLite(graph)).equals(Buffer.from(good))).toBe(true);
  });

  it('stores a header raw when deflating does not make it smaller, and reads raw headers too', () => {
    const tiny = new TextEncoder().encode('{}');
    expect(packHeader(tiny)).toEqual({ stored: tiny, jsonLength: 2, deflated: false });
    expect(packHeader(tiny, true).deflated).toBe(true);
    const raw = withHeader(packHeader(json, false));
    expect(readU32(raw, PRE.flags)).toBe(0);
    expect(inspectLite(raw)).toMatchObject({ headerDeflated: false, headerBytes: json.length, headerJsonBytes: json.length });
    const back = decodeLite(raw);
    expectSameGraph(graph, back);
    expect(Buffer.from(encodeLite(back)).equals(Buffer.from(good))).toBe(true);
  });

  it('deflates with the preset dictionary when that is smaller, and reads both forms', () => {
    const cnn = tinyCnn();
    const { layout: l, header: h, sections: ss } = splitLite(encodeLite(cnn));
    expect(l.headerDictionary).toBe(true);
    const text = unpackHeader(h);
    expect(h.stored.length).toBeLessThan(deflateRawSync(text, { level: 9 }).length * 0.7);
    const plain = assembleLite(packHeader(text, true, false), ss);
    expect(inspectLite(plain).headerDictionary).toBe(false);
    expectSameGraph(cnn, decodeLite(plain));
    // A dictionary stream read without the dictionary refers to bytes before its start.
    rejects(assembleLite({ ...h, dictionary: false }, ss), /deflated header is not a valid DEFLATE stream/, l.headerOffset);
    // A plain stream read with the dictionary never refers to it: the same header.
    expectSameGraph(cnn, decodeLite(assembleLite({ ...packHeader(text, true, false), dictionary: true }, ss)));
  });

  it('rejects a corrupt or truncated DEFLATE stream', () => {
    const bad = deflated.stored.slice();
    bad[0] |= 0x06; // block type 3 (reserved)
    rejects(withHeader({ ...deflated, stored: bad }), /deflated header is not a valid DEFLATE stream \(.*invalid block type/, headerStart);
    rejects(withHeader({ ...deflated, stored: deflated.stored.subarray(0, deflated.stored.length - 3) }), /deflated header is not a valid DEFLATE stream \(.*unexpected end/, headerStart);
    rejects(withHeader({ ...deflated, stored: new Uint8Array(0), jsonLength: 0 }), /deflated header is not a valid DEFLATE stream/, headerStart);
    rejects(withHeader({ ...deflated, stored: new Uint8Array(0) }), /more than its 0 stored bytes can inflate to/, PRE.headerJsonLength);
  });

  it('rejects a wrong declared JSON length, trailing data, and a header that inflates beyond its declared length', () => {
    rejects(withHeader({ ...deflated, jsonLength: json.length + 1 }), new RegExp(`inflates to ${json.length} bytes, the preamble declares ${json.length + 1}`), headerStart);
    rejects(withHeader({ ...deflated, jsonLength: json.length - 1 }), new RegExp(`deflated header inflates to more than its declared ${json.length - 1} bytes`), headerStart);
    rejects(withHeader({ ...deflated, jsonLength: 0 }), /inflates to more than its declared 0 bytes/, headerStart);
    const trailing = Uint8Array.from([...deflated.stored, 0, 0x42]);
    rejects(withHeader({ ...deflated, stored: trailing }), /2 unexpected bytes after the end of the deflated header/, headerStart + deflated.stored.length);
    // A bomb: a megabyte of spaces after the JSON, declared as just the JSON.
    const bomb = deflateRawSync(Buffer.concat([json, Buffer.alloc(1 << 20, 0x20)]), { level: 9 });
    const t0 = performance.now();
    rejects(withHeader({ stored: bomb, jsonLength: json.length, deflated: true }), /inflates to more than its declared/, headerStart);
    expect(performance.now() - t0).toBeLessThan(500);
    // A declared length beyond what DEFLATE can reach is refused before inflating.
    rejects(withHeader({ ...deflated, jsonLength: deflated.stored.length * 1032 + 1 }), /more than its \d+ stored bytes can inflate to/, PRE.headerJsonLength);
    // A raw header must declare its own length.
    rejects(withHeader({ stored: json, jsonLength: json.length + 1, deflated: false }), /not deflated but its JSON length \d+ differs from its stored length/, PRE.headerJsonLength);
    // A deflated header stored with the flag cleared is not JSON.
    rejects(withHeader({ ...deflated, deflated: false, jsonLength: deflated.stored.length }), /header is not valid (UTF-8|JSON)/, headerStart);
  });

  it('every error is a LiteFormatError for each byte of the deflated header changed (checksums repaired)', () => {
    for (let i = 0; i < deflated.stored.length; i++) {
      const s = deflated.stored.slice();
      s[i] ^= 0x5a;
      try {
        expectSameGraph(graph, decodeLite(withHeader({ ...deflated, stored: s })));
      } catch (e) {
        expect(e).toBeInstanceOf(LiteFormatError);
      }
    }
  });
});
