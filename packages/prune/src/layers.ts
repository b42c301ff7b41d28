import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** One prunable weight: the kernel of a conv or dense layer (never a bias or a normalization parameter). */
export interface PrunableKernel {
  /** The layer's name, e.g. 'conv1'. */
  layer: string;
  /** The tfjs class of the layer, e.g. 'Conv2D'. */
  className: string;
  /** The variable holding the kernel ([kh, kw, in, out] for conv, [in, out] for dense). */
  variable: tfl.LayerVariable;
  shape: number[];
  /** Number of weights. */
  size: number;
}

/** Weight names (the part after the layer name) that are kernels. */
const KERNEL_NAMES = new Set(['kernel', 'depthwise_kernel', 'pointwise_kernel']);

function baseName(variable: tfl.LayerVariable): string {
  const parts = variable.originalName.split('/');
  return parts[parts.length - 1].replace(/_\d+$/, '');
}

/**
 * The model's prunable kernels in layer order: every conv/dense/depthwise/separable
 * kernel, except those of the layers named in `exclude`. Throws a RangeError naming
 * an excluded layer the model does not have, or when nothing is left to prune.
 */
export function prunableKernels(model: tfl.LayersModel, exclude: readonly string[] = []): PrunableKernel[] {
  const names = new Set(model.layers.map((l) => l.name));
  for (const name of exclude) {
    if (!names.has(name)) throw new RangeError(`exclude names layer '${name}', which the model does not have; its layers: ${[...names].join(', ')}`);
  }
  const skip = new Set(exclude);
  const out: PrunableKernel[] = [];
  for (const layer of model.layers) {
    if (skip.has(layer.name)) continue;
    for (const variable of layer.trainableWeights) {
      if (!KERNEL_NAMES.has(baseName(variable))) continue;
      const shape = [...variable.shape] as number[];
      const kernelName = baseName(variable);
      out.push({
        layer: kernelName === 'kernel' ? layer.name : `${layer.name}/${kernelName}`,
        className: layer.getClassName(),
        variable,
        shape,
        size: shape.reduce((a, b) => a * b, 1),
      });
    }
  }
  if (out.length === 0) throw new RangeError('the model has no prunable conv or dense kernels left (check exclude)');
  return out;
}

/** The kernel's current values (a copy). */
export function kernelValues(kernel: PrunableKernel): Float32Array {
  // dataSync may hand back the backend's own storage: copy it.
  return (kernel.variable.read().dataSync() as Float32Array).slice();
}

/** Writes `values` (the kernel's layout) into the kernel. */
export function setKernelValues(kernel: PrunableKernel, values: Float32Array): void {
  if (values.length !== kernel.size) throw new RangeError(`${kernel.layer} holds ${kernel.size} weights, got ${values.length} values`);
  tf.tidy(() => {
    kernel.variable.write(tf.tensor(values, kernel.shape, 'float32'));
  });
}
