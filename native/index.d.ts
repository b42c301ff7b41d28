/** Activation fused into a kernel's epilogue. */
export type Activation = 'linear' | 'relu' | 'relu6';

/** An elementwise binary operation; 'rsub' is b − a. */
export type BinaryOp = 'add' | 'sub' | 'rsub' | 'mul';

/** Options of {@link NativeKernels.gemm}. */
export interface GemmOptions {
  /** A is stored k×m (op(A) = Aᵀ). */
  transA?: boolean;
  /** B is stored n×k (op(B) = Bᵀ). */
  transB?: boolean;
  /** C += op(A)·op(B) instead of C = …; cannot be combined with bias or activation. */
  accumulate?: boolean;
  /** Added to every row of C (length n). */
  bias?: Float32Array | null;
  activation?: Activation;
}

/**
 * Options of {@link NativeKernels.gemmS8}. With an Int32Array `out` only
 * `zeroPointA` applies (out receives the exact sums); a Float32Array `out` takes
 * the scales, bias and activation; a Uint8Array or Int8Array `out` also needs
 * `outScale` (and takes `outZeroPoint`).
 */
export interface GemmS8Options {
  /** The activations' zero point, an integer in 0..255 (default 0). */
  zeroPointA?: number;
  /** The activations' scale (default 1); used as a float32. */
  scaleA?: number;
  /** The weights' scale: one number, or one float32 per output column (default 1). */
  scaleB?: number | Float32Array;
  /** Float bias added per output column (length n), after scaling. */
  bias?: Float32Array | null;
  activation?: Activation;
  /** Scale of a Uint8Array or Int8Array out: out = round(y / outScale) + outZeroPoint, saturated. */
  outScale?: number;
  /** Zero point of a Uint8Array (0..255) or Int8Array (−128..127) out (default 0). */
  outZeroPoint?: number;
}

/** Options of {@link NativeKernels.matmulDynamic}. */
export interface MatmulDynamicOptions {
  /** One scale and zero point per row of a (default), or one for all of a. */
  perRow?: boolean;
  /** The weights' scale: one number, or one float32 per output column (default 1). */
  scaleB?: number | Float32Array;
  bias?: Float32Array | null;
  activation?: Activation;
}

/**
 * Options of {@link NativeKernels.conv2dS8}. With `inputScale` the input is
 * quantized statically, q = clamp(roundHalfEven(x / inputScale) + inputZeroPoint,
 * 0, 255) (the division in float32); without it, dynamically with one scale and
 * zero point for the whole tensor, as {@link NativeKernels.matmulDynamic} with
 * `perRow: false` does.
 */
export interface ConvS8Options {
  /** The input's scale for static quantization (or of a Uint8Array x): a positive finite float32. */
  inputScale?: number;
  /** The input's zero point for static quantization (or of a Uint8Array x), an integer in 0..255 (default 0; needs inputScale). */
  inputZeroPoint?: number;
  /** A Uint8Array y's scale: y = clamp(roundHalfEven(value / outScale) + outZeroPoint, 0, 255). */
  outScale?: number;
  /** A Uint8Array y's zero point, 0..255 (default 0). */
  outZeroPoint?: number;
  /** The weights' scale: one number, or one float32 per output channel (default 1). */
  scaleB?: number | Float32Array;
  /** Float bias added per output channel (length outC), after scaling. */
  bias?: Float32Array | null;
  activation?: Activation;
  /**
   * A max pool over the conv's output, fused into it: windows filterH×filterW
   * every strideH, strideW pixels, all inside the output (no padding), so y is
   * batch·pooledH·pooledW·outC with pooledH = floor((outH − filterH) / strideH) + 1.
   * Exactly the pool of the unpooled y (max commutes with the monotone epilogue).
   */
  pool?: ConvS8Pool;
}

/** {@link ConvS8Options.pool}: the max pool's window and strides. */
export interface ConvS8Pool {
  filterH: number;
  filterW: number;
  strideH: number;
  strideW: number;
}

