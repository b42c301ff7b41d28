/**
 * The binary layout of a .lite file (all integers little-endian):
 *
 * | offset | size | field                                                                   |
 * |-------:|-----:|-------------------------------------------------------------------------|
 * | 0      | 8    | magic `89 4C 49 54 45 0D 0A 1A` ("\x89LITE\r\n\x1a")                    |
 * | 8      | 4    | format version (u32, {@link FORMAT_VERSION})                            |
 * | 12     | 4    | flags (u32): bit 0 {@link FILE_HEADER_DEFLATED}, bit 1 {@link FILE_HEADER_DICTIONARY}, bit 2 {@link FILE_SECTIONS_ALIGNED}; other bits 0 |
 * | 16     | 4    | stored header length in bytes (u32)                                     |
 * | 20     | 4    | header JSON length in bytes (u32; equal to the stored length unless deflated) |
 * | 24     | 4    | CRC-32 of the stored header bytes                                       |
 * | 28     | 4    | section count (u32)                                                     |
 * | 32     | 4    | section table length in bytes (u32)                                     |
 * | 36     | 4    | CRC-32 of bytes 0..35 and the section table                             |
 * | 40     |      | section table, one entry per section (section_table.ts)                 |
 * |        |      | the header: JSON (UTF-8), raw or as a raw DEFLATE stream (RFC 1951, no zlib/gzip wrapper; with the preset dictionary of header_dictionary.ts when bit 1 is set) that inflates to exactly the declared JSON length with no trailing bytes |
 * |        |      | the sections, in table order, each right after the previous one; with bit 2 set, each starts at the next multiple of 64 instead, after zero padding. The file ends where the last section (or, with none, the header) ends |
 *
 * The writer stores the header whichever way is smallest. It aligns sections only in
 * large files ({@link ALIGN_SECTIONS_FROM_BYTES}), where 63 bytes of padding per section
 * cost nothing and aligned tensors can be mapped in place; in a small model the padding
 * and a fixed-width table would be a third of the file.
 *
 * Version history: 1 had a 32-byte preamble with no JSON length and a raw header;
 * 2 added the deflated header and stored f32/f16 tensors under 256 elements as one
 * stream instead of byte planes; 3 (this) has the variable-length section table, the
 * header dictionary and unaligned sections.
 */

/** The 8 magic bytes: a high byte (catches 7-bit transfers), "LITE", CR LF (catches newline conversion), Ctrl-Z. */
export const MAGIC = Uint8Array.of(0x89, 0x4c, 0x49, 0x54, 0x45, 0x0d, 0x0a, 0x1a);
/** The version this code writes and the only one it reads. */
export const FORMAT_VERSION = 3;
/** Size of the fixed preamble. */
export const PREAMBLE_BYTES = 40;
/** Aligned sections start at multiples of this. */
export const SECTION_ALIGN = 64;
/** The writer aligns sections when they hold at least this many bytes in all. */
export const ALIGN_SECTIONS_FROM_BYTES = 1 << 20;
/** Section flag: the stored bytes are Huffman-coded. */
export const SECTION_HUFFMAN = 1;
/** File flag: the header is a raw DEFLATE stream. */
export const FILE_HEADER_DEFLATED = 1;
/** File flag: the deflated header uses the preset dictionary (header_dictionary.ts); only with {@link FILE_HEADER_DEFLATED}. */
export const FILE_HEADER_DICTIONARY = 2;
/** File flag: sections start at multiples of {@link SECTION_ALIGN}. */
export const FILE_SECTIONS_ALIGNED = 4;
/** Every file flag this version defines. */
export const FILE_FLAGS = FILE_HEADER_DEFLATED | FILE_HEADER_DICTIONARY | FILE_SECTIONS_ALIGNED;

/** Field offsets within the preamble. */
export const PRE = { version: 8, flags: 12, headerLength: 16, headerJsonLength: 20, headerCrc: 24, sectionCount: 28, tableLength: 32, tableCrc: 36 } as const;

/** One row of the section table, with the offset it implies. */
export interface SectionEntry {
  offset: number;
  storedLength: number;
  rawLength: number;
  flags: number;
  crc: number;
}

/** Where sections of these stored lengths start when the first may start at `start`: each right after the previous one, or at the next multiple of {@link SECTION_ALIGN} when `aligned`. */
export function sectionOffsets(start: number, lengths: readonly number[], aligned: boolean): number[] {
  let end = start;
  return lengths.map((length) => {
    const at = aligned ? Math.ceil(end / SECTION_ALIGN) * SECTION_ALIGN : end;
    end = at + length;
    return at;
  });
}

export function readU32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

export function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v;
  b[at + 1] = v >>> 8;
  b[at + 2] = v >>> 16;
  b[at + 3] = v >>> 24;
}
