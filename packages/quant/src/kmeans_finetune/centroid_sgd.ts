/**
 * The optimizer of centroid fine-tuning (Deep Compression, Han et al. 2016, §3.1):
 * plain SGD for every variable, except that a shared kernel's gradient is summed over
 * each cluster's members and the cluster's centroid moves by −lr · that sum; the
 * kernel is then rewritten from its codebook, so it always equals
 * `codebook[indices]`. It is a tfjs `Optimizer`, so core's `train` drives it.
 */
import * as tf from '@tensorflow/tfjs-core';

/** A kernel whose values are shared: `variable = reshape(codebook[indices])`. */
export interface SharedKernel {
  /** The centroids, float32 [k] (not trainable by tfjs: this optimizer updates them). */
  codebook: tf.Variable;
  /** Each element's centroid index, int32 [n]. */
  indices: tf.Tensor1D;
}

/** Σ of `grad` over each cluster's members: `sums[c] = Σ_{i : indices[i] = c} grad[i]` (float32 [clusters]). */
export function clusterGradientSums(grad: tf.Tensor, indices: tf.Tensor1D, clusters: number): tf.Tensor1D {
  return tf.tidy(() => tf.unsortedSegmentSum(tf.reshape(grad, [-1]), indices, clusters));
}

export class CentroidSgd extends tf.Optimizer {
  static readonly className = 'CentroidSgd';

  /**
   * @param learningRate step size of centroids and of the other variables
   * @param variables every variable it may update, by tfjs variable name
   * @param shared the shared kernels, by tfjs variable name
   */
  constructor(
    readonly learningRate: number,
    private readonly variables: ReadonlyMap<string, tf.Variable>,
    private readonly shared: ReadonlyMap<string, SharedKernel>,
  ) {
    super();
  }

  applyGradients(gradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const list = Array.isArray(gradients) ? gradients : Object.entries(gradients).map(([name, tensor]) => ({ name, tensor }));
    tf.tidy(() => {
      const lr = tf.scalar(this.learningRate);
      for (const { name, tensor: grad } of list) {
        if (grad == null) continue;
        const variable = this.variables.get(name);
        if (!variable) throw new Error(`CentroidSgd: no variable named '${name}'`);
        const kernel = this.shared.get(name);
        if (!kernel) {
          variable.assign(tf.sub(variable, tf.mul(lr, grad)));
          continue;
        }
        const sums = clusterGradientSums(grad, kernel.indices, kernel.codebook.shape[0]);
        kernel.codebook.assign(tf.sub(kernel.codebook, tf.mul(lr, sums)));
        variable.assign(tf.reshape(tf.gather(kernel.codebook, kernel.indices), variable.shape));
      }
    });
    this.incrementIterations();
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate };
  }
}
