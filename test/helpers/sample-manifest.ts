import type { Manifest } from '../../src-main/core/bundle/manifest-schema.ts';

/** A small valid bundle manifest: endpoint iris, algorithms lr 1 (production) and lr 2 (testing). */
export const sampleManifest = (): Manifest => ({
  format_version: 1,
  app_version: '0.1.0',
  created_at: '2024-06-01T00:00:00.000Z',
  endpoints: [{ name: 'iris', description: '', owner: 'ana', created_at: '2024-01-01T00:00:00.000Z' }],
  algorithms: ['1', '2'].map((version) => ({
    endpoint: 'iris',
    name: 'lr',
    version,
    description: '',
    owner: 'ana',
    code: '',
    artifact_sha256: version.repeat(64),
    artifact_bytes: 100,
    signature: {
      inputs: [{ name: 'x', type: 'float32', shape: [null, 4] }],
      outputs: [{ name: 'label', type: 'int64', shape: [null] }],
      opsets: [{ domain: '', version: 15 }],
      producer: 'skl2onnx',
      irVersion: 8,
      task: 'classification',
      classes: [0, 1, 2],
      labelOutput: 'label',
      probabilityOutput: null,
      zipmap: false,
      batchable: true
    },
    task: 'classification',
    classes: [0, 1, 2],
    positive_class: null,
    threshold: null,
    feature_names: ['a', 'b', 'c', 'd'],
    created_at: '2024-01-01T00:00:00.000Z'
  })),
  statuses: [
    { algorithm: { endpoint: 'iris', name: 'lr', version: '1' }, status: 'production', active: true, created_by: 'ana', reason: '', created_at: '2024-01-01T00:00:00.000Z' },
    { algorithm: { endpoint: 'iris', name: 'lr', version: '2' }, status: 'testing', active: true, created_by: 'ana', reason: '', created_at: '2024-01-01T00:00:00.000Z' }
  ],
  ab_tests: [],
  requests: null
});
