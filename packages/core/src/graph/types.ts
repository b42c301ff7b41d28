/**
 * The shared vocabulary of compressed models: tensors in any encoding, the layer
 * graph the runtime executes, and what each compression step records. Every
 * package (prune, quant, distill) and the .lite file speak these types.
 */

/** How a tensor's values are stored. Later encodings (ternary, binary, csr, nm) join this union. */
export type Encoding = 'f32' | 'f16' | 'int8' | 'int4' | 'kmeans' | 'csr' | 'nm' | 'binary' | 'ternary';

interface TensorBase {
  /** Unique within a model (tfjs weight names, e.g. "conv1/kernel"). */
  name: string;
  shape: number[];
}

/** Plain float32 values. */
export interface F32Tensor extends TensorBase {
  encoding: 'f32';
  values: Float32Array;
}

/** IEEE half-precision bit patterns. */
export interface F16Tensor extends TensorBase {
  encoding: 'f16';
  bits: Uint16Array;
}

/**
 * Affine (uniform) quantization parameters: a value is `scale · (q − zeroPoint)`
 * for an integer code `q` in `[qmin, qmax]`, where `qmax = 2^(bits−1) − 1` and
 * `qmin = −qmax` with `narrowRange`, else `−2^(bits−1)` (int8: −127 or −128..127;
 * int4: −7 or −8..7). Plain JSON data; scales are float32 values.
 *
 * Per channel, the channels are the tensor's trailing axes from `axis` on,
 * flattened: element `i` (row-major) belongs to channel `i mod C`, where `C` is
 * the product of `shape[axis..]`. That is the last axis for dense `[in, out]`
 * kernels and HWIO conv filters (`axis = rank − 1`), and `inC × multiplier` for
 * depthwise `[fh, fw, inC, mult]` filters (`axis = 2`).
 */
export interface QuantParams {
  /** Integer width: 8 or 4. */
  bits: 8 | 4;
  /** `null`: one scale and zero point for the whole tensor; else the first axis of the channel span (see above). */
  axis: number | null;
  /** Zero points are all 0 (and not stored). */
  symmetric: boolean;
  /** Codes stay in `[−(2^(bits−1) − 1), 2^(bits−1) − 1]` (no −128 / −8). */
  narrowRange: boolean;
  /** Positive finite float32 scales: one, or one per channel. */
  scale: number[];
  /** Integer zero points in `[qmin, qmax]`, one per scale. */
  zeroPoint: number[];
}

/** Affine int8: one signed byte per value, `value = scale · (q − zeroPoint)` per tensor or per channel. */
export interface Int8Tensor extends TensorBase {
  encoding: 'int8';
  /** One code per element, row-major. */
  q: Int8Array;
  params: QuantParams & { bits: 8 };
}

/** Affine int4: two signed nibbles per byte, `value = scale · (q − zeroPoint)` per tensor or per channel. */
export interface Int4Tensor extends TensorBase {
  encoding: 'int4';
  /**
   * `ceil(n / 2)` bytes: element `2k` in the low nibble of byte `k`, element `2k + 1`
   * in its high nibble, each a two's-complement 4-bit code; an odd count leaves the last high nibble 0.
   */
  packed: Uint8Array;
  params: QuantParams & { bits: 4 };
}

/** Non-uniform quantization (weight sharing): each value is an entry of a float32 codebook, its index stored in `bits` bits. */
export interface KMeansTensor extends TensorBase {
  encoding: 'kmeans';
  /** Bits per index, 1–8. */
  bits: number;
  /** The shared values, at most `2^bits` (sorted ascending when made by k-means). */
  codebook: Float32Array;
  /** The codebook holds f16 values and is stored in half precision. */
  halfCodebook?: true;
  /**
   * `ceil(n · bits / 8)` bytes: index `i` occupies bits `i·bits … i·bits + bits − 1` of
   * the little-endian bit stream (least significant bit first); unused high bits of the last byte are 0.
   */
  packed: Uint8Array;
}

/**
 * The stored values of a sparse tensor (`csr`, `nm`): a 1-D tensor in a value
 * encoding holding the kept entries in storage order, optionally times a float32
 * scale per output channel (`int8` codes with per-channel scales: the inner int8
 * tensor then has the single scale 1).
 */
