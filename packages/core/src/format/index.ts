/**
 * The .lite format: tensor encodings (registry, f32, f16), canonical Huffman coding,
 * CRC-32, and the container (encode/decode bytes, read/write files).
 */
export { LiteFormatError } from './errors.js';
export { crc32 } from './crc32.js';
export { F16_MAX, F16_MIN_NORMAL, f16ToF32, f32ToF16, type F16ConversionStats, type F16Overflow } from './half.js';
export { HUFFMAN_MAX_CODE_LENGTH, huffmanCodeLengths, huffmanDecode, huffmanEncode } from './huffman.js';
export {
  elementCount,
  type EncodeInput,
  type EncodeResult,
  type EncodingCodec,
  type EncodingWarning,
  type JsonValue,
  type SerializedTensor,
  type TensorOf,
} from './codec.js';
export { f16Codec, f32Codec, type F16Options } from './encodings/index.js';
export {
  csrCodec,
  csrColumns,
  CSR_INDEX_FORMS,
  fitsNm,
  NM_GROUP_SIZES,
  nmCodec,
  nmColumns,
  SPARSE_VALUE_ENCODINGS,
  type CsrIndexForm,
  type CsrOptions,
  type NmOptions,
  type SparseColumns,
  type SparseValueEncoding,
  type SparseValueOptions,
} from './encodings/index.js';
export { sparsifyGraph, zeroFraction, type SparsifiedTensor, type SparsifyOptions } from './sparsify.js';
export { channelCount, float32AtLeast, MIN_QUANT_SCALE, quantRange, roundHalfEven } from './encodings/int8.js';
export {
  decodeTensor,
  encodeTensor,
  encodingNames,
  findEncoding,
  getEncoding,
  reencodeGraph,
  registerEncoding,
  tensorByteSize,
  type EncodeTensorOptions,
} from './registry.js';
export { NODE_OPS, validateHeader, type LiteHeader, type TensorEntry } from './header.js';
export { FORMAT_VERSION, MAGIC, type SectionEntry } from './layout.js';
export * as liteLimits from './limits.js';
export { decodeLite, encodeLite, inspectLite, type EncodeLiteOptions, type LiteLayout } from './container.js';
export { MAX_FILE_BYTES, readLiteFile, writeLiteFile } from './file.js';
