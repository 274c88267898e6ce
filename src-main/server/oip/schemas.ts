import { Type } from 'typebox';
import { oipDatatypes } from './binary-tensors.ts';

/**
 * The Open Inference Protocol v2 REST shapes, as open_inference_rest.yaml and inference_rest.md
 * define them (test/standards/open-inference-protocol/), for validating requests and for
 * /openapi.json. Tensor data may be nested to any depth; the schema names one level of nesting
 * and tensor-inputs.ts checks the rest. Parameter values are strings, numbers or booleans
 * (inference_rest.md §Parameters).
 */

export const OipError = Type.Object({ error: Type.String() }, { description: 'inference_rest.md: the error object of every v2 route' });

/** 503 of a readiness route: the protocol's error object, with what a probe and a person need (issue 20 item 6) */
export const ServerNotReady = Type.Object(
  { ready: Type.Literal(false), error: Type.String({ description: 'what stops the server serving, in words' }) },
  { description: 'not ready: a storage fault or a model that cannot serve' }
);
export const ModelNotReady = Type.Object(
  { name: Type.String(), ready: Type.Literal(false), error: Type.String({ description: 'why the model cannot serve' }) },
  { description: 'not ready: its model file is missing or altered, or storage fails' }
);

export const OipParameters = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), {
  description: 'values are strings, numbers or booleans'
});

const scalar = Type.Union([Type.Number(), Type.String(), Type.Boolean()]);
export const TensorData = Type.Array(Type.Union([scalar, Type.Array(Type.Unknown())]), {
  description: 'row-major elements, flat or nested (arrays of arrays of numbers, strings or booleans, to any depth)'
});

const Shape = Type.Array(Type.Integer({ minimum: 0 }), { description: 'the tensor\'s dimensions; the first is the batch' });
const MetadataShape = Type.Array(Type.Integer({ minimum: -1 }), { description: '-1 for a dimension of any size' });
const Datatype = Type.String({ description: `one of ${oipDatatypes.join(', ')}` });

export const MetadataTensor = Type.Object({ name: Type.String(), datatype: Datatype, shape: MetadataShape });

export const ServerMetadata = Type.Object({
  name: Type.String(),
  version: Type.String(),
  extensions: Type.Array(Type.String(), { description: 'binary_tensor_data: Triton\'s binary tensor data extension' })
});

export const ModelMetadata = Type.Object({
  name: Type.String(),
  versions: Type.Array(Type.String(), {
    description: 'each live algorithm of the endpoint once: its version, or <version>@<algorithm id> when another algorithm has the same version'
  }),
  platform: Type.String(),
  inputs: Type.Array(MetadataTensor),
  outputs: Type.Array(MetadataTensor),
  parameters: Type.Optional(OipParameters)
});

export const ServerLive = Type.Object({ live: Type.Boolean() });
export const ServerReady = Type.Object({ ready: Type.Boolean() });
export const ModelReady = Type.Object({ name: Type.String(), ready: Type.Boolean() });

export const RequestInput = Type.Object({
  name: Type.String(),
  shape: Shape,
  datatype: Datatype,
  parameters: Type.Optional(OipParameters),
  data: TensorData
});

export const RequestOutput = Type.Object({
  name: Type.String(),
  parameters: Type.Optional(OipParameters)
});

export const InferRequest = Type.Object(
  {
    id: Type.Optional(Type.String()),
    parameters: Type.Optional(OipParameters),
    inputs: Type.Array(RequestInput),
    outputs: Type.Optional(Type.Array(RequestOutput))
  },
  { description: 'KServe\'s client also sends "model_name", which is ignored' }
);

export const ResponseOutput = Type.Object({
  name: Type.String(),
  shape: Shape,
  datatype: Datatype,
  parameters: Type.Optional(OipParameters),
  data: Type.Optional(TensorData)
});

export const InferResponse = Type.Object({
  model_name: Type.String(),
  model_version: Type.Optional(Type.String()),
  id: Type.Optional(Type.String()),
  parameters: Type.Optional(OipParameters),
  outputs: Type.Array(ResponseOutput, { description: 'an output sent as binary data has parameters.binary_data_size instead of data' })
});

export const binaryBodyDescription =
  'Triton\'s binary tensor data extension: the JSON inference request or response, Inference-Header-Content-Length bytes long, ' +
  'followed by the binary data of each tensor whose parameters give binary_data_size, in order (little-endian, row-major; ' +
  'BYTES elements each a 4-byte little-endian length and the bytes).';
