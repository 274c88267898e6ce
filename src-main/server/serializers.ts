import type { Algorithm as AlgorithmBody, AlgorithmStatus as StatusBody, Endpoint as EndpointBody, MLRequest } from '../contract/classic.ts';
import type { MetadataChange as MetadataChangeBody } from '../contract/metadata.ts';
import type { MetadataChange } from '../core/registry/metadata.ts';
import type { LoggedRequest } from '../core/requests/request-log.ts';
import type { Algorithm, AlgorithmStatus, Endpoint } from '../core/registry/types.ts';

/** Core objects → the classic API's field names (seed-api.md §4), plus ModelDesk's additions. */

export const endpointBody = (e: Endpoint): EndpointBody => ({
  id: e.id,
  name: e.name,
  owner: e.owner,
  created_at: e.createdAt,
  description: e.description,
  notes: e.notes,
  tags: e.tags,
  allow_free_text_feedback: e.freeTextFeedback
});

export const algorithmBody = (a: Algorithm): AlgorithmBody => ({
  id: a.id,
  name: a.name,
  description: a.description,
  code: a.code,
  version: a.version,
  owner: a.owner,
  created_at: a.createdAt,
  parent_endpoint: a.endpointId,
  current_status: a.currentStatus,
  endpoint: a.endpointName,
  task: a.task,
  classes: a.classes,
  positive_class: a.positiveClass,
  threshold: a.threshold,
  feature_names: a.featureNames,
  // rows written before output kinds were stored: a classifier's scores were probabilities
  output_kind: a.outputKind ?? (a.task === 'classification' ? 'probabilities' : null),
  handles_missing: a.handlesMissing,
  artifact_sha256: a.artifactSha256,
  artifact_bytes: a.artifactBytes,
  signature: a.signature,
  notes: a.notes,
  tags: a.tags,
  metrics: a.metrics,
  input_example: a.inputExample
});

export const statusBody = (s: AlgorithmStatus): StatusBody => ({
  id: s.id,
  active: s.active,
  status: s.status,
  created_by: s.createdBy,
  created_at: s.createdAt,
  parent_mlalgorithm: s.algorithmId,
  reason: s.reason
});

export const metadataChangeBody = (c: MetadataChange): MetadataChangeBody => ({
  id: c.id,
  endpoint: c.endpointId,
  algorithm: c.algorithmId,
  changes: c.changes,
  created_by: c.createdBy,
  reason: c.reason,
  created_at: c.createdAt
});

export const requestBody = (r: LoggedRequest): MLRequest => ({
  id: r.id,
  input_data: r.input,
  full_response: r.response,
  response: r.label,
  feedback: r.feedback,
  created_at: r.createdAt,
  parent_mlalgorithm: r.algorithmId,
  endpoint: r.endpointId,
  ab_test: r.abTestId,
  status: r.status,
  latency_us: r.latencyUs,
  client_key: r.clientKey,
  api_key: r.apiKeyId,
  feedback_at: r.feedbackAt,
  shadow: r.shadow,
  client_request_id: r.clientRequestId
});
