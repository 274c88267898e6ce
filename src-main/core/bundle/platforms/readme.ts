/** The export's README.md: what is where, what changed on the way (ZipMap, labels), how to run it. */
import type { PreparedModel } from './models.ts';
import type { ParityResult } from './parity.ts';
import { labelsFileName } from './triton-config.ts';

export interface ReadmeInput {
  createdAt: string;
  storageUri: string;
  models: PreparedModel[];
  /** relative paths of the Kubernetes manifests */
  manifests: string[];
  parity: ParityResult[];
  /** the parity check's float tolerance (× max(1, |value|)) */
  tolerance: number;
  warnings: string[];
}

const code = (text: string): string => `\`${text}\``;

function batchingText(m: PreparedModel): string {
  if (!m.facts.batchable) return '0 (fixed batch dimension: never batched)';
  const { maxBatchSize, maxWaitUs } = m.facts.batching;
  if (maxBatchSize <= 1) return '1 (batching off)';
  return `${maxBatchSize}, dynamic batching, queue delay ${maxWaitUs} µs`;
}

function modelTable(models: PreparedModel[]): string[] {
  return [
    '| Triton model | endpoint | algorithm | version | status | max_batch_size | labels |',
    '|---|---|---|---|---|---|---|',
    ...models.map((m) => {
      const a = m.algorithm;
      const labels = m.labels ? `${labelsFileName} (${a.classes!.length} classes)` : '—';
      return `| ${code(m.name)} | ${a.endpointName} | ${a.name} | ${a.version} | ${a.currentStatus ?? ''} | ${batchingText(m)} | ${labels} |`;
    })
  ];
}

function answerRules(models: PreparedModel[]): string[] {
  const lines = [
    '## Reading answers the way ModelDesk does',
    '',
    'Triton returns the graph\'s tensors. ModelDesk\'s answer (`label`, `probability`, `probabilities`,',
    '`prediction`) is read from them like this, and the parity check below compared exactly that:',
    '',
    `- \`probabilities\`: the probability output's row, column *j* named by line *j* of ${labelsFileName}`,
    '  (Triton\'s classification extension uses the same file when a client asks for `class_count`).',
    '- `label`: the label output; for an algorithm with a threshold, the positive class when its',
    '  probability is at least the threshold, else the other class.',
    '- `probability`: for two classes, the probability of the positive class (the second one unless',
    '  the algorithm names another); otherwise the probability of the label.',
    '- `prediction` (regression): the single output\'s value.',
    ''
  ];
  const special = models.filter((m) => m.algorithm.threshold !== null || m.algorithm.positiveClass !== null);
  for (const m of special) {
    const a = m.algorithm;
    const parts = [
      a.positiveClass !== null ? `positive class ${JSON.stringify(a.positiveClass)}` : null,
      a.threshold !== null ? `threshold ${a.threshold}` : null
    ].filter(Boolean);
    lines.push(`- ${code(m.name)}: ${parts.join(', ')}.`);
  }
  if (special.length) lines.push('');
  return lines;
}

