import { Alert, Autocomplete, Button, Center, Collapse, Grid, Group, Loader, Modal, Paper, Select, SimpleGrid, Stack, Text, TextInput, Textarea, UnstyledButton } from '@mantine/core';
import { useState } from 'react';
import { ApiError, errorMessage } from '../api/client.ts';
import { useUploadReference } from '../api/monitoring.ts';
import { useEndpoints, useInspect, useRegister, type RegisterFields } from '../api/registry.ts';
import type { Algorithm, AlgorithmStatusValue, Inspection } from '../api/types.ts';
import { formatBytes } from '../lib/format.ts';
import { useUserName } from '../lib/user.ts';
import { FilePicker } from './FilePicker.tsx';
import { IconChevronDown } from './icons.tsx';
import { SignatureTable } from './SignatureTable.tsx';

const initialStatuses: { value: AlgorithmStatusValue; label: string }[] = [
  { value: 'testing', label: 'Testing (not serving)' },
  { value: 'staging', label: 'Staging' },
  { value: 'production', label: 'Production (serves the endpoint)' }
];

const fieldsShown = new Set(['file', 'endpoint', 'name', 'version', 'description', 'owner', 'code', 'status', 'feature_names', 'classes', 'positive_class', 'threshold', 'output_kind', 'handles_missing']);

interface Props { opened: boolean; defaultEndpoint?: string | undefined; onClose: () => void; onRegistered: (a: Algorithm) => void }

/** Register: the file and its signature on the left, the metadata on the right; server errors in place. */
export function RegisterModelModal(props: Props) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title="Register a model" size={1040}>
      {props.opened && <RegisterForm {...props} />}
    </Modal>
  );
}

