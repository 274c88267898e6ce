import { Type, type Static, type TSchema } from 'typebox';
import { AlgorithmStatusSchema, OutputKindSchema, RequestStatusSchema, TaskSchema } from './enums.ts';
import { BreakingChangeFields, CompatibilityBody, ContractDifference, InputContractBody } from './input-contract.ts';

/**
 * The HTTP contract's shapes (DESIGN §4). Field names follow the classic tutorial API
 * (seed-api.md) and are public: add fields, never rename them. The renderer imports these
 * types (and the enums in enums.ts), so the UI and the server cannot drift apart.
 */

export const ErrorBody = Type.Object(
  {
    status: Type.Literal('Error'),
    message: Type.String(),
    /** the field at fault (the first one, when several are) */
    field: Type.Optional(Type.String()),
    /** every bad field, when a request has several (registration reports them all at once) */
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
    /** 409 for a change that would break an endpoint's input contract: what differs */
    differences: Type.Optional(Type.Array(ContractDifference))
  }
);

const timestamp = Type.String({ format: 'date-time' });
const json = Type.Unknown();

const tags = Type.Array(Type.String());

export const EndpointBody = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  owner: Type.String(),
  created_at: timestamp,
  description: Type.String(),
  notes: Type.String(),
  tags,
  /** feedback may be any text; otherwise a classifier's feedback must be one of its classes */
  allow_free_text_feedback: Type.Boolean(),
  /** what clients send and read (GET /endpoints/{id} only); null while the endpoint has no algorithm */
  contract: Type.Optional(Type.Union([InputContractBody, Type.Null()]))
});

export const TensorInfoBody = Type.Object(
  {
    name: Type.String(),
    type: Type.String(),
    shape: Type.Union([Type.Array(Type.Union([Type.Integer(), Type.String(), Type.Null()])), Type.Null()]),
    range: Type.Optional(
      Type.Array(Type.Integer(), { minItems: 2, maxItems: 2, description: 'ids an integer input takes: it indexes a table (an embedding) of that many rows' })
    )
  },
  { additionalProperties: true }
);

export const OutputKindHintBody = Type.Object({
  output: Type.String({ description: "the output read as the classifier's scores" }),
  kind: OutputKindSchema,
  because: Type.String({ description: 'why, in words (e.g. "the graph ends in Softmax")' })
});

export const SignatureBody = Type.Object(
  {
    inputs: Type.Array(TensorInfoBody),
    outputs: Type.Array(TensorInfoBody),
    task: TaskSchema,
    classes: Type.Union([Type.Array(Type.Union([Type.String(), Type.Number()])), Type.Null()]),
    zipmap: Type.Boolean(),
    batchable: Type.Boolean(),
    imputes: Type.Optional(Type.Boolean({ description: 'the graph handles missing values itself (Imputer, IsNaN, trees routing NaN)' })),
    outputKindHint: Type.Optional(
      Type.Union([OutputKindHintBody, Type.Null()], { description: 'output_kind suggested from the graph, for tensor classifiers' })
    )
  },
  { additionalProperties: true }
);

export const AlgorithmBody = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  code: Type.String(),
  version: Type.String(),
  owner: Type.String(),
  created_at: timestamp,
  parent_endpoint: Type.Integer(),
  current_status: Type.Union([AlgorithmStatusSchema, Type.Null()]),
  endpoint: Type.String(),
  task: TaskSchema,
  classes: Type.Union([Type.Array(Type.Union([Type.String(), Type.Number()])), Type.Null()]),
  positive_class: Type.Union([Type.String(), Type.Number(), Type.Null()]),
  threshold: Type.Union([Type.Number(), Type.Null()]),
  feature_names: Type.Union([Type.Array(Type.String()), Type.Null()]),
  output_kind: Type.Union([OutputKindSchema, Type.Null()], {
    description: "classifiers: what the score output holds (probabilities, logits: softmax/sigmoid applied, scores: label only); null for other models"
  }),
  handles_missing: Type.Union([Type.Boolean(), Type.Null()], {
    description: 'whether null in a record reaches the model as a missing value (else a 400); null: decided from the graph when loaded'
  }),
  artifact_sha256: Type.String(),
  artifact_bytes: Type.Integer(),
  signature: SignatureBody,
  notes: Type.String(),
  tags,
  /** name → number, e.g. {"accuracy": 0.8635} */
  metrics: Type.Record(Type.String(), Type.Number()),
  /** a record this model accepts, for the Playground and the snippets; null when none */
  input_example: Type.Unknown()
});

export const InspectionBody = Type.Object({
  signature: SignatureBody,
  classes: Type.Union([Type.Array(Type.Union([Type.String(), Type.Number()])), Type.Null()]),
  bytes: Type.Integer(),
  /** when `endpoint` names an existing endpoint: the model against its input contract */
  compatibility: Type.Optional(CompatibilityBody)
});

export const AlgorithmStatusBody = Type.Object({
  id: Type.Integer(),
  active: Type.Boolean(),
  status: AlgorithmStatusSchema,
  created_by: Type.String(),
  created_at: timestamp,
  parent_mlalgorithm: Type.Integer(),
  reason: Type.String()
});