export function exportReadme(input: ReadmeInput): string {
  const zipmaps = input.models.filter((m) => m.signature.zipmap);
  const dropped = input.models.filter((m) => m.dropped.length);
  const lines = [
    '# ModelDesk export: Triton, KServe and Seldon Core v2',
    '',
    `Written ${input.createdAt} by ModelDesk. Every model here answered its input example and its last`,
    'logged requests as ModelDesk did before this folder was written (see the end).',
    '',
    '## Layout',
    '',
    '```',
    'triton/<model>/config.pbtxt   a Triton model repository (tritonserver --model-repository=…/triton)',
    'triton/<model>/1/model.onnx   the graph ModelDesk serves',
    `triton/<model>/${labelsFileName}    class names of the probability columns (classifiers)`,
    'kserve/<model>/<endpoint>/…   the same model as a one-model repository, named after its endpoint',
    'kubernetes/kserve/<endpoint>.yaml          KServe InferenceService (production)',
    'kubernetes/kserve/<endpoint>.canary.yaml   the running A/B test as a KServe canary step',
    'kubernetes/seldon/<endpoint>.yaml          Seldon Core v2 Models (+ Experiment while a test runs)',
    '```',
    '',
    'Model names are `<endpoint>__<algorithm>__<version>`, with characters other than letters, digits,',
    '`.`, `_` and `-` written as `_`.',
    '',
    ...modelTable(input.models),
    '',
    '## ZipMap and labels',
    '',
    'scikit-learn classifiers exported by skl2onnx end in a ZipMap node that turns the probability',
    'tensor into a list of {class: probability} maps. Neither onnxruntime-node nor Triton\'s ONNX',
    'Runtime backend can return that type, so ModelDesk serves a rewritten graph in which the ZipMap',
    'is an Identity of the float tensor [N, classes] it wrapped; that rewritten graph is the',
    'model.onnx here. The class names the ZipMap carried are in each model\'s labels file, referenced',
    `from the output's \`label_filename\` in config.pbtxt.`,
    zipmaps.length ? `Rewritten here: ${zipmaps.map((m) => code(m.name)).join(', ')}.` : 'No model in this export had a ZipMap.',
    '',
    ...answerRules(input.models),
    '## Batching and threads',
    '',
    "`max_batch_size` is ModelDesk's largest batch for that algorithm and `dynamic_batching` its",
    'window: `max_queue_delay_microseconds` is ModelDesk\'s batching wait (0 there means "run what is',
    'queued, no timer", which is also what 0 means to Triton), the preferred size its largest batch. A',
    'model with a fixed batch dimension gets `max_batch_size: 0` and its full shape in `dims`; other',
    'dims leave the batch dimension out, and an output shaped `[N]` is declared as `[1]` with',
    '`reshape: { shape: [ ] }`. `intra_op_thread_count` is the onnxruntime thread count ModelDesk runs',
    'the model with (a different count can change the last bits of a float answer).',
    '',
    '## Running it',
    '',
    '```bash',
    'docker run --rm -p 8000:8000 -v "$PWD/triton:/models" nvcr.io/nvidia/tritonserver:<yy.mm>-py3 \\',
    '  tritonserver --model-repository=/models',
    'curl localhost:8000/v2/models/<model>        # inputs, outputs, data types',
    '```',
    '',
    'String inputs are `BYTES` on the wire (`TYPE_STRING` in config.pbtxt); each one-column input of a',
    'scikit-learn pipeline takes shape `[rows, 1]`.',
    '',
    `Kubernetes: upload this folder to ${code(input.storageUri)} (the storage URI the manifests use), then`,
    '`kubectl apply -f` the files below. KServe\'s canary needs its serverless (Knative) mode; each',
    'canary file says in which order to apply it.',
    '',
    ...input.manifests.map((path) => `- ${path}`),
    ''
  ];
  if (dropped.length) {
    lines.push('## Outputs Triton cannot return', '');
    for (const m of dropped) lines.push(`- ${code(m.name)}: ${m.dropped.join(', ')} (not tensors; left out of config.pbtxt)`);
    lines.push('');
  }
  if (input.warnings.length) lines.push('## Warnings', '', ...input.warnings.map((w) => `- ${w}`), '');
  lines.push(
    '## Checked before writing',
    '',
    'Each model.onnx, loaded in onnxruntime as Triton\'s ONNX Runtime backend loads it, answered the input',
    'example and the last logged requests of its version as ModelDesk did: labels, strings and integers',
    input.tolerance === 0
      ? 'equal, floats bit for bit.'
      : `equal, floats within ${input.tolerance.toExponential()} × max(1, |value|). Floats may differ in their last bits because a`,
    ...(input.tolerance === 0
      ? []
      : ['float answer depends on the batch it ran in (linear models; tree ensembles agree bit for bit), and', "Triton's dynamic batcher groups requests its own way."]),
    '',
    '| Triton model | input example | logged requests | largest float difference |',
    '|---|---|---|---|'
  );
  for (const r of input.parity) {
    lines.push(`| ${code(r.model)} | ${r.inputExample ? 'same answer' : 'none given'} | ${r.requests} same answers | ${r.largestDifference} |`);
  }
  lines.push('');
  return lines.join('\n');
}