export interface SparseValues {
  /** Shape `[count]`: one value per kept entry. */
  tensor: F32Tensor | F16Tensor | Int8Tensor | KMeansTensor;
  /** One positive float32 scale per output channel (the last axis), multiplying each value of that channel. */
  columnScale?: Float32Array;
}

/**
 * Sparse storage of a tensor viewed as a matrix W[K×N] (N = the last axis: output
 * channels of dense `[in, out]` kernels and HWIO conv filters; K = the product of the
 * other axes; rank < 2 tensors are one column). Positions run column by column:
 * element `(k, j)` (row-major index `k·N + j`) is position `j·K + k`, so each output
 * channel's entries are contiguous (what a sparse kernel over W's columns reads).
 *
 * - `bitmask`: bit `p` of `indices` (least significant bit first) is set when position `p` is kept.
 * - `delta4` / `delta8`: `codes` codes of 4 or 8 bits (4-bit: two per byte, low nibble
 *   first). A code `d` below the maximum `D` (15 or 255) keeps position `prev + 1 + d`
 *   (`prev` starts at −1); the code `D` is a filler: it advances `prev` by `D` and keeps
 *   nothing (Deep Compression's filler entry, without a stored zero value).
 */
export interface CsrTensor extends TensorBase {
  encoding: 'csr';
  index: 'bitmask' | 'delta4' | 'delta8';
  indices: Uint8Array;
  /** Number of index codes (delta forms; for `bitmask`, the element count). */
  codes: number;
  /** The kept entries' values, in position order. */
  values: SparseValues;
}

/**
 * N:M semi-structured sparsity of W[K×N] (as for {@link CsrTensor}): along K, per
 * output channel, each group of `m` consecutive rows keeps exactly `n` entries (a last
 * partial group of `r < m` rows keeps `min(n, r)`), their in-group offsets stored as
 * `log2(m)`-bit codes (bit-packed, least significant bit first, increasing within a group).
 */
export interface NmTensor extends TensorBase {
  encoding: 'nm';
  n: number;
  m: number;
  /** The offsets, in storage order (channel by channel, group by group). */
  positions: Uint8Array;
  /** The kept entries' values, in the same order. */
  values: SparseValues;
}

/**
 * Binary weights (XNOR-Net): `value = ±scale[c]`, `c` the output channel (last axis).
 * `bits`: `ceil(n / 8)` bytes, bit `i` (row-major, least significant bit first) is 1
 * where value `i` is negative; unused high bits of the last byte are 0.
 */
export interface BinaryTensor extends TensorBase {
  encoding: 'binary';
  bits: Uint8Array;
  /** One finite float32 ≥ 0 per output channel (last axis; 1 for a scalar). */
  scale: Float32Array;
}

/**
 * Ternary weights (TWN): `value = scale[c]·t`, t ∈ {−1, 0, +1}, as two bit planes laid
 * out like {@link BinaryTensor.bits}: `nonzero` (t ≠ 0) and `sign` (t = −1; 0 where t = 0).
 */
export interface TernaryTensor extends TensorBase {
  encoding: 'ternary';
  sign: Uint8Array;
  nonzero: Uint8Array;
  /** One finite float32 ≥ 0 per output channel (last axis; 1 for a scalar). */
  scale: Float32Array;
}

/** A weight tensor in one of lite's encodings (a tagged union on `encoding`). */
export type CompressedTensor = F32Tensor | F16Tensor | Int8Tensor | Int4Tensor | KMeansTensor | CsrTensor | NmTensor | BinaryTensor | TernaryTensor;

/**
 * Static quantization of a conv/dense layer's input: the runtime quantizes its
 * fp32 input to uint8 as `q = clamp(rne(x / scale) + zeroPoint, 0, 255)` (the
 * range a calibration or QAT chose) before the int8 kernel. Without it an int8
 * layer quantizes its input dynamically, per batch.
 */
export interface ActivationQuant {
  /** Positive finite float32. */
  scale: number;
  /** Integer in 0..255. */
  zeroPoint: number;
}

