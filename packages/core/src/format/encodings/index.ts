/** The encodings built into @lite/core. A new encoding is one file here plus one entry in this list. */
import type { EncodingCodec } from '../codec.js';
import { binaryCodec } from './binary.js';
import { csrCodec } from './csr.js';
import { f16Codec } from './f16.js';
import { f32Codec } from './f32.js';
import { int4Codec } from './int4.js';
import { int8Codec } from './int8.js';
import { kmeansCodec } from './kmeans.js';
import { nmCodec } from './nm.js';
import { ternaryCodec } from './ternary.js';

export { f16Codec, type F16Options } from './f16.js';
export { f32Codec } from './f32.js';
export { int8Codec, type AffineOptions } from './int8.js';
export { int4Codec } from './int4.js';
export { kmeansCodec, type KMeansOptions } from './kmeans.js';
export { csrCodec, csrColumns, CSR_INDEX_FORMS, type CsrIndexForm, type CsrOptions, type SparseColumns } from './csr.js';
export { nmCodec, nmColumns, fitsNm, NM_GROUP_SIZES, type NmOptions } from './nm.js';
export { binaryCodec, type BinaryOptions } from './binary.js';
export { ternaryCodec, twnTernarize, TWN_THRESHOLD_FACTOR, type TernaryOptions } from './ternary.js';
export { SPARSE_VALUE_ENCODINGS, type SparseValueEncoding, type SparseValueOptions } from './csr_values.js';

/** Registered when the registry first loads. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const BUILTIN_ENCODINGS: readonly EncodingCodec<any, any>[] = [f32Codec, f16Codec, int8Codec, int4Codec, kmeansCodec, csrCodec, nmCodec, binaryCodec, ternaryCodec];