/** Options of {@link NativeKernels.depthwiseConv2dS8}: x's static quantization, the weights' scales, y's. */
export interface DepthwiseS8Options {
  /** x's scale: a positive finite float32. */
  inputScale: number;
  /** x's zero point, 0..255 (default 0). */
  inputZeroPoint?: number;
  /** The weights' scale: one number, or one float32 per output channel (default 1). */
  scaleB?: number | Float32Array;
  /** Float bias per output channel (length outC), after scaling. */
  bias?: Float32Array | null;
  activation?: Activation;
  /** A Uint8Array y's scale: y = clamp(roundHalfEven(value / outScale) + outZeroPoint, 0, 255) (folded as gemmS8's). */
  outScale?: number;
  /** A Uint8Array y's zero point, 0..255 (default 0). */
  outZeroPoint?: number;
}

/**
 * Options of {@link NativeKernels.addU8}. With da = q_a − aZeroPoint and db =
 * q_b − bZeroPoint, in float32 with one rounding per operation: both uint8,
 * s = fma(db, bScale, da·aScale); one uint8, s = fma(d, scale, other); both
 * float32, s = a + b. Then s = act(s) (max/min clamps) and y = s, or, for a
 * Uint8Array y, clamp(roundHalfEven(s · float32(1 / outScale)) + outZeroPoint, 0, 255)
 * (a multiply, not a division). y may be a or b itself.
 */
export interface AddU8Options {
  aScale?: number;
  aZeroPoint?: number;
  bScale?: number;
  bZeroPoint?: number;
  outScale?: number;
  outZeroPoint?: number;
  activation?: Activation;
}

/** Options of {@link NativeKernels.spmm}. */
export interface SpmmOptions {
  /** Added to every row of y (length n), after the int8 weights' column scale. */
  bias?: Float32Array | null;
  activation?: Activation;
}

/**
 * An NHWC convolution. Filters are HWIO: [filterH, filterW, inC, outC]; for
 * depthwise [filterH, filterW, inC, multiplier] with outC = inC·multiplier.
 * padTop/padLeft are the explicit padding before the first row/column (SAME
 * padding is expressed through them and outH/outW).
 */
export interface ConvShape {
  batch: number; inH: number; inW: number; inC: number;
  outH: number; outW: number; outC: number;
  filterH: number; filterW: number;
  strideH: number; strideW: number;
  dilationH: number; dilationW: number;
  padTop: number; padLeft: number;
}

/** An NHWC pooling window (channels are pooled independently). */
export interface PoolShape {
  batch: number; inH: number; inW: number; channels: number;
  outH: number; outW: number;
  filterH: number; filterW: number;
  strideH: number; strideW: number;
  padTop: number; padLeft: number;
}

/**
 * Options of the binary kernels ({@link NativeKernels.bconv2d}, {@link NativeKernels.bgemm},
 * {@link NativeKernels.tgemm}); which apply depends on `out`'s type. `acc` is the
 * exact integer dot product. Int32Array out: acc itself (no options). Float32Array
 * out: y = act(fma(float(acc), scale[c], bias[c])) in float32. Int8Array out:
 * round-half-even(clamp(y, −128, 127)) (fold any output scale into scale and
 * bias). Uint32Array out: packed sign bits (see {@link NativeKernels.packBits}),
 * bit = acc < thresholds[c], or acc > thresholds[c] where flip[c] ≠ 0 (1 = −1):
 * a BatchNorm + sign folded into integers, for the next binary layer.
 */
export interface BinaryOutputOptions {
  /** One number or one finite float32 per output channel (default 1). */
  scale?: number | Float32Array;
  /** One finite float32 per output channel (default 0). */
  bias?: Float32Array | null;
  activation?: Activation;
  /** Uint32Array out: one integer threshold per output channel. */
  thresholds?: Int32Array;
  /** Uint32Array out: nonzero where the comparison is acc > threshold. */
  flip?: Uint8Array;
}

/** Options of {@link NativeKernels.bconv2d}: the output transform, and ternary planes. */
export interface BconvOptions extends BinaryOutputOptions {
  /** The filter's nonzero plane (same layout as the filter): ternary weights {−1, 0, +1}. */
  filterNonzero?: Uint32Array;
  /** x's nonzero plane: ternary activations (needs filterNonzero). */
  xNonzero?: Uint32Array;
}