/** Fused activations the runtime applies after a conv or dense layer. */
export type GraphActivation = 'linear' | 'relu' | 'relu6' | 'leakyRelu' | 'sigmoid' | 'tanh' | 'softmax';

/** Padding as tfjs layers express it. */
export type Padding = 'valid' | 'same';

/**
 * One operation of the graph. Weights are named entries of the model's tensor
 * table; activations flow between nodes by node name. Layouts follow tfjs (NHWC,
 * HWIO conv filters, [in, out] dense kernels).
 */
export type GraphNode =
  | { op: 'input'; name: string; shape: (number | null)[] }
  /** `binaryInput`: the layer reads sign(input) (±1, sign(0) = +1): a binary network's binarized activations. */
  | { op: 'conv2d'; name: string; input: string; kernel: string; bias?: string; strides: [number, number]; padding: Padding; dilation: [number, number]; activation: GraphActivation; alpha?: number; inputQuant?: ActivationQuant; binaryInput?: true }
  | { op: 'depthwiseConv2d'; name: string; input: string; kernel: string; bias?: string; strides: [number, number]; padding: Padding; dilation: [number, number]; activation: GraphActivation; alpha?: number; inputQuant?: ActivationQuant }
  | { op: 'dense'; name: string; input: string; kernel: string; bias?: string; activation: GraphActivation; alpha?: number; inputQuant?: ActivationQuant; binaryInput?: true }
  | { op: 'activation'; name: string; input: string; activation: GraphActivation; alpha?: number }
  | { op: 'prelu'; name: string; input: string; alpha: string }
  /** y = x·scale + shift per channel (last axis): a BatchNormalization with no conv/dense to fold into. */
  | { op: 'scaleShift'; name: string; input: string; scale: string; shift: string }
  | { op: 'zeroPadding2d'; name: string; input: string; padding: [[number, number], [number, number]] }
  | { op: 'maxPool2d' | 'avgPool2d'; name: string; input: string; poolSize: [number, number]; strides: [number, number]; padding: Padding }
  | { op: 'globalAvgPool2d'; name: string; input: string }
  | { op: 'flatten'; name: string; input: string }
  | { op: 'reshape'; name: string; input: string; targetShape: number[] }
  | { op: 'add'; name: string; inputs: string[] }
  | { op: 'concatenate'; name: string; inputs: string[]; axis: number };

/** One compression step applied to a model, with its options (the file keeps them all). */
export interface Provenance {
  step: string;
  options: Record<string, unknown>;
  /** ISO time the step ran. */
  at: string;
  /** lite version that ran it. */
  version: string;
}

/** The tfjs dtypes of graph-model weights a .lite file keeps (int32 and bool values are stored exactly, as f32). */
export type GraphModelWeightDtype = 'float32' | 'int32' | 'bool';

/**
 * A TensorFlow.js graph model (format "graph-model", as tensorflowjs_converter
 * writes it) carried by a .lite file: its model.json without the weights
 * manifest, and its weights in manifest order, each stored as the tensor of the
 * same name in the model's tensor table (so they are compressed like any other).
 * The runtime does not execute it; `loadGraphModel` turns it back into a tf.GraphModel.
 */
export interface GraphModelSpec {
  /** model.json minus `weightsManifest`: modelTopology (GraphDef JSON), format, signature, userDefinedMetadata, modelInitializer, … (plain JSON). */
  modelJson: Record<string, unknown>;
  /** The weights in manifest order: tensor-table name and the dtype the model reads. */
  weights: { name: string; dtype: GraphModelWeightDtype }[];
}

/** A model as the runtime and the .lite file see it. */
export interface LiteGraph {
  /** Nodes in an order where every node comes after its inputs; the first are the inputs. */
  nodes: GraphNode[];
  /** Names of the nodes whose values the model returns. */
  outputs: string[];
  /** Every weight, by name. */
  tensors: Map<string, CompressedTensor>;
  provenance: Provenance[];
  /** The last measurement of the model (ModelReport from @lite/core's metrics), if any. */
  report?: Record<string, unknown>;
  /** Set when the file carries a tfjs graph model (then `nodes` and `outputs` are usually empty). */
  graphModel?: GraphModelSpec;
}
