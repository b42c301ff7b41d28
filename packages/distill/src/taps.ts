import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type ForwardFn, LiteModel, type Teacher, withoutGradient } from '@lite/core';

/** The output of layer `name` of `model` (symbolic); an error listing the layer names otherwise. */
export function layerOutput(model: tfl.LayersModel, name: string, role: string): tfl.SymbolicTensor {
  const layer = model.layers.find((l) => l.name === name);
  if (!layer) throw new RangeError(`the ${role} has no layer '${name}'; its layers: ${model.layers.map((l) => l.name).join(', ')}`);
  const out = layer.output;
  if (Array.isArray(out)) throw new TypeError(`layer '${name}' of the ${role} has several outputs; pick a layer with one`);
  return out;
}

/** The name of the layer before the last one with weights (a classifier's embedding, e.g. 'fc1' of the zoo models). */
export function embeddingLayer(model: tfl.LayersModel): string {
  const weighted = model.layers.map((l, i) => (l.weights.length > 0 ? i : -1)).filter((i) => i >= 0);
  const last = weighted.at(-1);
  if (last === undefined || last === 0) throw new TypeError(`cannot pick an embedding layer in '${model.name}'; name one (relation.layers)`);
  return model.layers[last - 1].name;
}

/**
 * A student that also returns the outputs of some of its layers (each through an
 * optional head, e.g. a learned adapter). `model` shares the student's layers, so
 * training it trains the student; its trainable weights are the student's plus the
 * heads', which is how core's `train` optimizes the adapters too.
 */
export interface StudentTap {
  model: tfl.LayersModel;
  /** For `train`'s forward hook: the logits; the tapped outputs of the last call are in {@link features}. */
  forward: ForwardFn;
  /** The tapped (and headed) outputs of the last forward call. */
  features(): tf.Tensor[];
}

/** Builds a {@link StudentTap} over `layers` of `student`, `heads[i]` applied to layer i's output when given. */
export function tapStudent(student: tfl.LayersModel, layers: readonly string[], heads: readonly (tfl.layers.Layer | null)[] = []): StudentTap {
  if (student.outputs.length !== 1) throw new TypeError('the student must have one output (its logits)');
  const outputs = layers.map((name, i) => {
    const out = layerOutput(student, name, 'student');
    const head = heads[i];
    return head ? (head.apply(out) as tfl.SymbolicTensor) : out;
  });
  const model = tfl.model({ inputs: student.inputs, outputs: [student.outputs[0], ...outputs], name: `${student.name}_tap` });
  let last: tf.Tensor[] = [];
  const forward: ForwardFn = (m, inputs, training) => {
    const result = m.apply(inputs, { training });
    const outs = (Array.isArray(result) ? result : [result]) as tf.Tensor[];
    last = outs.slice(1);
    return outs[0] as tf.Tensor2D;
  };
  return { model, forward, features: () => last };
}

/** A Layers view of a teacher (a LiteModel is expanded to fp32 layers once). */
export function teacherLayers(teacher: Teacher): tfl.LayersModel {
  return teacher instanceof LiteModel ? teacher.toLayersModel('teacher') : teacher;
}

/**
 * A function giving the teacher's logits and the outputs of `layers`, computed
 * without gradient (core's `withoutGradient`): safe inside a loss hook.
 */
export function tapTeacher(teacher: tfl.LayersModel, layers: readonly string[]): (inputs: tf.Tensor4D) => { logits: tf.Tensor2D; features: tf.Tensor[] } {
  if (teacher.outputs.length !== 1) throw new TypeError('the teacher must have one output (its logits)');
  const outputs = layers.map((name) => layerOutput(teacher, name, 'teacher'));
  const model = tfl.model({ inputs: teacher.inputs, outputs: [teacher.outputs[0], ...outputs], name: `${teacher.name}_tap` });
  return (inputs) => {
    const [logits, ...features] = withoutGradient(inputs, (x) => {
      const result = model.apply(x, { training: false });
      return (Array.isArray(result) ? result : [result]) as tf.Tensor[];
    });
    return { logits: logits as tf.Tensor2D, features };
  };
}
