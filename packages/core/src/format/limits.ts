/** Hard limits of the .lite reader (and writer): anything beyond them is a {@link LiteFormatError}, never an allocation. */

/** Largest JSON header accepted (bytes). */
export const MAX_HEADER_BYTES = 64 * 1024 * 1024;
/** Most sections in one file. */
export const MAX_SECTIONS = 1_000_000;
/** Largest decoded section (bytes). */
export const MAX_SECTION_BYTES = 2 ** 31 - 1;
/** Most elements in one tensor. */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;
/** Highest tensor rank. */
export const MAX_RANK = 8;
/** Deepest nesting of free-form JSON values (provenance options, report, encoding meta). */
export const MAX_JSON_DEPTH = 64;
/** Longest name (node, tensor, provenance step). */
export const MAX_NAME_LENGTH = 4096;
