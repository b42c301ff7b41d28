/** @lite/distill: knowledge distillation for tf.js models (issue 7). */
export {};
