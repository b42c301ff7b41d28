/**
 * The section table of a .lite file: one variable-length entry per section, so a
 * small model does not pay 32 bytes a section. An entry is
 *
 * | field         | form                                                             |
 * |---------------|------------------------------------------------------------------|
 * | stored length | unsigned LEB128, canonical (no redundant high groups), at most 5 bytes |
 * | flags         | u8 (bit 0: Huffman-coded)                                        |
 * | decoded length| unsigned LEB128 as above, only when Huffman-coded (otherwise it equals the stored length) |
 * | CRC-32        | u32 of the stored bytes                                          |
 *
 * Offsets are not stored: sections follow the header in table order (layout.ts).
 */
import { failAtByte } from './errors.js';
import { SECTION_HUFFMAN, readU32, writeU32 } from './layout.js';

/** A section as the table records it. */
export interface TableEntry {
  storedLength: number;
  rawLength: number;
  flags: number;
  crc: number;
}

/** A parsed entry with the byte offsets of its fields, for errors that point at them. */
export interface ParsedEntry extends TableEntry {
  at: { storedLength: number; flags: number; rawLength: number; crc: number };
}

/** Longest LEB128 accepted: 5 groups of 7 bits hold any u32. */
const MAX_VARINT_BYTES = 5;

const varintLength = (v: number): number => {
  let n = 1;
  for (; v >= 0x80; v = Math.floor(v / 128)) n++;
  return n;
};

function writeVarint(out: Uint8Array, at: number, v: number): number {
  for (; v >= 0x80; v = Math.floor(v / 128)) out[at++] = (v & 0x7f) | 0x80;
  out[at++] = v;
  return at;
}

/** The table bytes of `entries`. */
export function encodeSectionTable(entries: readonly TableEntry[]): Uint8Array {
  const huffman = (e: TableEntry) => (e.flags & SECTION_HUFFMAN) !== 0;
  const size = entries.reduce((n, e) => n + varintLength(e.storedLength) + 1 + (huffman(e) ? varintLength(e.rawLength) : 0) + 4, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const e of entries) {
    at = writeVarint(out, at, e.storedLength);
    out[at++] = e.flags;
    if (huffman(e)) at = writeVarint(out, at, e.rawLength);
    writeU32(out, at, e.crc);
    at += 4;
  }
  return out;
}

/**
 * Parses `count` entries from `bytes[start, end)`, which they must fill exactly.
 * A truncated, overlong or non-canonical varint, or bytes left over, is a
 * LiteFormatError at the byte concerned. Lengths are not bounded here (the container does).
 */
export function decodeSectionTable(bytes: Uint8Array, start: number, end: number, count: number): ParsedEntry[] {
  let pos = start;
  const need = (n: number, what: string, i: number) => {
    if (pos + n > end) failAtByte(pos, `section table ends inside entry ${i} (its ${what}); the table is ${end - start} bytes for ${count} sections`);
  };
  const varint = (what: string, i: number): number => {
    const first = pos;
    let v = 0;
    for (let k = 0; ; k++) {
      need(1, what, i);
      if (k === MAX_VARINT_BYTES) failAtByte(first, `section ${i}'s ${what} is a varint longer than ${MAX_VARINT_BYTES} bytes`);
      const b = bytes[pos++];
      v += (b & 0x7f) * 2 ** (7 * k);
      if (b < 0x80) {
        if (b === 0 && k > 0) failAtByte(first, `section ${i}'s ${what} is a non-canonical varint (a redundant zero group)`);
        return v;
      }
    }
  };
  const entries: ParsedEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = { storedLength: pos, flags: 0, rawLength: 0, crc: 0 };
    const storedLength = varint('stored length', i);
    need(1, 'flags', i);
    at.flags = pos;
    const flags = bytes[pos++];
    at.rawLength = pos;
    const rawLength = flags & SECTION_HUFFMAN ? varint('decoded length', i) : storedLength;
    need(4, 'checksum', i);
    at.crc = pos;
    const crc = readU32(bytes, pos);
    pos += 4;
    entries.push({ storedLength, rawLength, flags, crc, at });
  }
  if (pos !== end) failAtByte(pos, `${end - pos} unexpected bytes after the last section table entry (the table is declared ${end - start} bytes)`);
  return entries;
}
