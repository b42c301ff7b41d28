import * as tf from '@tensorflow/tfjs-core';

/**
 * Attention map of conv features [n, h, w, c] (Zagoruyko & Komodakis): the mean over
 * channels of the squared activations, [n, h, w, 1]. Channel counts may differ between
 * teacher and student; the maps compare directly.
 */
export function attentionMap(features: tf.Tensor4D): tf.Tensor4D {
  if (features.rank !== 4) throw new TypeError(`attention transfer needs conv feature maps [batch, h, w, channels], got shape [${features.shape.join(', ')}]; pick conv/pool layers`);
  return tf.mean(tf.square(features), 3, true) as tf.Tensor4D;
}

/** Resizes maps [n, h, w, c] to `size` (bilinear) when their spatial size differs. */
export function matchSpatial(maps: tf.Tensor4D, size: [number, number]): tf.Tensor4D {
  return maps.shape[1] === size[0] && maps.shape[2] === size[1] ? maps : tf.image.resizeBilinear(maps, size, true);
}

/**
 * Attention-transfer loss: the squared L2 distance between the L2-normalised,
 * flattened attention maps of student and teacher, averaged over samples. The
 * student's map is resized to the teacher's when their spatial sizes differ.
 */
export function attentionLoss(student: tf.Tensor4D, teacher: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const t = attentionMap(teacher);
    const s = matchSpatial(attentionMap(student), [t.shape[1], t.shape[2]]);
    const n = s.shape[0];
    const unit = (m: tf.Tensor) => {
      const flat = tf.reshape(m, [n, -1]);
      return tf.div(flat, tf.sqrt(tf.maximum(tf.sum(tf.square(flat), 1, true), 1e-12)));
    };
    return tf.mean(tf.sum(tf.square(tf.sub(unit(s), unit(t))), 1)) as tf.Scalar;
  });
}
