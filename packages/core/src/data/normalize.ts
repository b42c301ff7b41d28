/** MNIST training-set pixel mean (pixels scaled to [0, 1]); the usual constant. */
export const MNIST_MEAN = 0.1307;
/** MNIST training-set pixel standard deviation (pixels scaled to [0, 1]). */
export const MNIST_STD = 0.3081;

/** Normalises pixels in [0, 1] in place: (x − 0.1307) / 0.3081. Returns `pixels`. */
export function normalizeMnist(pixels: Float32Array): Float32Array {
  const inv = 1 / MNIST_STD;
  for (let i = 0; i < pixels.length; i++) pixels[i] = (pixels[i] - MNIST_MEAN) * inv;
  return pixels;
}
