import { describe, expect, it } from 'vitest';
import type { CompressedTensor, LiteGraph } from '../graph/types.js';
import { deflateRawSync } from 'node:zlib';
import { assembleLite, decodeLite, encodeLite, inspectLite, packHeader, unpackHeader, type HeaderPayload } from './container.js';
import { crc32 } from './crc32.js';
import { LiteFormatError } from './errors.js';
import { fixChecksums } from './fuzz.js';
import { FILE_HEADER_DEFLATED, FORMAT_VERSION, MAGIC, PRE, PREAMBLE_BYTES, SEC, SECTION_ENTRY_BYTES, SECTION_HUFFMAN, readU32, readU64, writeU32, writeU64 } from './layout.js';
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

const entry = (i: number) => PREAMBLE_BYTES + i * SECTION_ENTRY_BYTES;

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

  it('sections are 64-byte aligned and Huffman-coded only where smaller', () => {
    const g = huffmanFriendly();
    const on = inspectLite(encodeLite(g));
    const off = inspectLite(encodeLite(g, { huffman: 'off' }));
    expect(on.sections.every((s) => s.offset % 64 === 0)).toBe(true);
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
    rejects(new Uint8Array(0), /shorter than the 36-byte \.lite preamble/, 0);
    rejects(good.subarray(0, 35), /shorter than the 36-byte/, 35);
    for (let i = 0; i < 8; i++) {
      const b = good.slice();
      b[i] ^= 0x20;
      rejects(b, /not a \.lite file \(bad magic bytes/, i);
    }
    rejects(new TextEncoder().encode('{"format": "layers-model", "modelTopology": {}}'), /bad magic/);
  });

  it('rejects unknown versions and flags', () => {
    for (const v of [0, 1, 3, 0xffffffff]) {
      const b = good.slice();
      writeU32(b, PRE.version, v);
      fixChecksums(b);
      const e = rejects(b, new RegExp(`unsupported \\.lite format version ${v} \\(this reader reads version 2`), PRE.version);
      if (v > 2) expect(e.message).toMatch(/upgrade @lite\/core/);
    }
    for (const f of [2, 4, 0x80000001]) {
      const b = good.slice();
      writeU32(b, PRE.flags, f);
      fixChecksums(b);
      rejects(b, new RegExp(`unknown file flags 0x${f.toString(16)}`), PRE.flags);
    }
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
    rejects(set(PRE.headerLength, headerLength + 1), /section 0 starts at \d+, expected|unexpected bytes after the end of the deflated header/);
    rejects(set(PRE.headerLength, headerLength - 1), /deflated header is not a valid DEFLATE stream|starts at/);
    const count = readU32(good, PRE.sectionCount);
    rejects(set(PRE.sectionCount, 2_000_000), /section count 2000000 is over the limit/, PRE.sectionCount);
    rejects(set(PRE.sectionCount, 100_000), /needs a 3200000-byte section table, the file has only/, PRE.sectionCount);
    rejects(set(PRE.sectionCount, count + 1), /starts at|checksum|deflated header/);
    rejects(set(PRE.sectionCount, count - 1), /starts at|belongs to no tensor|sections|deflated header|unexpected bytes after the end of the last section/);
    rejects(set(PRE.sectionCount, 0), /unexpected bytes|header/);
  });

  it('rejects checksum mismatches: table, header, each section', () => {
    const b = good.slice();
    writeU32(b, PRE.tableCrc, readU32(b, PRE.tableCrc) ^ 1);
    rejects(b, /checksum mismatch in the preamble or section table/, PRE.tableCrc);
    const h = good.slice();
    h[entry(readU32(good, PRE.sectionCount)) + 3] ^= 1; // inside the header JSON
    writeU32(h, PRE.tableCrc, crc32(h, PREAMBLE_BYTES, entry(readU32(h, PRE.sectionCount)), crc32(h, 0, PRE.tableCrc)));
    rejects(h, /header checksum mismatch/, PRE.headerCrc);
    const { sections } = inspectLite(good);
    sections.forEach((s, i) => {
      if (s.storedLength === 0) return;
      const c = good.slice();
      c[s.offset + s.storedLength - 1] ^= 0x10;
      rejects(c, new RegExp(`section ${i} \\(bytes ${s.offset}\\.\\.${s.offset + s.storedLength}\\) checksum mismatch`), entry(i) + SEC.crc);
    });
  });

  it('rejects every section-table field set wrong (checksums repaired)', () => {
    const { sections } = inspectLite(good);
    const huff = sections.findIndex((s) => s.flags & SECTION_HUFFMAN);
    const plain = sections.findIndex((s) => s.flags === 0 && s.storedLength > 0);
    const field = (i: number, f: keyof typeof SEC, v: number, wide = true) => {
      const b = good.slice();
      if (wide) writeU64(b, entry(i) + SEC[f], v);
      else writeU32(b, entry(i) + SEC[f], v);
      fixChecksums(b);
      return b;
    };
    rejects(field(plain, 'offset', sections[plain].offset + 64), /section \d+ starts at \d+, expected \d+/, entry(plain) + SEC.offset);
    rejects(field(plain, 'offset', sections[plain].offset + 1), /expected/, entry(plain) + SEC.offset);
    rejects(field(plain, 'offset', 2 ** 52), /expected/, entry(plain) + SEC.offset);
    rejects(field(plain, 'storedLength', good.length), /runs past the end of the file/, entry(plain) + SEC.storedLength);
    rejects(field(plain, 'storedLength', 2 ** 40), /runs past the end/, entry(plain) + SEC.storedLength);
    rejects(field(plain, 'storedLength', sections[plain].storedLength - 1), /decoded length \d+ differs from its stored length|starts at/);
    rejects(field(plain, 'rawLength', sections[plain].rawLength + 1), /not Huffman-coded but its decoded length/, entry(plain) + SEC.rawLength);
    rejects(field(huff, 'rawLength', 2 ** 31), /decodes to 2147483648 bytes, over the limit/, entry(huff) + SEC.rawLength);
    rejects(field(huff, 'rawLength', sections[huff].storedLength * 8 + 1), /more than its \d+ stored bytes can hold/, entry(huff) + SEC.rawLength);
    rejects(field(huff, 'rawLength', sections[huff].rawLength + 1), /needs \d+ bytes in section \d, the file has/);
    rejects(field(plain, 'flags', 2, false), /has unknown flags 0x2/, entry(plain) + SEC.flags);
    rejects(field(plain, 'flags', SECTION_HUFFMAN, false), /Huffman stream/);
    rejects(field(huff, 'flags', 0, false), /not Huffman-coded but its decoded length/);
  });

  it('rejects trailing bytes, non-zero padding, and truncation at every length', () => {
    rejects(Uint8Array.from([...good, 0]), /1 unexpected bytes after the end of the last section/, good.length);
    const { sections } = inspectLite(good);
    const p = good.slice();
    p[sections[0].offset - 1] = 7; // padding between the header and section 0
    rejects(p, /padding before section 0 is not zero/, sections[0].offset - 1);
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
    const parts = inspectLite(good);
    const sections = parts.sections.map((s) => ({ stored: good.slice(s.offset, s.offset + s.storedLength), rawLength: s.rawLength, flags: s.flags }));
    const headerStart = entry(sections.length);
    rejects(assembleLite(Uint8Array.of(0x7b, 0xff, 0x7d), sections), /header is not valid UTF-8/, headerStart);
    rejects(assembleLite(new TextEncoder().encode('{"nodes": ['), sections), /header is not valid JSON/, headerStart);
    rejects(assembleLite(new TextEncoder().encode('[]'), sections), /expected an object, found an array \(at byte|at header\)/);
    const huff = sections.findIndex((s) => s.flags & SECTION_HUFFMAN);
    const text = new TextDecoder().decode(unpackHeader({ stored: good.subarray(headerStart, headerStart + parts.headerBytes), jsonLength: parts.headerJsonBytes, deflated: true }));
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
    expect(readU64(b, 0)).toBeGreaterThan(0);
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
  const layout = inspectLite(good);
  const sections = layout.sections.map((s) => ({ stored: good.slice(s.offset, s.offset + s.storedLength), rawLength: s.rawLength, flags: s.flags }));
  const headerStart = entry(sections.length);
  const json = unpackHeader({ stored: good.subarray(headerStart, headerStart + layout.headerBytes), jsonLength: layout.headerJsonBytes, deflated: true });
  const deflated = packHeader(json);
  const withHeader = (h: HeaderPayload) => assembleLite(h, sections);

  it('encodeLite deflates a header that shrinks, records the JSON length, and round-trips', () => {
    expect(readU32(good, PRE.flags)).toBe(FILE_HEADER_DEFLATED);
    expect(layout.headerDeflated).toBe(true);
    expect(layout.headerJsonBytes).toBe(json.length);
    expect(readU32(good, PRE.headerJsonLength)).toBe(json.length);
    expect(layout.headerBytes).toBe(deflateRawSync(json, { level: 9 }).length);
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
