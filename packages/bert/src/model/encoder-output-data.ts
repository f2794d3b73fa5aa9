import type { EncoderOutput, TensorData } from '@icd/core';
import type * as tf from '@tensorflow/tfjs-core';

/** Copies a float tensor to engine-neutral {@link TensorData} (does not dispose it). */
export async function toTensorData(tensor: tf.Tensor): Promise<TensorData> {
  const data = await tensor.data();
  return {
    data: data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>),
    shape: tensor.shape,
  };
}

/** Copies every tensor of an encoder output to {@link TensorData} (does not dispose them). */
export async function encoderOutputToData(
  output: EncoderOutput<tf.Tensor>,
): Promise<EncoderOutput<TensorData>> {
  return {
    lastHiddenState: await toTensorData(output.lastHiddenState),
    ...(output.poolerOutput ? { poolerOutput: await toTensorData(output.poolerOutput) } : {}),
    ...(output.hiddenStates
      ? { hiddenStates: await Promise.all(output.hiddenStates.map(toTensorData)) }
      : {}),
    ...(output.attentions ? { attentions: await Promise.all(output.attentions.map(toTensorData)) } : {}),
  };
}
