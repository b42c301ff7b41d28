/**
 * The binary layout of a .lite file (all integers little-endian):
 *
 * | offset | size | field                                                                   |
 * |-------:|-----:|-------------------------------------------------------------------------|
 * | 0      | 8    | magic `89 4C 49 54 45 0D 0A 1A` ("\x89LITE\r\n\x1a")                    |
 * | 8      | 4    | format version (u32, {@link FORMAT_VERSION})                            |
 * | 12     | 4    | flags (u32: bit 0 = the header is raw-deflated, {@link FILE_HEADER_DEFLATED}; other bits 0) |
 * | 16     | 4    | stored header length in bytes (u32)                                     |
 * | 20     | 4    | header JSON length in bytes (u32; equal to the stored length unless deflated) |
 * | 24     | 4    | CRC-32 of the stored header bytes                                       |
 * | 28     | 4    | section count (u32)                                                     |
 * | 32     | 4    | CRC-32 of bytes 0..31 and the section table                             |
 * | 36     | 32·n | section table, one 32-byte entry per section (below)                    |
 * |        |      | the header: JSON (UTF-8), raw or as a raw DEFLATE stream (RFC 1951, no zlib/gzip wrapper) that inflates to exactly the declared JSON length with no trailing bytes |
 * |        |      | zero padding to a multiple of 64, then each section, each starting at a multiple of 64 and zero-padded up to the next; the file ends where the last section (or, with none, the header) ends |
 *
 * The writer deflates the header (level 9) exactly when that makes it smaller.
 *
 * Section entry: offset (u64), stored length (u64), decoded length (u64), flags
 * (u32: bit 0 = Huffman-coded, see huffman.ts; other bits 0), CRC-32 of the stored bytes (u32).
 * A section that is not Huffman-coded has equal stored and decoded lengths.
 *
 * Version history: 1 had a 32-byte preamble with no JSON length and a raw header;
 * 2 (this) adds the deflated header and stores f32/f16 tensors under 256 elements
 * as one stream instead of byte planes.
 */

/** The 8 magic bytes: a high byte (catches 7-bit transfers), "LITE", CR LF (catches newline conversion), Ctrl-Z. */
export const MAGIC = Uint8Array.of(0x89, 0x4c, 0x49, 0x54, 0x45, 0x0d, 0x0a, 0x1a);
/** The version this code writes and the only one it reads. */
export const FORMAT_VERSION = 2;
/** Size of the fixed preamble. */
export const PREAMBLE_BYTES = 36;
/** Size of one section-table entry. */
export const SECTION_ENTRY_BYTES = 32;
/** Sections start at multiples of this. */
export const SECTION_ALIGN = 64;
/** Section flag: the stored bytes are Huffman-coded. */
export const SECTION_HUFFMAN = 1;
/** File flag: the header is a raw DEFLATE stream. */
export const FILE_HEADER_DEFLATED = 1;

/** Field offsets within the preamble. */
export const PRE = { version: 8, flags: 12, headerLength: 16, headerJsonLength: 20, headerCrc: 24, sectionCount: 28, tableCrc: 32 } as const;
/** Field offsets within a section entry. */
export const SEC = { offset: 0, storedLength: 8, rawLength: 16, flags: 24, crc: 28 } as const;

/** One row of the section table. */
export interface SectionEntry {
  offset: number;
  storedLength: number;
  rawLength: number;
  flags: number;
  crc: number;
}

/** Rounds up to a multiple of {@link SECTION_ALIGN}. */
export const align = (n: number): number => Math.ceil(n / SECTION_ALIGN) * SECTION_ALIGN;

export function readU32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

export function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v;
  b[at + 1] = v >>> 8;
  b[at + 2] = v >>> 16;
  b[at + 3] = v >>> 24;
}

/** Reads a u64 as a number (exact up to 2^53; larger values come out larger than any limit). */
export function readU64(b: Uint8Array, at: number): number {
  return readU32(b, at) + readU32(b, at + 4) * 2 ** 32;
}

export function writeU64(b: Uint8Array, at: number, v: number): void {
  writeU32(b, at, v >>> 0);
  writeU32(b, at + 4, Math.floor(v / 2 ** 32));
}
