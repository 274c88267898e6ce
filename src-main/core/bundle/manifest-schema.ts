import { Type, type Static } from 'typebox';
import {
  AbMetricSchema,
  AbModeSchema,
  AbTestStateSchema,
  AlgorithmStatusSchema,
  OutputKindSchema,
  RequestStatusSchema,
  TaskSchema
} from '../../contract/enums.ts';
import { ReferenceProfile } from '../monitoring/drift/profile-schema.ts';

/**
 * The bundle manifest (docs/BUNDLE.md). This TypeBox module is the source of truth; the
 * checked-in manifest.schema.json beside it is generated from it (manifest-schema.test.ts
 * fails when they drift) so tools outside ModelDesk can validate bundles too.
 *
 * Everything refers to algorithms by natural key (endpoint, name, version), never by the
 * exporting machine's integer ids, which mean nothing on another machine.
 */

/**
 * The format this ModelDesk writes and the newest it reads. Bump only with a migration path.
 * 2 added `registry_id` and each request line's `origin` (issue 12 §4); format 1 bundles are
 * still read: their request rows merge only into algorithms the import creates.
 */
export const bundleFormatVersion = 2;
/** the first format whose request lines carry their origin */
export const originsSinceFormat = 2;

export const manifestEntry = 'manifest.json';
export const requestsEntry = 'requests.jsonl';
export const artifactEntry = (sha256: string): string => `artifacts/${sha256}.onnx`;

const timestamp = Type.String({ format: 'date-time' });
const nullableTimestamp = Type.Union([timestamp, Type.Null()]);
const text = Type.String();
const sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const endpointName = Type.String({ pattern: '^[a-z0-9_-]+$', minLength: 1, maxLength: 128 });
const key = Type.String({ minLength: 1, maxLength: 256 });
const scalar = Type.Union([Type.String(), Type.Number()]);
const registryId = Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$', description: "a registry's stable id (a UUID made on its first start)" });

export const AlgorithmRef = Type.Object(
  { endpoint: endpointName, name: key, version: key },
  { additionalProperties: false, description: 'an algorithm by natural key' }
);

const TensorInfo = Type.Object(
  {
    name: Type.String(),
    type: Type.String(),
    shape: Type.Union([Type.Array(Type.Union([Type.Integer(), Type.String(), Type.Null()])), Type.Null()])
  },
  { additionalProperties: true }
);

/** What inference needs of a signature; extra fields are kept (forward compatible). */
const Signature = Type.Object(
  {
    inputs: Type.Array(TensorInfo, { minItems: 1 }),
    outputs: Type.Array(TensorInfo, { minItems: 1 }),
    opsets: Type.Array(Type.Object({ domain: Type.String(), version: Type.Integer() })),
    producer: Type.String(),
    irVersion: Type.Integer(),
    task: TaskSchema,
    classes: Type.Union([Type.Array(scalar), Type.Null()]),
    labelOutput: Type.Union([Type.String(), Type.Null()]),
    probabilityOutput: Type.Union([Type.String(), Type.Null()]),
    zipmap: Type.Boolean(),
    batchable: Type.Boolean()
  },
  { additionalProperties: true }
);

const tags = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 32 });

export const ManifestEndpoint = Type.Object(
  {
    name: endpointName,
    description: text,
    owner: text,
    created_at: timestamp,
    // issue 12 §5; optional so bundles written before them still read
    notes: Type.Optional(text),
    tags: Type.Optional(tags),
    free_text_feedback: Type.Optional(Type.Boolean({ description: "feedback may be any text, not only one of a classifier's classes" }))
  },
  { additionalProperties: false }
);

export const ManifestAlgorithm = Type.Object(
  {
    endpoint: endpointName,
    name: key,
    version: key,
    description: text,
    owner: text,
    code: text,
    artifact_sha256: sha256,
    artifact_bytes: Type.Integer({ minimum: 1 }),
    signature: Signature,
    task: TaskSchema,
    classes: Type.Union([Type.Array(scalar), Type.Null()]),
    positive_class: Type.Union([scalar, Type.Null()]),
    threshold: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]),
    feature_names: Type.Union([Type.Array(Type.String()), Type.Null()]),
    created_at: timestamp,
    // issue 12 §5; optional so bundles written before them still read
    notes: Type.Optional(text),
    tags: Type.Optional(tags),
    metrics: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 64 }), Type.Number(), { description: 'name → number, e.g. accuracy' })),
    input_example: Type.Optional(Type.Unknown({ description: 'a record the model accepts (JSON), or null' })),
    // optional: bundles written before ModelDesk stored them read as null (decided when loaded)
    output_kind: Type.Optional(Type.Union([OutputKindSchema, Type.Null()], { description: "classifiers: what the score output holds" })),
    handles_missing: Type.Optional(Type.Union([Type.Boolean(), Type.Null()], { description: 'whether null in a record reaches the model as missing' }))
  },
  { additionalProperties: false }
);

export const ManifestStatus = Type.Object(
  {
    algorithm: AlgorithmRef,
    status: AlgorithmStatusSchema,
    active: Type.Boolean(),
    created_by: text,
    reason: text,
    created_at: timestamp
  },
  { additionalProperties: false, description: 'one row of an algorithm\'s append-only status history, in original order' }
);

