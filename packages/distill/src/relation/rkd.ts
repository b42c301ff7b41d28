import * as tf from '@tensorflow/tfjs-core';

/** Options of relation distillation (RKD, Park et al. 2019). */
export interface RelationOptions {
  /** Layers whose outputs are the embeddings (default: the layer before each model's last weighted layer, e.g. 'fc1'). */
  layers?: { student: string; teacher: string };
  /** Weight of the distance loss (default 25, the paper's). */
  distanceWeight?: number;
  /** Weight of the angle loss (default 50, the paper's). */
  angleWeight?: number;
}

const EPS = 1e-12;

/** Embeddings as [n, d] (conv maps are flattened). */
function flat(e: tf.Tensor): tf.Tensor2D {
  if (e.rank < 2) throw new TypeError(`RKD needs embeddings [batch, …], got shape [${e.shape.join(', ')}]`);
  return tf.reshape(e, [e.shape[0], -1]) as tf.Tensor2D;
}

/** Pairwise Euclidean distances [n, n] (0 on the diagonal, with a finite gradient there). */
export function pairwiseDistances(e: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const sq = tf.sum(tf.square(e), 1, true);
    const d2 = tf.sub(tf.add(sq, tf.transpose(sq)), tf.mul(tf.matMul(e, e, false, true), 2));
    const n = e.shape[0];
    const offDiagonal = tf.sub(tf.ones([n, n]), tf.eye(n));
    return tf.mul(tf.sqrt(tf.maximum(d2, EPS)), offDiagonal) as tf.Tensor2D;
  });
}

/** Distances divided by their mean over the n·(n − 1) distinct pairs (scale-free). */
function normalisedDistances(e: tf.Tensor2D): tf.Tensor2D {
  const d = pairwiseDistances(e);
  const n = e.shape[0];
  const mean = tf.div(tf.sum(d), Math.max(1, n * (n - 1)));
  return tf.div(d, tf.maximum(mean, EPS)) as tf.Tensor2D;
}

/**
 * RKD distance loss: Huber (smooth L1) between the student's and the teacher's
 * mean-normalised pairwise distances. Invariant to rotations, translations and
 * scalings of either embedding; widths may differ.
 */
export function rkdDistanceLoss(student: tf.Tensor, teacher: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.losses.huberLoss(normalisedDistances(flat(teacher)), normalisedDistances(flat(student))) as tf.Scalar);
}

/** cos ∠(e_i, e_j, e_k) for every triple: [n, n, n], element [j, i, k] (vertex j). */
export function tripletAngles(e: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    // diff[j, i] = e_i − e_j, normalised.
    const diff = tf.sub(tf.expandDims(e, 0), tf.expandDims(e, 1));
    const unit = tf.div(diff, tf.sqrt(tf.maximum(tf.sum(tf.square(diff), 2, true), EPS)));
    return tf.matMul(unit, unit, false, true) as tf.Tensor3D;
  });
}

/**
 * RKD angle loss: Huber between the cosines of the angles that every triple of
 * embeddings forms, student against teacher. Invariant to rotations,
 * translations and scalings; widths may differ. Costs n³ per batch.
 */
export function rkdAngleLoss(student: tf.Tensor, teacher: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.losses.huberLoss(tripletAngles(flat(teacher)), tripletAngles(flat(student))) as tf.Scalar);
}

/** The weights of the two RKD terms, checked (defaults 25 and 50). */
export function relationWeights(options: RelationOptions = {}): { distance: number; angle: number } {
  const distance = options.distanceWeight ?? 25;
  const angle = options.angleWeight ?? 50;
  for (const [name, v] of [['distanceWeight', distance], ['angleWeight', angle]] as const) {
    if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new RangeError(`relation.${name} must be a non-negative number, got ${JSON.stringify(v)}`);
  }
  return { distance, angle };
}

/** The relation term of one batch: distanceWeight·distance + angleWeight·angle. */
export function relationLoss(student: tf.Tensor, teacher: tf.Tensor, weights: { distance: number; angle: number }): tf.Scalar {
  return tf.tidy(() => {
    let total: tf.Scalar = tf.scalar(0);
    if (weights.distance > 0) total = tf.add(total, tf.mul(rkdDistanceLoss(student, teacher), weights.distance));
    if (weights.angle > 0) total = tf.add(total, tf.mul(rkdAngleLoss(student, teacher), weights.angle));
    return total;
  });
}
