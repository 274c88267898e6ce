import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adultRows, fixtureModel, fixtureSample, tutorialRecord } from '../../test/fixtures/index.ts';
import { answerProblems, declarationProblem, operationFor, operationsOf, type Answer, type OpenApiDocument, type Operation } from '../../test/helpers/openapi-walk.ts';
import { adultCsv } from '../../test/helpers/jobs.ts';
import { rawRequest } from '../../test/helpers/raw-request.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

/**
 * Issue 14, "OpenAPI document": /openapi.json is valid OpenAPI 3.0, and the server does what it
 * says. The walk sends, for every operation, a valid request and cheap invalid ones, and holds
 * each answer (status, X-Request-Id, media type, body) to what the document declares for that
 * operation. Routes other modules add are walked too: one that declares no success response,
 * or that has no valid example below, fails with a message naming it.
 */

interface Step {
  /** the operation this request must hit, "METHOD /template" */
  op: string;
  path: string;
  init?: RequestInit & { admin?: boolean; json?: unknown };
  status: number;
  /** sent to a second server, serving as on the LAN (HTTPS with the local CA) */
  lan?: boolean;
}

const irisForm = (fields: Record<string, string>) => {
  const form = new FormData();
  form.set('file', new Blob([fixtureModel('iris_lr')]), 'iris.onnx');
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
};
const incomeTensors = () => {
  const record = fixtureSample('income_rf').records[0]!;
  return Object.entries(record).map(([name, v]) => ({ name, shape: [1, 1], datatype: typeof v === 'string' ? 'BYTES' : 'FP32', data: [v] }));
};
const jobForm = (fields: Record<string, string>) => {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', new Blob([adultCsv(30)]), 'adult.csv');
  return form;
};
const form = (fields: Record<string, string>) => ({ body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
const { age: _age, ...withoutAge } = tutorialRecord as Record<string, unknown>;
/** a training file for the income models (monitoring reference) */
const trainingForm = () => {
  const rows = adultRows(300);
  const columns = Object.keys(rows[0]!.record);
  const form = new FormData();
  form.set('file', new Blob([[columns.join(','), ...rows.map((r) => columns.map((c) => r.record[c]).join(','))].join('\n')]), 'train.csv');
  return form;
};

/** Valid requests first for each operation, then invalid ones; in order (later steps use what earlier ones made). */
interface WalkContext {
  requestId: number;
  algorithmId: number;
  testId: number;
  bundle: Buffer;
  /** a platform export's folder name */
  platformExport: string;
  /** a batch job, and a replay cancelled while it waits behind it */
  jobId: number;
  replayId: number;
  /** API keys made by the walk: a predict key limited to one endpoint and one request a minute */
  predictKey: { id: number; key: string };
  /** a reference profile (monitoring) and its document */
  referenceId: number;
  profile: unknown;
}

function steps(ctx: WalkContext): (() => Step)[] {
  const admin = true;
  return [
    () => ({ op: 'GET /healthz', path: '/healthz', status: 200 }),
    () => ({ op: 'GET /metrics', path: '/metrics', status: 200 }),
    () => ({ op: 'GET /v2', path: '/v2', status: 200 }),
    () => ({ op: 'GET /v2/health/live', path: '/v2/health/live', status: 200 }),
    () => ({ op: 'GET /v2/health/ready', path: '/v2/health/ready', status: 200 }),
    () => ({ op: 'GET /v2/models/{name}', path: '/v2/models/income_classifier', status: 200 }),
    () => ({ op: 'GET /v2/models/{name}', path: '/v2/models/nope', status: 404 }),
    () => ({ op: 'GET /v2/models/{name}/versions/{version}', path: '/v2/models/income_classifier/versions/0.0.1@2', status: 200 }),
    () => ({ op: 'GET /v2/models/{name}/versions/{version}', path: '/v2/models/income_classifier/versions/9', status: 404 }),
    () => ({ op: 'GET /v2/models/{name}/ready', path: '/v2/models/income_classifier/ready', status: 200 }),
    () => ({ op: 'GET /v2/models/{name}/ready', path: '/v2/models/nope/ready', status: 404 }),
    () => ({ op: 'GET /v2/models/{name}/versions/{version}/ready', path: '/v2/models/income_classifier/versions/0.0.1/ready', status: 200 }),
    () => ({ op: 'POST /v2/models/{name}/infer', path: '/v2/models/income_classifier/infer', init: { method: 'POST', json: { inputs: incomeTensors() } }, status: 200 }),
    () => ({ op: 'POST /v2/models/{name}/infer', path: '/v2/models/income_classifier/infer', init: { method: 'POST', json: { outputs: [] } }, status: 400 }),
    () => ({ op: 'POST /v2/models/{name}/infer', path: '/v2/models/income_classifier/infer', init: { method: 'POST', body: '{}', headers: { 'content-type': 'text/plain' } }, status: 415 }),
    () => ({ op: 'POST /v2/models/{name}/infer', path: '/v2/models/nope/infer', init: { method: 'POST', json: { inputs: incomeTensors() } }, status: 404 }),
    () => ({ op: 'POST /v2/models/{name}/versions/{version}/infer', path: '/v2/models/income_classifier/versions/0.0.1@2/infer', init: { method: 'POST', json: { inputs: incomeTensors() } }, status: 200 }),
    () => ({ op: 'POST /api/v1/{endpoint_name}/predict', path: '/api/v1/income_classifier/predict', init: { method: 'POST', json: tutorialRecord }, status: 200 }),
    () => ({ op: 'POST /api/v1/{endpoint_name}/predict', path: '/api/v1/income_classifier/predict', init: { method: 'POST', ...form(Object.fromEntries(Object.entries(tutorialRecord).map(([k, v]) => [k, String(v)]))) }, status: 200 }),
    () => ({ op: 'POST /api/v1/{endpoint_name}/predict', path: '/api/v1/income_classifier/predict', init: { method: 'POST', json: withoutAge }, status: 400 }),
    () => ({ op: 'POST /api/v1/{endpoint_name}/predict', path: '/api/v1/income_classifier/predict', init: { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } }, status: 415 }),
    () => ({ op: 'GET /api/v1/endpoints', path: '/api/v1/endpoints', status: 200 }),
    () => ({ op: 'GET /api/v1/endpoints/{id}', path: '/api/v1/endpoints/1', init: { admin }, status: 200 }),
    () => ({ op: 'GET /api/v1/endpoints/{id}', path: '/api/v1/endpoints/999', init: { admin }, status: 404 }),
    () => ({ op: 'PATCH /api/v1/endpoints/{id}', path: '/api/v1/endpoints/1', init: { method: 'PATCH', admin, json: { created_by: 'walk', notes: 'walked', tags: ['walk'] } }, status: 200 }),
    () => ({ op: 'PATCH /api/v1/endpoints/{id}', path: '/api/v1/endpoints/1', init: { method: 'PATCH', admin, json: { created_by: 'walk', tags: 'walk' } }, status: 400 }),
    () => ({ op: 'GET /api/v1/endpoints/{id}/compatibility', path: '/api/v1/endpoints/1/compatibility?algorithm=2', init: { admin }, status: 200 }),
    () => ({ op: 'GET /api/v1/endpoints/{id}/compatibility', path: '/api/v1/endpoints/1/compatibility', init: { admin }, status: 400 }),
    () => ({ op: 'GET /api/v1/endpoints/{id}/compatibility', path: '/api/v1/endpoints/999/compatibility?algorithm=1', init: { admin }, status: 404 }),
    () => ({ op: 'GET /api/v1/mlalgorithms', path: '/api/v1/mlalgorithms', status: 200 }),
    () => ({ op: 'POST /api/v1/mlalgorithms', path: '/api/v1/mlalgorithms', init: { method: 'POST', admin, body: irisForm({ endpoint: 'iris', name: 'lr', version: '1', feature_names: JSON.stringify(fixtureSample('iris_lr').featureNames) }) }, status: 201 }),
    () => ({ op: 'POST /api/v1/mlalgorithms', path: '/api/v1/mlalgorithms', init: { method: 'POST', admin, body: irisForm({ endpoint: 'iris', name: 'lr', version: '1' }) }, status: 409 }),
    () => ({ op: 'POST /api/v1/mlalgorithms', path: '/api/v1/mlalgorithms', init: { method: 'POST', admin, body: irisForm({ name: 'lr', version: '2' }) }, status: 400 }),
    // the iris model under the income endpoint would break its clients: 409 with the differences
    () => ({ op: 'POST /api/v1/mlalgorithms', path: '/api/v1/mlalgorithms', init: { method: 'POST', admin, body: irisForm({ endpoint: 'income_classifier', name: 'iris', version: '1' }) }, status: 409 }),
    () => ({ op: 'GET /api/v1/mlalgorithms/{id}', path: `/api/v1/mlalgorithms/${ctx.algorithmId}`, init: { admin }, status: 200 }),
    () => ({ op: 'GET /api/v1/mlalgorithms/{id}', path: '/api/v1/mlalgorithms/999', init: { admin }, status: 404 }),
    () => ({ op: 'POST /api/v1/mlalgorithms/inspect', path: '/api/v1/mlalgorithms/inspect', init: { method: 'POST', admin, body: irisForm({}) }, status: 200 }),
    () => ({ op: 'POST /api/v1/mlalgorithms/inspect', path: '/api/v1/mlalgorithms/inspect', init: { method: 'POST', admin, body: irisForm({ endpoint: 'income_classifier' }) }, status: 200 }),
    () => ({ op: 'PATCH /api/v1/mlalgorithms/{id}', path: `/api/v1/mlalgorithms/${ctx.algorithmId}`, init: { method: 'PATCH', admin, json: { created_by: 'walk', metrics: { accuracy: 0.97 }, input_example: [5.1, 3.5, 1.4, 0.2] } }, status: 200 }),
    () => ({ op: 'PATCH /api/v1/mlalgorithms/{id}', path: `/api/v1/mlalgorithms/${ctx.algorithmId}`, init: { method: 'PATCH', admin, json: { created_by: 'walk', metrics: { accuracy: 'high' } } }, status: 400 }),
    () => ({ op: 'GET /api/v1/metadatahistory', path: '/api/v1/metadatahistory?endpoint=1', init: { admin }, status: 200 }),
    () => ({ op: 'GET /api/v1/metadatahistory', path: '/api/v1/metadatahistory?endpoint=one', init: { admin }, status: 400 }),
    () => ({ op: 'GET /api/v1/mlalgorithmstatuses', path: '/api/v1/mlalgorithmstatuses', status: 200 }),
    () => ({ op: 'POST /api/v1/mlalgorithmstatuses', path: '/api/v1/mlalgorithmstatuses', init: { method: 'POST', admin, json: { status: 'staging', created_by: 'walk', parent_mlalgorithm: ctx.algorithmId } }, status: 201 }),
    () => ({ op: 'POST /api/v1/mlalgorithmstatuses', path: '/api/v1/mlalgorithmstatuses', init: { method: 'POST', admin, json: { status: 'famous', created_by: 'walk', parent_mlalgorithm: ctx.algorithmId } }, status: 400 }),
    () => ({ op: 'POST /api/v1/mlalgorithmstatuses', path: '/api/v1/mlalgorithmstatuses', init: { method: 'POST', admin, json: { status: 'staging', created_by: 'walk', parent_mlalgorithm: 999 } }, status: 404 }),
    () => ({ op: 'GET /api/v1/mlalgorithmstatuses/{id}', path: '/api/v1/mlalgorithmstatuses/1', init: { admin }, status: 200 }),
    () => ({ op: 'GET /api/v1/mlalgorithmstatuses/{id}', path: '/api/v1/mlalgorithmstatuses/999', init: { admin }, status: 404 }),
    () => ({ op: 'GET /api/v1/mlrequests', path: '/api/v1/mlrequests?page_size=5&order=desc', init: { admin }, status: 200 }),
    () => ({ op: 'GET /api/v1/mlrequests', path: '/api/v1/mlrequests?page_size=0', init: { admin }, status: 400 }),
    () => ({ op: 'GET /api/v1/mlrequests/{id}', path: `/api/v1/mlrequests/${ctx.requestId}`, init: { admin }, status: 200 }),
    () => ({ op: 'GET /api/v1/mlrequests/{id}', path: '/api/v1/mlrequests/999999', init: { admin }, status: 404 }),
    () => ({ op: 'PUT /api/v1/mlrequests/{id}', path: `/api/v1/mlrequests/${ctx.requestId}`, init: { method: 'PUT', json: { feedback: '<=50K' } }, status: 200 }),
    () => ({ op: 'PUT /api/v1/mlrequests/{id}', path: '/api/v1/mlrequests/999999', init: { method: 'PUT', json: { feedback: 'x' } }, status: 404 }),
    () => ({ op: 'PATCH /api/v1/mlrequests/{id}', path: `/api/v1/mlrequests/${ctx.requestId}`, init: { method: 'PATCH', ...form({ feedback: '>50K' }) }, status: 200 }),
    () => ({ op: 'GET /api/v1/refusals', path: '/api/v1/refusals?endpoint=income_classifier', init: { admin }, status: 200 }),
    () => ({ op: 'GET /api/v1/refusals', path: '/api/v1/refusals?from=yesterday', init: { admin }, status: 400 }),
    () => ({ op: 'GET /api/v1/monitoring/series', path: '/api/v1/monitoring/series?endpoint=income_classifier&window=1h', init: { admin }, status: 200 }),
    () => ({ op: 'GET /api/v1/monitoring/series', path: '/api/v1/monitoring/series?window=1h', init: { admin }, status: 400 }),
    () => ({ op: 'GET /api/v1/monitoring/series', path: '/api/v1/monitoring/series?endpoint=nope', init: { admin }, status: 404 }),
    () => ({ op: 'GET /api/v1/monitoring/status', path: '/api/v1/monitoring/status', init: { admin }, status: 200 }),
    () => ({ op: 'POST /api/v1/monitoring/references', path: '/api/v1/monitoring/references?algorithm=1&created_by=walk', init: { method: 'POST', admin, body: trainingForm() }, status: 201 }),
    () => ({ op: 'POST /api/v1/monitoring/references', path: '/api/v1/monitoring/references?algorithm=one', init: { method: 'POST', admin, body: trainingForm() }, status: 400 }),
    () => ({ op: 'POST /api/v1/monitoring/references', path: '/api/v1/monitoring/references?algorithm=999', init: { method: 'POST', admin, body: trainingForm() }, status: 404 }),
    () => ({ op: 'GET /api/v1/monitoring/references', path: '/api/v1/monitoring/references?algorithm=1', init: { admin }, status: 200 }),
    () => ({ op: 'GET /api/v1/monitoring/references', path: '/api/v1/monitoring/references', init: { admin }, status: 400 }),
    () => ({ op: 'GET /api/v1/monitoring/references/{id}', path: `/api/v1/monitoring/references/${ctx.referenceId}`, init: { admin }, status: 200 }),
    () => ({ op: 'GET /api/v1/monitoring/references/{id}', path: '/api/v1/monitoring/references/999', init: { admin }, status: 404 }),
    () => ({ op: 'POST /api/v1/monitoring/references/from-requests', path: '/api/v1/monitoring/references/from-requests', init: { method: 'POST', admin, json: { algorithm: 1, window: '1h', created_by: 'walk' } }, status: 201 }),
    () => ({ op: 'POST /api/v1/monitoring/references/from-requests', path: '/api/v1/monitoring/references/from-requests', init: { method: 'POST', admin, json: { algorithm: 1, window: 'soon' } }, status: 400 }),
    () => ({ op: 'POST /api/v1/monitoring/references/from-profile', path: '/api/v1/monitoring/references/from-profile', init: { method: 'POST', admin, json: { algorithm: 1, profile: ctx.profile } }, status: 201 }),
    () => ({ op: 'POST /api/v1/monitoring/references/from-profile', path: '/api/v1/monitoring/references/from-profile', init: { method: 'POST', admin, json: { algorithm: 1, profile: { profile_version: 1 } } }, status: 400 }),
    () => ({ op: 'GET /api/v1/monitoring/drift', path: '/api/v1/monitoring/drift?endpoint=income_classifier&window=24h', init: { admin }, status: 200 }),
    () => ({ op: 'GET /api/v1/monitoring/drift', path: '/api/v1/monitoring/drift?endpoint=income_classifier&window=often', init: { admin }, status: 400 }),
    () => ({ op: 'GET /api/v1/monitoring/histogram', path: '/api/v1/monitoring/histogram?algorithm=1&column=age', init: { admin }, status: 200 }),
    () => ({ op: 'GET /api/v1/monitoring/histogram', path: '/api/v1/monitoring/histogram?algorithm=1&column=shoe_size', init: { admin }, status: 400 }),
    () => ({ op: 'GET /api/v1/monitoring/histogram', path: `/api/v1/monitoring/histogram?algorithm=${ctx.algorithmId}&column=age`, init: { admin }, status: 404 }),
    () => ({ op: 'GET /api/v1/abtests', path: '/api/v1/abtests', status: 200 }),
    () => ({ op: 'POST /api/v1/abtests', path: '/api/v1/abtests', init: { method: 'POST', admin, json: { title: 'walk', created_by: 'walk', parent_mlalgorithm_1: 1, parent_mlalgorithm_2: 2 } }, status: 201 }),
    () => ({ op: 'POST /api/v1/abtests', path: '/api/v1/abtests', init: { method: 'POST', admin, json: { title: 'again', created_by: 'walk', parent_mlalgorithm_1: 1, parent_mlalgorithm_2: 2 } }, status: 409 }),
    () => ({ op: 'POST /api/v1/abtests', path: '/api/v1/abtests', init: { method: 'POST', admin, json: { created_by: 'walk' } }, status: 400 }),
    () => ({ op: 'GET /api/v1/abtests/{id}', path: `/api/v1/abtests/${ctx.testId}`, status: 200 }),
    () => ({ op: 'GET /api/v1/abtests/{id}', path: '/api/v1/abtests/999', status: 404 }),
    () => ({ op: 'PUT /api/v1/abtests/{id}', path: `/api/v1/abtests/${ctx.testId}`, init: { method: 'PUT', admin, json: { title: 'walked' } }, status: 200 }),
    () => ({ op: 'PATCH /api/v1/abtests/{id}', path: `/api/v1/abtests/${ctx.testId}`, init: { method: 'PATCH', admin, json: { created_by: 'walker' } }, status: 200 }),
    () => ({ op: 'GET /api/v1/abtests/{id}/timeline', path: `/api/v1/abtests/${ctx.testId}/timeline`, init: { admin }, status: 200 }),
    () => ({ op: 'POST /api/v1/stop_ab_test/{id}', path: `/api/v1/stop_ab_test/${ctx.testId}?dry_run=true`, init: { method: 'POST', admin, json: { keep_production: true } }, status: 200 }),
    () => ({ op: 'POST /api/v1/stop_ab_test/{id}', path: `/api/v1/stop_ab_test/${ctx.testId}?dry_run=true`, init: { method: 'POST', admin, json: { keep_production: true, force_winner: 1 } }, status: 400 }),
    () => ({ op: 'POST /api/v1/stop_ab_test/{id}', path: `/api/v1/stop_ab_test/${ctx.testId}`, init: { method: 'POST', admin, json: { force_winner: 1, reason: 'the walk', created_by: 'walk' } }, status: 200 }),
    () => ({ op: 'POST /api/v1/stop_ab_test/{id}', path: `/api/v1/stop_ab_test/${ctx.testId}`, init: { method: 'POST', admin }, status: 409 }),
    // algorithm 2 to production, then back: a rollback puts algorithm 1 back
    () => ({ op: 'POST /api/v1/mlalgorithmstatuses', path: '/api/v1/mlalgorithmstatuses', init: { method: 'POST', admin, json: { status: 'production', created_by: 'walk', parent_mlalgorithm: 2, reason: 'walk' } }, status: 201 }),
    () => ({ op: 'POST /api/v1/endpoints/{id}/rollback', path: '/api/v1/endpoints/1/rollback?dry_run=true', init: { method: 'POST', admin }, status: 200 }),
    () => ({ op: 'POST /api/v1/endpoints/{id}/rollback', path: '/api/v1/endpoints/1/rollback', init: { method: 'POST', admin, json: { created_by: 'walk' } }, status: 400 }),
    () => ({ op: 'POST /api/v1/endpoints/{id}/rollback', path: '/api/v1/endpoints/1/rollback', init: { method: 'POST', admin, json: { created_by: 'walk', reason: 'the walk' } }, status: 200 }),
    () => ({ op: 'POST /api/v1/endpoints/{id}/rollback', path: `/api/v1/endpoints/2/rollback`, init: { method: 'POST', admin, json: { created_by: 'walk', reason: 'nothing before' } }, status: 409 }),
    () => ({ op: 'POST /api/v1/endpoints/{id}/rollback', path: '/api/v1/endpoints/999/rollback?dry_run=true', init: { method: 'POST', admin }, status: 404 }),
    () => ({ op: 'GET /api/v1/registry/export', path: '/api/v1/registry/export', init: { admin }, status: 200 }),
    () => ({ op: 'POST /api/v1/registry/export/tickets', path: '/api/v1/registry/export/tickets', init: { method: 'POST', admin, json: {} }, status: 201 }),
    () => ({ op: 'POST /api/v1/registry/export/platforms', path: '/api/v1/registry/export/platforms', init: { method: 'POST', admin, json: { endpoint: 'income_classifier' } }, status: 201 }),
    () => ({ op: 'POST /api/v1/registry/export/platforms', path: '/api/v1/registry/export/platforms', init: { method: 'POST', admin, json: { endpoint: 'nope' } }, status: 404 }),
    () => ({ op: 'GET /api/v1/registry/export/platforms/{name}', path: `/api/v1/registry/export/platforms/${ctx.platformExport}`, init: { admin }, status: 200 }),
    () => ({ op: 'POST /api/v1/registry/export/platforms/{name}/tickets', path: `/api/v1/registry/export/platforms/${ctx.platformExport}/tickets`, init: { method: 'POST', admin }, status: 201 }),
    () => ({ op: 'POST /api/v1/registry/import', path: '/api/v1/registry/import?dry_run=true', init: { method: 'POST', admin, body: new Uint8Array(ctx.bundle), headers: { 'content-type': 'application/zip' } }, status: 200 }),
    () => ({ op: 'POST /api/v1/registry/import', path: '/api/v1/registry/import?dry_run=true', init: { method: 'POST', admin, body: 'not a zip', headers: { 'content-type': 'application/zip' } }, status: 400 }),
    () => ({ op: 'GET /api/v1/serving', path: '/api/v1/serving', init: { admin }, status: 200 }),
    () => ({ op: 'PATCH /api/v1/serving', path: '/api/v1/serving', init: { method: 'PATCH', admin, json: { max_batch_size: 32 } }, status: 200 }),
    () => ({ op: 'PATCH /api/v1/serving', path: '/api/v1/serving', init: { method: 'PATCH', admin, json: { max_batch_size: 0 } }, status: 400 }),
    () => ({ op: 'PUT /api/v1/serving', path: '/api/v1/serving', init: { method: 'PUT', admin, json: {} }, status: 200 }),
    () => ({ op: 'PATCH /api/v1/serving', path: '/api/v1/serving', init: { method: 'PATCH', admin, json: { log_retention_days: -1 } }, status: 400 }),
    () => ({ op: 'GET /api/v1/request-log/storage', path: '/api/v1/request-log/storage', init: { admin }, status: 200 }),
    () => ({ op: 'POST /api/v1/jobs', path: '/api/v1/jobs', init: { method: 'POST', admin, body: jobForm({ endpoint: 'income_classifier' }) }, status: 202 }),
    // queued behind the job above, and cancelled there
    () => ({ op: 'POST /api/v1/jobs/replay', path: '/api/v1/jobs/replay', init: { method: 'POST', admin, json: { endpoint: 'income_classifier', candidate_algorithm_id: 2, last: 20 } }, status: 202 }),
    () => ({ op: 'DELETE /api/v1/jobs/{id}', path: `/api/v1/jobs/${ctx.replayId}`, init: { method: 'DELETE', admin }, status: 200 }),
    () => ({ op: 'POST /api/v1/jobs', path: '/api/v1/jobs', init: { method: 'POST', admin, body: jobForm({ endpoint: 'nope' }) }, status: 400 }),
    () => ({ op: 'POST /api/v1/jobs', path: '/api/v1/jobs', init: { method: 'POST', admin, json: { endpoint: 'income_classifier', path: '/etc/passwd' } }, status: 400 }),
    () => ({ op: 'POST /api/v1/jobs/replay', path: '/api/v1/jobs/replay', init: { method: 'POST', admin, json: { endpoint: 'income_classifier', candidate_algorithm_id: 2, last: 0 } }, status: 400 }),
    // the stream ends when the job does
    () => ({ op: 'GET /api/v1/jobs/{id}/events', path: `/api/v1/jobs/${ctx.jobId}/events`, init: { admin }, status: 200 }),
    () => ({ op: 'GET /api/v1/jobs/{id}', path: `/api/v1/jobs/${ctx.jobId}`, init: { admin }, status: 200 }),
    () => ({ op: 'GET /api/v1/jobs', path: '/api/v1/jobs', init: { admin }, status: 200 }),
    () => ({ op: 'GET /api/v1/jobs/{id}/result', path: `/api/v1/jobs/${ctx.jobId}/result`, init: { admin }, status: 200 }),
    () => ({ op: 'GET /api/v1/jobs/{id}/errors', path: `/api/v1/jobs/${ctx.jobId}/errors`, init: { admin }, status: 200 }),
    () => ({ op: 'GET /api/v1/jobs/{id}/result', path: `/api/v1/jobs/${ctx.replayId}/result`, init: { admin }, status: 404 }),
    () => ({ op: 'POST /api/v1/jobs/{id}/tickets', path: `/api/v1/jobs/${ctx.jobId}/tickets`, init: { method: 'POST', admin, json: { file: 'result' } }, status: 201 }),
    () => ({ op: 'POST /api/v1/jobs/{id}/tickets', path: `/api/v1/jobs/${ctx.jobId}/tickets`, init: { method: 'POST', admin, json: { file: 'input' } }, status: 400 }),
    () => ({ op: 'DELETE /api/v1/jobs/{id}', path: `/api/v1/jobs/${ctx.jobId}`, init: { method: 'DELETE', admin }, status: 409 }),
    // the completed job's input as a drift reference; a replay has none; the iris version is another endpoint's
    () => ({ op: 'POST /api/v1/monitoring/references/from-job', path: '/api/v1/monitoring/references/from-job', init: { method: 'POST', admin, json: { job: ctx.jobId, created_by: 'walk' } }, status: 201 }),
    () => ({ op: 'POST /api/v1/monitoring/references/from-job', path: '/api/v1/monitoring/references/from-job', init: { method: 'POST', admin, json: { job: ctx.replayId } }, status: 409 }),
    () => ({ op: 'POST /api/v1/monitoring/references/from-job', path: '/api/v1/monitoring/references/from-job', init: { method: 'POST', admin, json: { job: 999 } }, status: 404 }),
    () => ({ op: 'POST /api/v1/monitoring/references/from-job', path: '/api/v1/monitoring/references/from-job', init: { method: 'POST', admin, json: { job: ctx.jobId, algorithm: ctx.algorithmId } }, status: 400 }),
    () => ({ op: 'POST /api/v1/monitoring/references/from-job', path: '/api/v1/monitoring/references/from-job', init: { method: 'POST', admin, json: { job: 'last' } }, status: 400 }),
    // access control (issue 17): keys, the audit log, the access switches, the local CA
    () => ({ op: 'POST /api/v1/keys', path: '/api/v1/keys', init: { method: 'POST', admin, json: { name: 'walk', scope: 'predict', endpoints: ['income_classifier'], rate_limit: 1 / 60 } }, status: 201 }),
    () => ({ op: 'POST /api/v1/keys', path: '/api/v1/keys', init: { method: 'POST', admin, json: { name: 'walk', scope: 'read' } }, status: 409 }),
    () => ({ op: 'POST /api/v1/keys', path: '/api/v1/keys', init: { method: 'POST', admin, json: { name: 'walk 2', scope: 'owner' } }, status: 400 }),
    () => ({ op: 'GET /api/v1/keys', path: '/api/v1/keys', init: { admin }, status: 200 }),
    // a predict key: another endpoint is 403, its second request within its rate limit 429 (both counted as refusals)
    () => ({ op: 'POST /api/v1/{endpoint_name}/predict', path: '/api/v1/iris/predict', init: { method: 'POST', json: {}, headers: { authorization: `Bearer ${ctx.predictKey.key}` } }, status: 403 }),
    () => ({ op: 'POST /api/v1/{endpoint_name}/predict', path: '/api/v1/income_classifier/predict', init: { method: 'POST', json: tutorialRecord, headers: { authorization: `Bearer ${ctx.predictKey.key}` } }, status: 200 }),
    () => ({ op: 'POST /api/v1/{endpoint_name}/predict', path: '/api/v1/income_classifier/predict', init: { method: 'POST', json: tutorialRecord, headers: { authorization: `Bearer ${ctx.predictKey.key}` } }, status: 429 }),
    () => ({ op: 'GET /api/v1/mlalgorithms', path: '/api/v1/mlalgorithms', init: { headers: { authorization: `Bearer ${ctx.predictKey.key}` } }, status: 403 }),
    () => ({ op: 'DELETE /api/v1/keys/{id}', path: `/api/v1/keys/${ctx.predictKey.id}`, init: { method: 'DELETE', admin }, status: 200 }),
    () => ({ op: 'DELETE /api/v1/keys/{id}', path: '/api/v1/keys/999', init: { method: 'DELETE', admin }, status: 404 }),
    () => ({ op: 'GET /api/v1/audit', path: '/api/v1/audit?action=key.&page_size=5', init: { admin }, status: 200 }),
    () => ({ op: 'GET /api/v1/audit', path: '/api/v1/audit?from=yesterday', init: { admin }, status: 400 }),
    () => ({ op: 'GET /api/v1/audit/facets', path: '/api/v1/audit/facets', init: { admin }, status: 200 }),
    () => ({ op: 'GET /api/v1/access', path: '/api/v1/access', init: { admin }, status: 200 }),
    () => ({ op: 'PATCH /api/v1/access', path: '/api/v1/access', init: { method: 'PATCH', admin, json: { strict: false } }, status: 200 }),
    () => ({ op: 'PATCH /api/v1/access', path: '/api/v1/access', init: { method: 'PATCH', admin, json: { strict: 'yes' } }, status: 400 }),
    () => ({ op: 'GET /api/v1/access/ca.pem', path: '/api/v1/access/ca.pem', status: 404 }),
    () => ({ op: 'GET /api/v1/access/ca.pem', path: '/api/v1/access/ca.pem', status: 200, lan: true }),
    () => ({ op: 'GET /api/v1/endpoints', path: '/api/v1/endpoints', status: 401, lan: true }),
    // last: the iris version never served, so it may be deleted; a version that served may not
    () => ({ op: 'DELETE /api/v1/mlalgorithms/{id}', path: `/api/v1/mlalgorithms/${ctx.algorithmId}`, init: { method: 'DELETE', admin }, status: 200 }),
    () => ({ op: 'DELETE /api/v1/mlalgorithms/{id}', path: '/api/v1/mlalgorithms/1', init: { method: 'DELETE', admin }, status: 409 })
  ];
}

describe('the OpenAPI document', () => {
  let server: TestServer;
  let lan: TestServer;
  let document: OpenApiDocument;
  let operations: Operation[];
  const read = async (res: Response): Promise<Answer> => ({ status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) });
  /** a request to the LAN server, over HTTPS verified against its CA (fetch would not take the CA) */
  const readLan = async (step: Step): Promise<Answer> => {
    const res = await rawRequest({ port: lan.port, path: step.path, method: step.init?.method ?? 'GET', ca: lan.tls!.ca!.pem });
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value);
    return { status: res.status, headers, body: Buffer.from(res.body) };
  };
  beforeAll(async () => {
    server = await startTestServer();
    lan = await startTestServer({ lan: true, seed: false });
    const served = (await (await server.request('/openapi.json')).json()) as Parameters<typeof SwaggerParser.dereference>[0];
    document = (await SwaggerParser.dereference(structuredClone(served))) as unknown as OpenApiDocument;
    operations = operationsOf(document);
  });
  afterAll(async () => {
    await server.stop();
    await lan.stop();
  });

  it('is valid OpenAPI 3.0 by @apidevtools/swagger-parser', async () => {
    const served = (await (await server.request('/openapi.json')).json()) as Parameters<typeof SwaggerParser.validate>[0] & { openapi: string };
    expect(served.openapi).toMatch(/^3\.0\.\d$/);
    await expect(SwaggerParser.validate(served)).resolves.toBeTruthy();
  });

  it('declares a success response with a body schema for every operation', () => {
    expect(operations.map(declarationProblem).filter((p) => p !== null)).toEqual([]);
  });

  it('answers every step as it declares: a valid request and cheap invalid ones per operation', async () => {
    const ctx: WalkContext = { requestId: 0, algorithmId: 0, testId: 0, bundle: Buffer.alloc(0), platformExport: '', jobId: 0, replayId: 0, predictKey: { id: 0, key: '' }, referenceId: 0, profile: null };
    const problems: string[] = [];
    for (const make of steps(ctx)) {
      const step = make();
      const op = operationFor(operations, step.init?.method ?? 'GET', step.path);
      if (op?.key !== step.op) {
        problems.push(`${step.op}: the document has no such operation (the request hit ${op?.key ?? 'nothing'})`);
        continue;
      }
      const answer = step.lan ? await readLan(step) : await read(await server.request(step.path, step.init));
      if (answer.status !== step.status) problems.push(`${step.op} ${step.path}: expected ${step.status}, got ${answer.status}: ${answer.body.toString().slice(0, 300)}`);
      problems.push(...answerProblems(op, answer));
      const json = answer.headers.get('content-type') === 'application/json' ? JSON.parse(answer.body.toString()) : null;
      if (step.op === 'POST /api/v1/{endpoint_name}/predict' && answer.status === 200) ctx.requestId = json.request_id;
      if (step.op === 'POST /api/v1/mlalgorithms' && answer.status === 201) ctx.algorithmId = json.id;
      if (step.op === 'POST /api/v1/abtests' && answer.status === 201) ctx.testId = json.id;
      if (step.op === 'GET /api/v1/registry/export') ctx.bundle = answer.body;
      if (step.op === 'POST /api/v1/registry/export/platforms' && answer.status === 201) ctx.platformExport = json.name;
      if (step.op === 'POST /api/v1/jobs' && answer.status === 202) ctx.jobId = json.id;
      if (step.op === 'POST /api/v1/jobs/replay' && answer.status === 202) ctx.replayId = json.id;
      if (step.op === 'POST /api/v1/keys' && answer.status === 201) ctx.predictKey = { id: json.id, key: json.key };
      if (step.op === 'POST /api/v1/monitoring/references' && answer.status === 201) ctx.referenceId = json.id;
      if (step.op === 'GET /api/v1/monitoring/references/{id}' && answer.status === 200) ctx.profile = json.profile;
    }
    expect(problems).toEqual([]);
  });

  it('answers requests without the token, and with a wrong one, as declared (401) on every secured operation', async () => {
    const problems: string[] = [];
    for (const op of operations.filter((o) => o.operation.security?.some((s) => 'bearer' in s))) {
      const path = op.template.replace(/\{[^}]+\}/g, '1');
      // a credential is optional where the document also lists the empty requirement (the open
      // routes, on loopback): there only a wrong one is refused
      const optional = op.operation.security!.some((s) => Object.keys(s).length === 0);
      for (const authorization of optional ? ['Bearer wrong'] : [undefined, 'Bearer wrong']) {
        const res = await server.request(path, { method: op.method, ...(authorization ? { headers: { authorization } } : {}) });
        const answer = await read(res);
        if (answer.status !== 401) problems.push(`${op.key} without a valid token: ${answer.status}`);
        if (authorization && res.headers.get('www-authenticate') !== 'Bearer error="invalid_token"') problems.push(`${op.key}: WWW-Authenticate ${res.headers.get('www-authenticate')}`);
        problems.push(...answerProblems(op, answer));
      }
    }
    expect(problems).toEqual([]);
  });

  it('has a valid example in the walk for every operation (a route added without one is named here)', () => {
    const walked = new Set(
      steps({ requestId: 1, algorithmId: 1, testId: 1, bundle: Buffer.alloc(0), platformExport: 'x', jobId: 1, replayId: 2, predictKey: { id: 1, key: 'x' }, referenceId: 1, profile: {} })
        .map((make) => make())
        .filter((s) => s.status < 300)
        .map((s) => s.op)
    );
    expect(operations.map((o) => o.key).filter((key) => !walked.has(key))).toEqual([]);
  });

  it('answers a request for an unknown id on every operation with a path parameter as declared', async () => {
    const problems: string[] = [];
    for (const op of operations.filter((o) => o.template.includes('{'))) {
      const path = op.template.replace(/\{[^}]+\}/g, '987654');
      const answer = await read(await server.request(path, { method: op.method, admin: true, ...(op.operation.requestBody ? { json: {} } : {}) }));
      if (answer.status < 400) problems.push(`${op.key} with unknown ids answered ${answer.status}`);
      problems.push(...answerProblems(op, answer));
    }
    expect(problems).toEqual([]);
  });
});