/** Options of {@link NativeKernels.packBits}. */
export interface PackBitsOptions {
  /** 64 (default): rows of 2·ceil(channels/64) u32, what the kernels read; 32: rows of ceil(channels/32) u32 (LCE's). */
  wordBits?: 32 | 64;
  /** 'sign' (default): bit = x < 0; 'nonzero': bit = x ≠ 0 (the second plane of ternary values). */
  plane?: 'sign' | 'nonzero';
}

/** The addon's exports. Every kernel writes into the output array it is given. */
export interface NativeKernels {
  /** The instruction-set path in use: 'ref' | 'avx2' | 'avx512'. */
  isa(): string;
  /** The paths this CPU can run (LITE_ISA may force any of them). */
  availableIsas(): string[];
  numThreads(): number;
  cpuFeatures(): { avx2Fma: boolean; avx512: boolean; avx512Vnni: boolean; avx512Vbmi: boolean; avxVnni: boolean; avx512Vpopcntdq: boolean };
  /** C[m,n] = act(op(A)·op(B) + bias), row-major. */
  gemm(m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array, options?: GemmOptions): void;
  conv2d(x: Float32Array, filter: Float32Array, bias: Float32Array | null, y: Float32Array, shape: ConvShape, activation?: Activation): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, shape: ConvShape): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, shape: ConvShape): void;
  depthwiseConv2d(x: Float32Array, filter: Float32Array, bias: Float32Array | null, y: Float32Array, shape: ConvShape, activation?: Activation): void;
  depthwiseConv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, shape: ConvShape): void;
  depthwiseConv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, shape: ConvShape): void;
  maxPool(x: Float32Array, y: Float32Array, shape: PoolShape): void;
  /** dx = gradient of maxPool at x (ties: the first maximum in window order gets it). */
  maxPoolBackprop(dy: Float32Array, x: Float32Array, dx: Float32Array, shape: PoolShape): void;
  /** Averages over the window's in-bounds elements (padding excluded). */
  avgPool(x: Float32Array, y: Float32Array, shape: PoolShape): void;
  avgPoolBackprop(dy: Float32Array, dx: Float32Array, shape: PoolShape): void;
  /** out[i] = a[i] op b[i % b.length] (b.length divides a.length); 'rsub' is b − a. */
  binary(op: BinaryOp, a: Float32Array, b: Float32Array, out: Float32Array): void;
  /** out = max(x, 0), NaN kept. */
  relu(x: Float32Array, out: Float32Array): void;
  /** out = 1 where x > 0, NaN where x is NaN, alpha elsewhere. */
  step(x: Float32Array, out: Float32Array, alpha: number): void;
  /** x is rows×cols: axis 0 gives the column sums (cols), axis 1 the row sums (rows); float64 accumulation. */
  sum(x: Float32Array, out: Float32Array, rows: number, cols: number, axis: 0 | 1): void;
  /**
   * Packs k×n int8 weights (row-major, symmetric: no zero point) once for
   * {@link gemmS8} and {@link matmulDynamic}: an opaque buffer holding a header,
   * the column sums and the weights in the kernels' layout (k ≤ 65536).
   */
  packS8(k: number, n: number, b: Int8Array): Uint8Array;
  /** Packs k×n int4 weights given two per byte (element 2i in byte i's low nibble, two's complement). */
  packS4(k: number, n: number, b: Uint8Array): Uint8Array;
  /**
   * Integer GEMM: x[i,j] = Σ_k (a[i,k] − zeroPointA)·B[k,j], exact in int32, for
   * uint8 activations a (m×k) and packed int8/int4 weights. `out` (m×n) gets x
   * itself (Int32Array), y = act(fma(float(x), scaleA·scaleB[j], bias[j]))
   * (Float32Array), or y requantized (Uint8Array/Int8Array), all float32 arithmetic.
   */
  gemmS8(m: number, n: number, k: number, a: Uint8Array, packedB: Uint8Array,
    out: Int32Array | Float32Array | Uint8Array | Int8Array, options?: GemmS8Options): void;
  /**
   * out = act(a·B·scaleB + bias) with a (m×k float32, finite) quantized to uint8 on
   * the fly: per row (default) or per tensor, range [min(0, min a), max(0, max a)]
   * over 255 steps, then {@link gemmS8} with those scales and zero points.
   */
  matmulDynamic(m: number, n: number, k: number, a: Float32Array, packedB: Uint8Array, out: Float32Array,
    options?: MatmulDynamicOptions): void;
  /**
   * int8 NHWC convolution: x (batch·inH·inW·inC float32, finite) is quantized to
   * uint8 (statically or dynamically, see {@link ConvS8Options}), its im2col rows
   * (padding taps hold the zero point, so they add exactly 0; none for 1×1
   * stride-1 unpadded convs) are multiplied by the HWIO filter [filterH, filterW,
   * inC, outC] packed as a K×N matrix (K = filterH·filterW·inC, N = outC) with
   * {@link packS8} or {@link packS4}, and
   * y = act(fma(float(Σ (q − zp)·w), inputScale·scaleB[j], bias[j])) in float32,
   * exactly as {@link gemmS8} with a Float32Array out. A dense layer with a
   * static input scale is the 1×1 conv over [m, 1, 1, k].
   *
   * A Uint8Array x is taken as already quantized with options.inputScale and
   * inputZeroPoint; a Uint8Array y receives the result requantized with
   * options.outScale and outZeroPoint (as {@link gemmS8} with a Uint8Array out,
   * the activation clamping in the output's steps). Both need the static input
   * scale: a model then passes uint8 activations from layer to layer.
   */
  conv2dS8(x: Float32Array | Uint8Array, packedW: Uint8Array, y: Float32Array | Uint8Array, shape: ConvShape,
    options?: ConvS8Options): void;
  /**
   * Whether {@link conv2dS8} runs this shape (pooled by options.pool) on its
   * direct kernel for few input bytes per output step and outC ≤ 16 (AVX-512
   * VNNI + VBMI: 16 output pixels per vector, no im2col) when the weights are
   * int8, the input scale static and y a Uint8Array; else it runs im2col + the
   * int8 GEMM. Either way the results are the same.
   */
  conv2dS8Direct(shape: ConvShape, options?: Pick<ConvS8Options, 'pool'>): boolean;
  /**
   * Packs rows × channels values (Float32Array or Int8Array) into bits along the
   * channels, into `out`: channel c of a row is bit c % 32 of u32 c / 32 (two
   * u32 make one little-endian 64-bit word), bits past the channels are 0 (+1,
   * as LCE pads). NaN and −0 pack as +1 in the sign plane.
   */
  packBits(x: Float32Array | Int8Array, rows: number, channels: number, out: Uint32Array, options?: PackBitsOptions): void;
  /**
   * Binary NHWC convolution by XNOR + popcount, exactly the fp32 convolution of
   * the ±1 values with ZERO padding (border taps add nothing: the +1 they read is
   * corrected per pixel). x: packBits of [batch, inH, inW, inC]; filter: packBits
   * of the OHWI filter [outC, filterH, filterW, inC] (64-bit words, 8-byte aligned).
   * filterH·filterW·inC ≤ 2^24. The output transform follows out's type
   * ({@link BinaryOutputOptions}); a Uint32Array out is packed like x.
   */
  bconv2d(x: Uint32Array, filter: Uint32Array, out: Int32Array | Float32Array | Int8Array | Uint32Array, shape: ConvShape,
    options?: BconvOptions): void;
  /** Binary GEMM: acc[i, j] = Σ_k a[i, k]·b[j, k] of ±1 values; a (m rows), b (n rows) packed along k (k ≤ 2^24). */
  bgemm(m: number, n: number, k: number, a: Uint32Array, b: Uint32Array,
    out: Int32Array | Float32Array | Int8Array | Uint32Array, options?: BinaryOutputOptions): void;
  /**
   * Ternary GEMM: b (n rows) ternary as a sign and a nonzero plane; a (m rows)
   * binary (aNonzero null) or ternary. acc[i, j] = Σ_k a[i, k]·b[j, k] exactly.
   */
  tgemm(m: number, n: number, k: number, aSign: Uint32Array, aNonzero: Uint32Array | null, bSign: Uint32Array,
    bNonzero: Uint32Array, out: Int32Array | Float32Array | Int8Array | Uint32Array, options?: BinaryOutputOptions): void;
  /** The int8 kernel in use: 'ref' | 'avx2' | 'avxvnni' | 'avx512vnni' (LITE_VNNI=0 keeps 'avx2'). */
  int8Kernel(): string;
  /**
   * Packs the nonzeros (w ≠ 0) of k×n float32 weights (row-major, k ≤ 65536) once
   * for {@link spmm} and {@link sparseConv2d}: an opaque buffer in the kernels'
   * layout (version 2: sliced ELLPACK over chunks of 16 output columns and
   * segments of 64 rows, 8-bit row offsets within a segment;
   * native/src/spmm/spmm.h). 5 bytes per stored entry: each chunk-segment is
   * padded to its fullest column there, about 1.7 entries per nonzero at
   * random 90% sparsity (~22% of dense float32). Buffers of version 1 are refused.
   */
  packSparse(k: number, n: number, w: Float32Array): Uint8Array;
  /**
   * Packs the nonzeros of k×n int8 weights with one positive float32 scale per
   * output column (W = q·scale[j]): about 3 bytes per nonzero. The kernels
   * multiply float32 activations by the int8 values and scale each column's sum.
   */
  packSparseS8(k: number, n: number, q: Int8Array, scale: Float32Array): Uint8Array;
  /**
   * y[m,n] = act(x[m,k]·W·scale + bias) for dense float32 x (row-major) and
   * packed sparse W; the sum runs over W's stored nonzeros (with non-finite x,
   * columns may be NaN where a dense product would not be, and vice versa).
   */
  spmm(m: number, n: number, k: number, x: Float32Array, packed: Uint8Array, y: Float32Array, options?: SpmmOptions): void;
  /**
   * NHWC convolution with sparse HWIO filters packed as a K×N matrix (K =
   * filterH·filterW·inC ≤ 65536, N = outC): im2col rows times {@link spmm}
   * (a 1×1 stride-1 unpadded conv uses x itself).
   */
  sparseConv2d(x: Float32Array, packed: Uint8Array, bias: Float32Array | null, y: Float32Array, shape: ConvShape, activation?: Activation): void;
  /**
   * int8 depthwise NHWC convolution on uint8 activations: x (batch·inH·inW·inC)
   * quantized with options.inputScale and inputZeroPoint, w the int8 filter
   * [filterH, filterW, inC, mult] (symmetric, scaled per output channel by
   * options.scaleB), acc = Σ (x − zp)·w over the in-bounds taps, exact in int32
   * (padding adds 0), then the int8 GEMM's epilogue exactly as {@link conv2dS8}:
   * float32 y = act(fma(float(acc), inputScale·scaleB[d], bias[d])), or a uint8 y
   * requantized with options.outScale and outZeroPoint.
   */
  depthwiseConv2dS8(x: Uint8Array, w: Int8Array, y: Float32Array | Uint8Array, shape: ConvShape, options: DepthwiseS8Options): void;
  /** Max pooling of uint8 NHWC values (max commutes with the monotone quantization: scale and zero point carry over). */
  maxPoolU8(x: Uint8Array, y: Uint8Array, shape: PoolShape): void;
  /**
   * Average pooling of uint8 NHWC values quantized with options.scale and
   * zeroPoint into float32: y = (float(acc)·scale) / count in float32, acc = Σ (x − zeroPoint)
   * over the window's in-bounds taps (count of them; padding excluded, as avgPool).
   */
  avgPoolU8(x: Uint8Array, y: Float32Array, shape: PoolShape, options: { scale: number; zeroPoint?: number }): void;
  /**
   * y = act(a + b) elementwise, each of a, b, y uint8 (with its scale and zero
   * point in options) or float32, in float32 (see {@link AddU8Options}).
   */
  addU8(a: Uint8Array | Float32Array, b: Uint8Array | Float32Array, y: Uint8Array | Float32Array, options: AddU8Options): void;
}

declare const native: NativeKernels;
export default native;
/** The file the addon was loaded from: prebuilds/<platform>-<arch>/lite_native.node or build/Release/lite_native.node. */
export declare const loadedFrom: string;
