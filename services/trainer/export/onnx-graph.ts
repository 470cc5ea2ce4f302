import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** The ONNX opset every exported network targets (Gemm, Elu, Gather, ReduceSum with axes input). */
export const ONNX_OPSET = 17;
/** IR version 8 matches opset 17 and is read by every onnxruntime since 1.10. */
const IR_VERSION = 8;
/** The symbolic name of the dynamic batch dimension. */
export const BATCH_DIM = 'batch';

type Dim = number | typeof BATCH_DIM;
type ElemType = 'float' | 'int32';

const ELEM_TYPE: Record<ElemType | 'int64', number> = {
  float: onnx.TensorProto.DataType.FLOAT,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
};

/**
 * Builds one ONNX graph through the onnx-proto schema (no hand-written bytes): inputs,
 * outputs with a dynamic batch dimension, float32 initializers and nodes.
 */
export class OnnxGraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private counter = 0;

  constructor(private readonly name: string) {}

  input(name: string, type: ElemType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  output(name: string, type: ElemType, dims: Dim[]): void {
    this.outputs.push(valueInfo(name, type, dims));
  }

  /** A float32 constant (weights), copied out of the training buffers. */
  floatTensor(name: string, dims: number[], data: Float32Array): string {
    const copy = Float32Array.from(data);
    this.initializers.push({ name, dims, dataType: ELEM_TYPE.float, rawData: new Uint8Array(copy.buffer) });
    return name;
  }

  /** An int64 constant (axes inputs of Unsqueeze / ReduceSum). */
  int64Tensor(name: string, values: number[]): string {
    const data = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims: [values.length], dataType: ELEM_TYPE.int64, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  /** Adds a node and returns its (single) output name; `out` names a graph output. */
  node(opType: string, inputs: string[], attributes: onnxProto.onnx.IAttributeProto[] = [], out?: string): string {
    const output = out ?? `${opType.toLowerCase()}_${this.counter++}`;
    this.nodes.push({ opType, input: inputs, output: [output], name: `${opType}_${this.nodes.length}`, attribute: attributes });
    return output;
  }

  /** y = x · W + b as one Gemm. */
  gemm(x: string, w: string, b: string, out?: string): string {
    return this.node('Gemm', [x, w, b], [], out);
  }

  elu(x: string): string {
    return this.node('Elu', [x], [{ name: 'alpha', type: onnx.AttributeProto.AttributeType.FLOAT, f: 1 }]);
  }

  concat(xs: string[]): string {
    return this.node('Concat', xs, [intAttribute('axis', 1)]);
  }

  /** Serialised ModelProto bytes. */
  encode(): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'dlrs',
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

/** An INT attribute (e.g. keepdims). */
export function intAttribute(name: string, i: number): onnxProto.onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i };
}

function valueInfo(name: string, type: ElemType, dims: Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM_TYPE[type],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
