import { Alert, Autocomplete, Button, Collapse, Grid, Group, Modal, Select, SimpleGrid, Stack, Text, TextInput, Textarea, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { ApiError, errorMessage } from '../api/client.ts';
import { useAlgorithms, useEndpoints, useInspection, useRegister, type RegisterFields } from '../api/registry.ts';
import type { Algorithm, AlgorithmStatusValue, Compatibility } from '../api/types.ts';
import { parseFeatureNames } from '../lib/feature-names.ts';
import { useUploadReference } from '../api/monitoring.ts';
import { useUserName } from '../lib/user.ts';
import { BreakingConsent, consentGiven, ContractDiff, type Consent } from './ContractDiff.tsx';
import { FilePicker } from './FilePicker.tsx';
import { IconChevronDown } from './icons.tsx';
import { metricsOf, MetricsInput, type MetricRow } from './MetricsInput.tsx';
import { ClassifierFields, MissingValuesField, type ChoiceProps } from './ClassifierFields.tsx';
import { SignaturePreview } from './SignaturePreview.tsx';

const initialStatuses: { value: AlgorithmStatusValue; label: string }[] = [
  { value: 'testing', label: 'Testing (not serving)' },
  { value: 'staging', label: 'Staging' },
  { value: 'production', label: 'Production (serves the endpoint)' }
];

/** Fields with a place in the form: a server error about one of them is shown under it. */
const fieldsShown = new Set(['file', 'endpoint', 'name', 'version', 'description', 'owner', 'code', 'status', 'feature_names', 'classes', 'positive_class', 'threshold', 'output_kind', 'handles_missing', 'metrics', 'reason']);

interface Props { opened: boolean; defaultEndpoint?: string | undefined; onClose: () => void; onRegistered: (a: Algorithm) => void }

/** Register: the file and its signature on the left, the metadata on the right; the contract's diff below; server errors in place. */
export function RegisterModelModal(props: Props) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title="Register a model" size={1040}>
      {props.opened && <RegisterForm {...props} />}
    </Modal>
  );
}

const nameFromFile = (file: File) => file.name.replace(/\.onnx$/i, '').replace(/[_-]+/g, ' ').trim();

