import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';

const { onnx } = onnxProto;

/** Opset of the tiny test models: old enough for every onnxruntime build, new enough for Cast/MatMul/Sigmoid. */
const OPSET_VERSION = 13;
/** IR version matching the opset. */
const IR_VERSION = 7;

/** A model input of a tiny test network: [B, width] of `type`. */
export interface TinyInput {
  name: string;
  type: 'float32' | 'int32';
  width: number;
}

/** A deterministic pseudo-random generator (mulberry32), so that test models are reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function valueInfo(name: string, elemType: number, width: number): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: [{ dimParam: 'B' }, { dimValue: width }] } } },
  };
}

function weights(name: string, rows: number, cols: number, next: () => number, scale: number): OnnxTypes.ITensorProto {
  return { name, dims: [rows, cols], dataType: onnx.TensorProto.DataType.FLOAT, floatData: Array.from({ length: rows * cols }, () => (next() * 2 - 1) * scale) };
}

function encode(nodes: OnnxTypes.INodeProto[], inputs: OnnxTypes.IValueInfoProto[], outputs: OnnxTypes.IValueInfoProto[], initializer: OnnxTypes.ITensorProto[]): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    producerName: 'dlrs-ranking-tests',
    graph: { name: 'tiny', node: nodes, input: inputs, output: outputs, initializer },
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * A RankNet-shaped model (docs/model-contract.md): e_u, e_i [B,d], b_u, b_i [B,1] -> p [B,1],
 * p = sigmoid(e_u·e_i + e_i·w + b_u + b_i) with random w from `seed`.
 */
export function tinyRankNet(dim: number, seed = 1): Uint8Array {
  const next = random(seed);
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const ones: OnnxTypes.ITensorProto = { name: 'ones', dims: [dim, 1], dataType: FLOAT, floatData: new Array<number>(dim).fill(1) };
  return encode(
    [
      { opType: 'Mul', input: ['e_u', 'e_i'], output: ['prod'] },
      { opType: 'MatMul', input: ['prod', 'ones'], output: ['dot'] },
      { opType: 'MatMul', input: ['e_i', 'w'], output: ['lin'] },
      { opType: 'Add', input: ['dot', 'lin'], output: ['s1'] },
      { opType: 'Add', input: ['s1', 'b_u'], output: ['s2'] },
      { opType: 'Add', input: ['s2', 'b_i'], output: ['logit'] },
      { opType: 'Sigmoid', input: ['logit'], output: ['p'] },
    ],
    [valueInfo('e_u', FLOAT, dim), valueInfo('e_i', FLOAT, dim), valueInfo('b_u', FLOAT, 1), valueInfo('b_i', FLOAT, 1)],
    [valueInfo('p', FLOAT, 1)],
    [ones, weights('w', dim, 1, next, 0.5)],
  );
}

/**
 * A RankNet with the contract's architecture and random weights (for benchmarks before a
 * trained bundle exists): tower [e_u ⊕ e_i] → d → d/2 → d/4 (ELU each) → 1, plus e_u·e_i,
 * b_u and b_i in the logit; p = sigmoid(logit).
 */
export function towerRankNet(dim: number, seed = 3): Uint8Array {
  const next = random(seed);
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const widths = [2 * dim, dim, dim / 2, dim / 4, 1];
  const nodes: OnnxTypes.INodeProto[] = [
    { opType: 'Concat', input: ['e_u', 'e_i'], output: ['h0'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] },
  ];
  const initializer: OnnxTypes.ITensorProto[] = [];
  for (let layer = 1; layer < widths.length; layer += 1) {
    const last = layer === widths.length - 1;
    initializer.push(weights(`w${layer}`, widths[layer - 1], widths[layer], next, 1 / Math.sqrt(widths[layer - 1])));
    initializer.push({ name: `b${layer}`, dims: [widths[layer]], dataType: FLOAT, floatData: new Array<number>(widths[layer]).fill(0) });
    nodes.push({ opType: 'Gemm', input: [`h${layer - 1}`, `w${layer}`, `b${layer}`], output: [last ? 'tower' : `a${layer}`] });
    if (!last) nodes.push({ opType: 'Elu', input: [`a${layer}`], output: [`h${layer}`] });
  }
  initializer.push({ name: 'ones', dims: [dim, 1], dataType: FLOAT, floatData: new Array<number>(dim).fill(1) });
  nodes.push(
    { opType: 'Mul', input: ['e_u', 'e_i'], output: ['prod'] },
    { opType: 'MatMul', input: ['prod', 'ones'], output: ['dot'] },
    { opType: 'Add', input: ['tower', 'dot'], output: ['s1'] },
    { opType: 'Add', input: ['s1', 'b_u'], output: ['s2'] },
    { opType: 'Add', input: ['s2', 'b_i'], output: ['logit'] },
    { opType: 'Sigmoid', input: ['logit'], output: ['p'] },
  );
  return encode(
    nodes,
    [valueInfo('e_u', FLOAT, dim), valueInfo('e_i', FLOAT, dim), valueInfo('b_u', FLOAT, 1), valueInfo('b_i', FLOAT, 1)],
    [valueInfo('p', FLOAT, 1)],
    initializer,
  );
}

/**
 * A UserNet-shaped model: the given inputs -> e_u [B,d], b_u [B,1], e_u = Σ_k x_k W_k
 * (int32 inputs cast to float first), b_u = e_u v, with random weights from `seed`.
 */
export function tinyUserNet(inputs: readonly TinyInput[], dim: number, seed = 2): Uint8Array {
  const next = random(seed);
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const INT32 = onnx.TensorProto.DataType.INT32;
  const nodes: OnnxTypes.INodeProto[] = [];
  const initializer: OnnxTypes.ITensorProto[] = [];
  inputs.forEach((input, k) => {
    let source = input.name;
    if (input.type === 'int32') {
      source = `${input.name}_f`;
      nodes.push({ opType: 'Cast', input: [input.name], output: [source], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }] });
    }
    initializer.push(weights(`W${k}`, input.width, dim, next, input.type === 'int32' ? 0.01 : 0.5));
    nodes.push({ opType: 'MatMul', input: [source, `W${k}`], output: [`h${k}`] });
    if (k > 0) nodes.push({ opType: 'Add', input: [k === 1 ? 'h0' : `acc${k - 1}`, `h${k}`], output: [k === inputs.length - 1 ? 'e_u' : `acc${k}`] });
  });
  if (inputs.length === 1) nodes.push({ opType: 'Identity', input: ['h0'], output: ['e_u'] });
  initializer.push(weights('v', dim, 1, next, 0.5));
  nodes.push({ opType: 'MatMul', input: ['e_u', 'v'], output: ['b_u'] });
  return encode(
    nodes,
    inputs.map((input) => valueInfo(input.name, input.type === 'int32' ? INT32 : FLOAT, input.width)),
    [valueInfo('e_u', FLOAT, dim), valueInfo('b_u', FLOAT, 1)],
    initializer,
  );
}