function RegisterForm({ defaultEndpoint, onClose, onRegistered }: Omit<Props, 'opened'>) {
  const [user] = useUserName();
  const endpoints = useEndpoints();
  const inspect = useInspect();
  const register = useRegister();
  const [file, setFile] = useState<File | null>(null);
  // optional training data: the reference profile drift is measured against, set right after registration
  const [reference, setReference] = useState<File | null>(null);
  const uploadReference = useUploadReference();
  const [registered, setRegistered] = useState<Algorithm | null>(null);
  const [advanced, setAdvanced] = useState(false);
  const [fields, setFields] = useState<RegisterFields>({
    endpoint: defaultEndpoint ?? '', name: '', version: '1.0.0', description: '', owner: user, code: '',
    status: 'testing', feature_names: '', classes: '', positive_class: '', threshold: '', output_kind: '', handles_missing: '', created_by: user
  });
  const serverError = register.error instanceof ApiError ? register.error : null;
  const set = (key: keyof RegisterFields) => (value: string) => {
    // editing the field the server complained about clears the complaint
    if (serverError?.field === key) register.reset();
    setFields((f) => ({ ...f, [key]: value }));
  };
  const fieldError = (key: string): string | undefined => {
    const error = register.error ?? (key === 'file' ? inspect.error : null);
    return error instanceof ApiError && error.field === key ? error.message : undefined;
  };
  const choice = (key: keyof RegisterFields): ChoiceProps => ({
    value: fields[key],
    onChange: (value) => set(key)(value ?? ''),
    allowDeselect: false,
    error: fieldError(key)
  });
  const input = (key: keyof RegisterFields) => ({
    value: fields[key],
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => set(key)(e.currentTarget.value),
    error: fieldError(key)
  });

  const pick = (picked: File | null) => {
    setFile(picked);
    register.reset();
    inspect.reset();
    if (!picked) return;
    if (!fields.name) set('name')(picked.name.replace(/\.onnx$/i, '').replace(/[_-]+/g, ' '));
    inspect.mutate(picked);
  };
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!file) return;
    register.mutate(
      { file, fields: { ...fields, created_by: fields.created_by || fields.owner } },
      {
        onSuccess: (algorithm) => {
          if (!reference) return onRegistered(algorithm);
          setRegistered(algorithm);
          uploadReference.mutate({ algorithm: algorithm.id, file: reference, createdBy: fields.created_by || fields.owner }, { onSuccess: () => onRegistered(algorithm) });
        }
      }
    );
  };

  const signature = inspect.data?.signature;
  const input0 = signature?.inputs.length === 1 ? signature.inputs[0] : undefined;
  const wantsFeatureNames = input0?.shape?.length === 2 && input0.shape[1] !== 1;
  // a tensor model (PyTorch, Keras) whose output may be a classifier's scores: ask for classes up front
  const tensorClassifier = signature?.task !== 'classification' && !!signature?.outputKindHint;
  const generalError = register.error && !(serverError?.field && fieldsShown.has(serverError.field));
  const inspectError = inspect.error && !(inspect.error instanceof ApiError && inspect.error.field) ? errorMessage(inspect.error) : undefined;

  return (
    <form onSubmit={submit} noValidate data-testid="register-modal">
      <Grid gap="xl">
        <Grid.Col span={5}>
          <Stack gap="md">
            <FilePicker
              label="Model file"
              description="An .onnx file, e.g. exported with skl2onnx, tf2onnx or torch.onnx"
              extensions={['onnx']}
              kind="ONNX model"
              testId="register-file"
              file={file}
              onPick={pick}
              error={fieldError('file') ?? inspectError}
            />
            <SignaturePreview pending={inspect.isPending} inspection={inspect.data} />
            <FilePicker
              label="Reference data (optional)"
              description="Its training data, CSV or JSON Lines with columns named like the inputs: drift is measured against it"
              extensions={['csv', 'tsv', 'jsonl', 'json']}
              kind="training data"
              testId="register-reference"
              file={reference}
              onPick={setReference}
            />
          </Stack>
        </Grid.Col>
        <Grid.Col span={7}>
          <Stack gap="sm">
            <SimpleGrid cols={2}>
              <Autocomplete
                label="Endpoint"
                description="Existing or new (a-z, 0-9, _ and -)"
                data={endpoints.data?.map((e) => e.name) ?? []}
                value={fields.endpoint}
                onChange={set('endpoint')}
                error={fieldError('endpoint')}
                required
                data-testid="register-endpoint"
              />
              <TextInput label="Version" description="Unique per endpoint and name" required {...input('version')} data-testid="register-version" />
            </SimpleGrid>
            <TextInput label="Name" required {...input('name')} data-testid="register-name" />
            <Textarea label="Description" autosize minRows={2} maxRows={4} {...input('description')} data-testid="register-description" />
            <SimpleGrid cols={2}>
              <TextInput label="Owner" {...input('owner')} data-testid="register-owner" />
              <Select label="Initial status" data={initialStatuses} value={fields.status} onChange={(v) => set('status')(v ?? 'testing')} allowDeselect={false} error={fieldError('status')} data-testid="register-status" />
            </SimpleGrid>
            {(wantsFeatureNames || fields.feature_names) && (
              <TextInput
                label="Feature names"
                description="JSON array naming the columns of the single 2-D input, in order"
                placeholder='["sepal length (cm)", "sepal width (cm)", …]'
                {...input('feature_names')}
                data-testid="register-feature-names"
              />
            )}
            {tensorClassifier && (
              <ClassifierFields input={input} choice={choice} suggested={signature!.outputKindHint!.kind} />
            )}
            <UnstyledButton onClick={() => setAdvanced((o) => !o)} aria-expanded={advanced} data-testid="register-advanced">
              <Group gap={4}>
                <IconChevronDown size={14} style={{ transform: advanced ? 'rotate(180deg)' : undefined }} />
                <Text size="sm" c="dimmed">Advanced: training notes, {tensorClassifier ? '' : 'classes, '}threshold, missing values</Text>
              </Group>
            </UnstyledButton>
            <Collapse expanded={advanced}>
              <Stack gap="sm">
                <Textarea label="Training notes or code link" autosize minRows={2} {...input('code')} />
                <SimpleGrid cols={3}>
                  {!tensorClassifier && <TextInput label="Classes" description="JSON array, if the model has none" {...input('classes')} />}
                  <TextInput label="Positive class" description="Binary classifiers" {...input('positive_class')} />
                  <TextInput label="Threshold" description="0 to 1, binary" {...input('threshold')} />
                </SimpleGrid>
                <Select
                  label="Missing values (null in a record)"
                  description={signature?.imputes ? 'The graph imputes them (it has an Imputer, IsNaN or trees that route them)' : 'The graph has no imputation: null is refused unless you say the model handles it'}
                  data={[
                    { value: '', label: signature ? `As the graph says (${signature.imputes ? 'handled' : 'refused'})` : 'As the graph says' },
                    { value: 'true', label: 'The model handles them: pass null on as missing' },
                    { value: 'false', label: 'Refuse null with a 400' }
                  ]}
                  {...choice('handles_missing')}
                  data-testid="register-handles-missing"
                />
              </Stack>
            </Collapse>
          </Stack>
        </Grid.Col>
      </Grid>
      {generalError && <Alert color="red" mt="md" data-testid="register-error">{errorMessage(register.error)}</Alert>}
      {registered && uploadReference.isError && (
        <Alert color="orange" mt="md" title={`${registered.name} ${registered.version} is registered, but its reference data was refused`} data-testid="register-reference-error">
          {errorMessage(uploadReference.error)} Set a reference later on the Monitoring page.
        </Alert>
      )}
      <Group justify="flex-end" mt="lg">
        <Button variant="default" onClick={onClose}>Cancel</Button>
        {registered ? (
          <Button onClick={() => onRegistered(registered)} loading={uploadReference.isPending} data-testid="register-done">Done</Button>
        ) : (
          <Button type="submit" loading={register.isPending} disabled={!file || inspect.isPending} data-testid="register-submit">
            Register
          </Button>
        )}
      </Group>
    </form>
  );
}