export const ManifestAbTest = Type.Object(
  {
    endpoint: endpointName,
    title: Type.String({ minLength: 1 }),
    mode: AbModeSchema,
    metric: AbMetricSchema,
    created_by: text,
    created_at: timestamp,
    ended_at: nullableTimestamp,
    state: AbTestStateSchema,
    summary: Type.Union([Type.String(), Type.Null()]),
    result: Type.Unknown({ description: 'structured result computed at stop (any JSON), or null' }),
    arms: Type.Array(
      Type.Object(
        { position: Type.Integer({ minimum: 0 }), algorithm: AlgorithmRef, weight: Type.Number({ exclusiveMinimum: 0 }) },
        { additionalProperties: false }
      ),
      { minItems: 1 }
    )
  },
  { additionalProperties: false }
);

export const ManifestMetadataChange = Type.Object(
  {
    endpoint: endpointName,
    /** null: an edit of the endpoint's own metadata */
    algorithm: Type.Union([AlgorithmRef, Type.Null()]),
    changes: Type.Record(Type.String(), Type.Object({ before: Type.Unknown(), after: Type.Unknown() }), { description: 'field → value before and after' }),
    created_by: text,
    reason: text,
    created_at: timestamp
  },
  { additionalProperties: false, description: 'one edit of an endpoint\'s or an algorithm\'s metadata, in original order' }
);

export const ManifestRequests = Type.Object(
  {
    path: Type.Literal(requestsEntry),
    count: Type.Integer({ minimum: 0 }),
    bytes: Type.Integer({ minimum: 0 }),
    sha256
  },
  { additionalProperties: false, description: 'the request log, one JSON object per line in requests.jsonl' }
);

/** One audit log entry (issue 17 §4): carried for the record; an import does not replay it. */
export const ManifestAuditEntry = Type.Object(
  {
    created_at: timestamp,
    actor: Type.String(),
    client_address: Type.Union([Type.String(), Type.Null()]),
    action: Type.String(),
    endpoint: Type.Union([endpointName, Type.Null()]),
    summary: Type.String()
  },
  { additionalProperties: false }
);

export const ManifestReferenceProfile = Type.Object(
  {
    algorithm: AlgorithmRef,
    source: Type.String(),
    description: text,
    created_by: text,
    created_at: timestamp,
    profile: ReferenceProfile
  },
  { additionalProperties: false, description: 'an algorithm\'s active reference profile for drift (issue 15)' }
);

export const Manifest = Type.Object(
  {
    format_version: Type.Integer({ minimum: 1 }),
    app_version: Type.String(),
    registry_id: Type.Optional(registryId),
    created_at: timestamp,
    endpoints: Type.Array(ManifestEndpoint),
    algorithms: Type.Array(ManifestAlgorithm),
    statuses: Type.Array(ManifestStatus),
    ab_tests: Type.Array(ManifestAbTest),
    requests: Type.Union([ManifestRequests, Type.Null()]),
    /** the metadata history (issue 12 §5); optional so bundles written before it still read */
    metadata_changes: Type.Optional(Type.Array(ManifestMetadataChange)),
    audit: Type.Optional(
      Type.Array(ManifestAuditEntry, { description: 'the audit log at export (of the exported endpoints when some were chosen), oldest first' })
    ),
    /** optional: bundles of ModelDesk versions before monitoring have none */
    reference_profiles: Type.Optional(Type.Array(ManifestReferenceProfile))
  },
  { additionalProperties: false }
);

/** One line of requests.jsonl. input/response are kept as the exact JSON text that was logged. */
export const RequestLine = Type.Object(
  {
    algorithm: AlgorithmRef,
    ab_test: Type.Union([
      Type.Object({ title: Type.String(), created_at: timestamp }, { additionalProperties: false }),
      Type.Null()
    ]),
    shadow: Type.Boolean(),
    input: Type.String(),
    response: Type.String(),
    label: Type.String(),
    status: RequestStatusSchema,
    latency_us: Type.Integer({ minimum: 0 }),
    client_key: Type.Union([Type.String(), Type.Null()]),
    /** the call's X-Request-Id; absent in bundles written before it was logged */
    client_request_id: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    feedback: Type.Union([Type.String(), Type.Null()]),
    feedback_at: nullableTimestamp,
    created_at: timestamp,
    origin: Type.Optional(
      Type.Object(
        { registry_id: registryId, request_id: Type.Integer({ minimum: 1 }) },
        {
          additionalProperties: false,
          description: 'where the row was first logged: a registry and its request id there (required from format 2)'
        }
      )
    )
  },
  { additionalProperties: false }
);

export type AlgorithmRef = Static<typeof AlgorithmRef>;
export type Manifest = Static<typeof Manifest>;
export type ManifestEndpoint = Static<typeof ManifestEndpoint>;
export type ManifestAlgorithm = Static<typeof ManifestAlgorithm>;
export type ManifestStatus = Static<typeof ManifestStatus>;
export type ManifestAbTest = Static<typeof ManifestAbTest>;
export type ManifestRequests = Static<typeof ManifestRequests>;
export type ManifestMetadataChange = Static<typeof ManifestMetadataChange>;
export type ManifestAuditEntry = Static<typeof ManifestAuditEntry>;
export type ManifestReferenceProfile = Static<typeof ManifestReferenceProfile>;
export type RequestLine = Static<typeof RequestLine>;
export type RequestOrigin = NonNullable<RequestLine['origin']>;

/** The document written to manifest.schema.json: the manifest, with a requests.jsonl line under definitions. */
export function manifestJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `urn:modeldesk:bundle-manifest:${bundleFormatVersion}`,
    title: `ModelDesk registry bundle manifest (manifest.json), format version ${bundleFormatVersion} (reads 1 too)`,
    ...JSON.parse(JSON.stringify(Manifest)),
    definitions: { request_line: JSON.parse(JSON.stringify(RequestLine)) }
  };
}