export const SetStatusRequest = Type.Object({
  status: AlgorithmStatusSchema,
  created_by: Type.String({ minLength: 1, maxLength: 128 }),
  parent_mlalgorithm: Type.Union([Type.Integer(), Type.String({ pattern: '^[0-9]+$' })]),
  reason: Type.Optional(Type.String({ maxLength: 1000 })),
  promote_mlalgorithm: Type.Optional(
    Type.Union([Type.Integer(), Type.String({ pattern: '^[0-9]+$' })], {
      description:
        'Another algorithm of the same endpoint, promoted to production first in the same transaction: how the production ' +
        'algorithm is archived (or demoted) without leaving the endpoint without production.'
    })
  ),
  stop_serving: Type.Optional(
    Type.Boolean({
      description:
        'true: the production algorithm may leave production with no successor, and unpinned predictions of the endpoint ' +
        'are refused (400) from then on. Needs a reason.'
    })
  ),
  ...BreakingChangeFields
});

export const MLRequestBody = Type.Object({
  id: Type.Integer(),
  input_data: Type.String(),
  full_response: Type.String(),
  response: Type.String(),
  feedback: Type.Union([Type.String(), Type.Null()]),
  created_at: timestamp,
  parent_mlalgorithm: Type.Integer(),
  endpoint: Type.Integer(),
  ab_test: Type.Union([Type.Integer(), Type.Null()]),
  status: RequestStatusSchema,
  latency_us: Type.Integer(),
  client_key: Type.Union([Type.String(), Type.Null()]),
  api_key: Type.Union([Type.Integer(), Type.Null()], { description: 'id of the API key that made the prediction (GET /api/v1/keys); null: the admin token or none' }),
  feedback_at: Type.Union([Type.String(), Type.Null()]),
  shadow: Type.Boolean(),
  client_request_id: Type.Union([Type.String(), Type.Null()], { description: 'the X-Request-Id of the call (the client\'s, or generated and answered in that header)' })
});

/** A page in Django REST framework's shape, as the tutorial's request log (and the audit log) answer. */
export const PageOf = <T extends TSchema>(item: T) =>
  Type.Object({
    count: Type.Integer(),
    next: Type.Union([Type.String(), Type.Null()]),
    previous: Type.Union([Type.String(), Type.Null()]),
    results: Type.Array(item)
  });

export const MLRequestPage = PageOf(MLRequestBody);

export const MLRequestQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  endpoint: Type.Optional(Type.String({ description: 'endpoint name or id' })),
  algorithm: Type.Optional(Type.Integer()),
  ab_test: Type.Optional(Type.Integer()),
  status: Type.Optional(RequestStatusSchema),
  api_key: Type.Optional(Type.Integer({ description: 'only predictions made with this API key (its id)' })),
  client_request_id: Type.Optional(Type.String({ maxLength: 200, description: 'the X-Request-Id a prediction was sent (or answered) with' })),
  feedback: Type.Optional(Type.Boolean({ description: 'true: only with feedback; false: only without' })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')]))
});

export const FeedbackRequest = Type.Object({
  feedback: Type.Optional(Type.Union([Type.String({ maxLength: 10000 }), Type.Number(), Type.Boolean(), Type.Null()]))
});

export const PredictQuery = Type.Object({
  status: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
  algorithm_id: Type.Optional(Type.Integer()),
  client_key: Type.Optional(Type.String({ maxLength: 256 }))
});

/**
 * One record's answer (DESIGN §4.1): the classic keys first (probability, label, status,
 * request_id), then ModelDesk's. Declared once: the core builds its answers as this type, and a
 * test checks real answers of every fixture model against it (classic-answer.test.ts).
 */
export const PredictionResponse = Type.Object(
  {
    probability: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
    label: Type.Optional(Type.Union([Type.String(), Type.Number()])),
    prediction: Type.Optional(Type.Union([Type.Number(), Type.Array(Type.Number())])),
    status: RequestStatusSchema,
    message: Type.Optional(Type.String({ description: 'why the model failed (status "Error")' })),
    request_id: Type.Union([Type.Integer(), Type.Null()]),
    probabilities: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Number()), Type.Null()])),
    algorithm_id: Type.Integer(),
    version: Type.String(),
    ab_test_id: Type.Union([Type.Integer(), Type.Null()]),
    outputs: Type.Optional(Type.Record(Type.String(), json, { description: "the model's raw outputs, by name" }))
  },
  { additionalProperties: false }
);

/** An array of records answers `{"predictions": [...], "status": "OK"}`, one answer per record, in order. */
export const BatchPredictionResponse = Type.Object(
  {
    predictions: Type.Array(PredictionResponse),
    status: Type.Literal('OK')
  },
  { additionalProperties: false }
);

export type Endpoint = Static<typeof EndpointBody>;
export type Algorithm = Static<typeof AlgorithmBody>;
export type AlgorithmStatus = Static<typeof AlgorithmStatusBody>;
export type MLRequest = Static<typeof MLRequestBody>;
export type MLRequestList = Static<typeof MLRequestPage>;
export type Prediction = Static<typeof PredictionResponse>;
export type ApiError = Static<typeof ErrorBody>;
export type Inspection = Static<typeof InspectionBody>;
export type Signature = Static<typeof SignatureBody>;
