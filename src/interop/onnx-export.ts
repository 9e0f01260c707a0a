// Export to ONNX: Gemm and activation nodes over a dynamic batch, encoded by onnx-proto (protobufjs).
import onnxProto from 'onnx-proto';
import type { Model } from '../nn/model.js';
import { denseStack, type DenseStack, type ExportOptions } from './dense-stack.js';

const { onnx } = onnxProto;

/** The operator set the exported graph declares (Gemm, Relu, Tanh, Sigmoid, Softmax, LeakyRelu). */
export const ONNX_OPSET = 13;
/** Names of the graph's input ([N, features], N dynamic) and output ([N, outputs]). */
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'output';

/**
 * The model as an ONNX ModelProto (IR version 8, opset 13): per dense layer a
 * Gemm(x, W_l, b_l) node (W_l [in, out] as an initializer) and its activation node (Relu,
 * LeakyRelu with alpha, Tanh, Sigmoid, Softmax over the last axis; none for linear). The input
 * `input` has shape [N, features] with N dynamic, the output `output` [N, outputs] holds
 * probabilities for sigmoid/softmax models. The stored scaling is folded into the first layer
 * (see denseStack), so the model takes raw features; feature and class names go to
 * metadata_props as JSON. Returns the encoded bytes. Runs in browsers. The graph is for
 * inference, so a model's dropout is left out (dropout is the identity at evaluation).
 */
export function toOnnx(model: Model, o: ExportOptions & { producerVersion?: string } = {}): Uint8Array {
  const stack = denseStack(model, o);
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'minibatch',
    producerVersion: o.producerVersion ?? '',
    graph: graphOf(stack),
    metadataProps: metadataOf(stack),
  });
  return onnx.ModelProto.encode(proto).finish();
}

function graphOf(stack: DenseStack): InstanceType<typeof onnx.GraphProto> {
  const nodes: Array<InstanceType<typeof onnx.NodeProto>> = []; const inits: Array<InstanceType<typeof onnx.TensorProto>> = [];
  const last = stack.layers.length - 1;
  let x = ONNX_INPUT;
  stack.layers.forEach((d, l) => {
    const w = `W${l + 1}`; const b = `b${l + 1}`;
    inits.push(tensor(w, [d.inputs, d.units], d.kernel), tensor(b, [d.units], d.bias));
    const linearOut = d.activation === 'linear' && l === last ? ONNX_OUTPUT : `z${l + 1}`;
    nodes.push(onnx.NodeProto.create({ opType: 'Gemm', name: `dense${l + 1}`, input: [x, w, b], output: [linearOut] }));
    x = linearOut;
    if (d.activation === 'linear') return;
    const y = l === last ? ONNX_OUTPUT : `a${l + 1}`;
    const op = { relu: 'Relu', 'leaky-relu': 'LeakyRelu', tanh: 'Tanh', sigmoid: 'Sigmoid', softmax: 'Softmax' }[d.activation];
    const attribute = d.activation === 'leaky-relu'
      ? [{ name: 'alpha', type: onnx.AttributeProto.AttributeType.FLOAT, f: stack.leakySlope }]
      : d.activation === 'softmax' ? [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: -1 }] : [];
    nodes.push(onnx.NodeProto.create({ opType: op, name: `${op.toLowerCase()}${l + 1}`, input: [x], output: [y], attribute }));
    x = y;
  });
  const first = stack.layers[0]!; const out = stack.layers[last]!;
  return onnx.GraphProto.create({
    name: 'minibatch', node: nodes, initializer: inits,
    input: [valueInfo(ONNX_INPUT, first.inputs)], output: [valueInfo(ONNX_OUTPUT, out.units)],
  });
}

/** A float tensor [N, width] with the batch dimension N dynamic. */
function valueInfo(name: string, width: number): InstanceType<typeof onnx.ValueInfoProto> {
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: width }] } } },
  });
}

/** An initializer holding `values` as little-endian float32 raw data. */
function tensor(name: string, dims: number[], values: Float32Array): InstanceType<typeof onnx.TensorProto> {
  const raw = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw });
}

function metadataOf(stack: DenseStack): Array<{ key: string; value: string }> {
  const m = stack.meta; const out: Array<{ key: string; value: string }> = [];
  if (m.features) out.push({ key: 'features', value: JSON.stringify(m.features) });
  if (m.classNames) out.push({ key: 'classNames', value: JSON.stringify(m.classNames) });
  if (m.targets) out.push({ key: 'targets', value: JSON.stringify(m.targets) });
  if (m.scaling && m.scaling.method !== 'none') out.push({ key: 'foldedScaling', value: m.scaling.method });
  return out;
}