function RegisterForm({ defaultEndpoint, onClose, onRegistered }: Omit<Props, 'opened'>) {
  const [user] = useUserName();
  const endpoints = useEndpoints();
  const algorithms = useAlgorithms();
  const register = useRegister();
  const [file, setFile] = useState<File | null>(null);
  const [fileId, setFileId] = useState(0);
  // the Name follows the chosen file until the user types one
  const [nameTyped, setNameTyped] = useState(false);
  // optional training data: the reference profile drift is measured against, set right after registration
  const [reference, setReference] = useState<File | null>(null);
  const uploadReference = useUploadReference();
  const [registered, setRegistered] = useState<Algorithm | null>(null);
  const [advanced, setAdvanced] = useState(false);
  const [metrics, setMetrics] = useState<MetricRow[]>([]);
  const [consent, setConsent] = useState<Consent>({ accepted: false, reason: '' });
  const [fields, setFields] = useState<RegisterFields>({
    endpoint: defaultEndpoint ?? '', name: '', version: '1.0.0', description: '', owner: user, code: '',
    status: 'testing', feature_names: '', classes: '', positive_class: '', threshold: '', output_kind: '', handles_missing: '', created_by: user,
    metrics: '', allow_breaking_change: '', reason: ''
  });

  const parsedNames = parseFeatureNames(fields.feature_names);
  const namesJson = parsedNames && 'names' in parsedNames ? JSON.stringify(parsedNames.names) : undefined;
  const endpointName = fields.endpoint.trim();
  const existing = endpoints.data?.some((e) => e.name === endpointName) ? endpointName : undefined;
  const [debouncedNames] = useDebouncedValue(namesJson, 400);
  const inspection = useInspection(file, fileId, existing, debouncedNames);

  const serverError = register.error instanceof ApiError ? register.error : null;
  const set = (key: keyof RegisterFields) => (value: string) => {
    // editing a field the server complained about clears the complaint
    if (serverError?.messageFor(key)) register.reset();
    setFields((f) => ({ ...f, [key]: value }));
  };
  const fieldError = (key: string): string | undefined => {
    if (key === 'feature_names' && parsedNames && 'error' in parsedNames) return parsedNames.error;
    const fromInspection = key === 'file' && inspection.error instanceof ApiError ? inspection.error.message : undefined;
    return serverError?.messageFor(key) ?? fromInspection;
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
    setFileId((n) => n + 1);
    register.reset();
    setConsent({ accepted: false, reason: '' });
    if (picked && !nameTyped) setFields((f) => ({ ...f, name: nameFromFile(picked) }));
  };
  // the inspection's comparison; or the server's, when it refused the registration for breaking clients
  const refused = register.error instanceof ApiError && register.error.differences.length > 0 ? register.error : null;
  const compatibility: Compatibility | undefined =
    inspection.data?.compatibility ??
    (refused ? { endpoint: endpointName, contract: null, compatible: false, differences: refused.differences, summary: refused.message } : undefined);
  const breaking = compatibility && !compatibility.compatible;
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!file) return;
    const metricsMap = metricsOf(metrics);
    register.mutate(
      {
        file,
        fields: {
          ...fields,
          created_by: fields.created_by || fields.owner,
          feature_names: namesJson ?? fields.feature_names,
          metrics: Object.keys(metricsMap).length ? JSON.stringify(metricsMap) : '',
          ...(breaking && consent.accepted ? { allow_breaking_change: 'true', reason: consent.reason } : {})
        }
      },
      {
        onSuccess: (algorithm) => {
          if (!reference) return onRegistered(algorithm);
          setRegistered(algorithm);
          uploadReference.mutate({ algorithm: algorithm.id, file: reference, createdBy: fields.created_by || fields.owner }, { onSuccess: () => onRegistered(algorithm) });
        }
      }
    );
  };

  const signature = inspection.data?.signature;
  const input0 = signature?.inputs.length === 1 ? signature.inputs[0] : undefined;
  const wantsFeatureNames = input0?.shape?.length === 2 && input0.shape[1] !== 1;
  // a tensor model (PyTorch, Keras) whose output may be a classifier's scores: ask for classes up front
  const tensorClassifier = signature?.task !== 'classification' && !!signature?.outputKindHint;
  const generalErrors = serverError ? serverError.errors.filter((e) => !fieldsShown.has(e.field)) : [];
  const generalError = register.error && (!serverError || (serverError.errors.length === 0 && !serverError.differences.length) || generalErrors.length > 0);
  const inspectError = inspection.error && !(inspection.error instanceof ApiError && inspection.error.field) ? errorMessage(inspection.error) : undefined;
  const width = typeof input0?.shape?.[1] === 'number' ? input0.shape[1] : null;

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
            <SignaturePreview pending={inspection.isPending && file !== null} inspection={inspection.data} />
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
            <TextInput
              label="Name"
              description={nameTyped ? undefined : 'Taken from the file until you type one'}
              required
              {...input('name')}
              onChange={(e) => { setNameTyped(e.currentTarget.value !== ''); set('name')(e.currentTarget.value); }}
              data-testid="register-name"
            />
            <Textarea label="Description" autosize minRows={2} maxRows={4} {...input('description')} data-testid="register-description" />
            <SimpleGrid cols={2}>
              <TextInput label="Owner" {...input('owner')} data-testid="register-owner" />
              <Select label="Initial status" data={initialStatuses} value={fields.status} onChange={(v) => set('status')(v ?? 'testing')} allowDeselect={false} error={fieldError('status')} data-testid="register-status" />
            </SimpleGrid>
            {(wantsFeatureNames || fields.feature_names) && (
              <Textarea
                label="Feature names"
                description={
                  parsedNames && 'names' in parsedNames
                    ? `${parsedNames.names.length} names${width !== null ? ` for ${width} columns` : ''}: ${parsedNames.names.slice(0, 4).join(', ')}${parsedNames.names.length > 4 ? ', …' : ''}`
                    : 'The columns of the single 2-D input, in order: paste the CSV header, one name per line, or a JSON array'
                }
                placeholder={'sepal length (cm),sepal width (cm),…'}
                autosize
                minRows={2}
                maxRows={6}
                {...input('feature_names')}
                data-testid="register-feature-names"
              />
            )}
            {tensorClassifier && <ClassifierFields input={input} choice={choice} suggested={signature!.outputKindHint!.kind} />}
            <UnstyledButton onClick={() => setAdvanced((o) => !o)} aria-expanded={advanced} data-testid="register-advanced">
              <Group gap={4}>
                <IconChevronDown size={14} style={{ transform: advanced ? 'rotate(180deg)' : undefined }} />
                <Text size="sm" c="dimmed">Advanced: metrics, training notes, {tensorClassifier ? '' : 'classes, '}threshold, missing values</Text>
              </Group>
            </UnstyledButton>
            <Collapse expanded={advanced}>
              <Stack gap="sm">
                <MetricsInput rows={metrics} onChange={setMetrics} error={fieldError('metrics')} />
                <Textarea label="Training notes or code link" autosize minRows={2} {...input('code')} />
                <SimpleGrid cols={3}>
                  {!tensorClassifier && <TextInput label="Classes" description="JSON array, if the model has none" {...input('classes')} />}
                  <TextInput label="Positive class" description="Binary classifiers" {...input('positive_class')} />
                  <TextInput label="Threshold" description="0 to 1, binary" {...input('threshold')} />
                </SimpleGrid>
                <MissingValuesField signature={signature} choice={choice('handles_missing')} />
              </Stack>
            </Collapse>
          </Stack>
        </Grid.Col>
      </Grid>
      {compatibility && (
        <Stack gap="xs" mt="md" data-testid="register-contract">
          <Text fw={600} size="sm">Against what clients of <span className="md-mono">{compatibility.endpoint}</span> send today</Text>
          <ContractDiff compatibility={compatibility} algorithms={algorithms.data ?? []} />
          {breaking && <BreakingConsent value={consent} onChange={setConsent} reasonError={fieldError('reason')} />}
        </Stack>
      )}
      {generalError && (
        <Alert color="red" mt="md" data-testid="register-error">
          {generalErrors.length ? generalErrors.map((e) => e.message).join(' ') : errorMessage(register.error)}
        </Alert>
      )}
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
          <Button
            type="submit"
            color={breaking ? 'red' : undefined}
            loading={register.isPending}
            disabled={!file || inspection.isFetching || !consentGiven(compatibility, consent)}
            data-testid="register-submit"
          >
            {breaking ? 'Register, breaking clients' : 'Register'}
          </Button>
        )}
      </Group>
    </form>
  );
}
