import { Type, type Static } from 'typebox';

/**
 * Moving to Triton, KServe or Seldon (issue 19 §1–2) over HTTP: POST /registry/export/platforms
 * writes the export into the data directory (`<data>/exports/<name>/`) and answers with what it
 * wrote; GET /registry/export/platforms/{name} streams that folder as a ZIP. The renderer imports
 * these types only. The same export runs from the CLI (`export --format triton OUT_DIR`).
 */

/** where the manifests' storageUri points when the request names none: a PersistentVolumeClaim called modeldesk */
export const defaultStorageUri = 'pvc://modeldesk';

export const PlatformExportRequest = Type.Object(
  {
    endpoint: Type.Optional(Type.String({ description: 'export one endpoint (by name); absent = every endpoint' })),
    storage_uri: Type.Optional(
      Type.String({ description: `where the folder will be uploaded (s3://…, gs://…, pvc://…); the manifests' storageUri start with it. Default ${defaultStorageUri}` })
    ),
    namespace: Type.Optional(Type.String({ description: 'metadata.namespace of every Kubernetes manifest' })),
    parity_requests: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'logged requests per version the parity check replays (default 100)' })),
    tolerance: Type.Optional(Type.Number({ minimum: 0, description: 'float difference the parity check allows, × max(1, |value|) (default 1e-6)' })),
    include_archived: Type.Optional(Type.Boolean({ description: 'also export archived versions' }))
  },
  { additionalProperties: false }
);

export const PlatformModel = Type.Object({
  name: Type.String({ description: 'the model folder in triton/: <endpoint>__<algorithm>__<version>' }),
  endpoint: Type.String(),
  algorithm_id: Type.Integer(),
  algorithm: Type.String(),
  version: Type.String(),
  status: Type.Union([Type.String(), Type.Null()]),
  max_batch_size: Type.Integer(),
  dynamic_batching: Type.Boolean(),
  labels: Type.Boolean({ description: 'a labels.txt names the probability columns' }),
  zipmap_rewritten: Type.Boolean()
});

export const PlatformParity = Type.Object({
  model: Type.String(),
  algorithm_id: Type.Integer(),
  input_example: Type.Boolean({ description: 'the algorithm\'s input example was checked' }),
  requests: Type.Integer({ description: 'logged requests answered the same' }),
  largest_difference: Type.Number()
});

export const PlatformExportBody = Type.Object({
  name: Type.String({ description: 'the export folder\'s name under <data>/exports/' }),
  out_dir: Type.String({ description: 'the folder on the server' }),
  triton_repository: Type.String({ description: 'out_dir/triton: pass to tritonserver --model-repository' }),
  models: Type.Array(PlatformModel),
  manifests: Type.Array(Type.String({ description: 'Kubernetes manifests, relative to out_dir' })),
  parity: Type.Array(PlatformParity),
  warnings: Type.Array(Type.String()),
  download: Type.Object({
    url: Type.String({ description: 'GET this path once, within a minute, without the Authorization header: the folder as a ZIP' }),
    expires_at: Type.String({ format: 'date-time' })
  })
});

export const ParityMismatchBody = Type.Object({
  model: Type.String(),
  algorithm_id: Type.Integer(),
  source: Type.Union([Type.Literal('input_example'), Type.Literal('request')]),
  request_id: Type.Union([Type.Integer(), Type.Null()]),
  field: Type.String({ description: 'label, probability, probabilities, prediction, outputs.<name>, or input' }),
  expected: Type.Unknown({ description: 'what ModelDesk answered' }),
  actual: Type.Unknown({ description: 'what the exported graph answers' })
});

/** 409: the export was stopped before anything was written; every differing answer is listed. */
export const ParityErrorBody = Type.Object({
  status: Type.Literal('Error'),
  message: Type.String(),
  field: Type.Literal('parity'),
  mismatches: Type.Array(ParityMismatchBody)
});

export type PlatformExportRequest = Static<typeof PlatformExportRequest>;
export type PlatformExportResult = Static<typeof PlatformExportBody>;
export type ParityMismatch = Static<typeof ParityMismatchBody>;
export type ParityErrorAnswer = Static<typeof ParityErrorBody>;