/** What a Select of the form takes: its field's value ('' = not given) and the server's complaint about it. */
interface ChoiceProps {
  value: string;
  onChange: (value: string | null) => void;
  allowDeselect: false;
  error: string | undefined;
}

const outputKinds = [
  { value: 'probabilities', label: 'Probabilities' },
  { value: 'logits', label: 'Logits (softmax / sigmoid applied)' },
  { value: 'scores', label: 'Scores (label only)' }
];

const classesHelp = 'JSON array in score-column order; with classes the model answers labels and probabilities';

/** Classes and output kind for a tensor model: with them it answers like any classifier (issue 12 §2). */
function ClassifierFields({ input, choice, suggested }: {
  input: (key: keyof RegisterFields) => { value: string; onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => void; error: string | undefined };
  choice: (key: keyof RegisterFields) => ChoiceProps;
  suggested: string;
}) {
  return (
    <SimpleGrid cols={2}>
      <TextInput label="Classes" description={classesHelp} placeholder='["cat", "dog", "bird"]' {...input('classes')} data-testid="register-classes" />
      <Select
        label="Output holds"
        description={`Suggested from the graph: ${outputKinds.find((k) => k.value === suggested)?.label.toLowerCase() ?? suggested}`}
        data={[{ value: '', label: `As suggested (${suggested})` }, ...outputKinds]}
        {...choice('output_kind')}
        data-testid="register-output-kind"
      />
    </SimpleGrid>
  );
}

function SignaturePreview({ pending, inspection }: { pending: boolean; inspection: Inspection | undefined }) {
  if (pending) {
    return (
      <Center mih={160}>
        <Group gap="xs"><Loader size="xs" /><Text size="sm" c="dimmed">Reading the model's signature…</Text></Group>
      </Center>
    );
  }
  if (!inspection) {
    return (
      <Paper withBorder p="lg" mih={160} style={{ borderStyle: 'dashed' }}>
        <Center mih={120}>
          <Text size="sm" c="dimmed" ta="center">Choose a file to see its inputs and outputs, read from the model before anything is saved.</Text>
        </Center>
      </Paper>
    );
  }
  return (
    <Stack gap={6} data-testid="signature-preview">
      <Text size="sm" fw={500}>Signature read from the file · {formatBytes(inspection.bytes)}</Text>
      <SignatureTable signature={inspection.signature} />
      {inspection.signature.outputKindHint && inspection.signature.task !== 'classification' && (
        <Text size="xs" c="dimmed" data-testid="output-kind-hint">
          Output <span className="md-mono">{inspection.signature.outputKindHint.output}</span> looks like{' '}
          <b>{inspection.signature.outputKindHint.kind}</b>: {inspection.signature.outputKindHint.because}. Give classes to serve it as a classifier.
        </Text>
      )}
    </Stack>
  );
}
