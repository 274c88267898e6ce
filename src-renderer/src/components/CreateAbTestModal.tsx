import { ActionIcon, Alert, Button, Group, Input, Modal, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useCreateAbTest } from '../api/abtests.ts';
import { useCompatibilities } from '../api/metadata.ts';
import { ApiError, errorMessage } from '../api/client.ts';
import { useAlgorithms, useEndpoints } from '../api/registry.ts';
import { abMetricValues, abModeValues, defaultMetricFor, isOneOf, type AbMetric, type AbMode } from '../../../src-main/contract/enums.ts';
import type { AbTest, Algorithm } from '../api/types.ts';
import { armColor, metricChoices, modeChoices } from '../lib/abtest.ts';
import { algorithmLabel } from '../lib/format.ts';
import { statusLabel, statusRank } from '../lib/status.ts';
import { useUserName } from '../lib/user.ts';
import { BreakingConsent, ContractDiff, type Consent } from './ContractDiff.tsx';
import { IconPlus } from './icons.tsx';
import { ErrorState, Loading } from './QueryState.tsx';

interface Arm { algorithm: string | null; weight: number | string }

export function CreateAbTestModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (t: AbTest) => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="New A/B test" size="lg">
      {opened && <LoadedForm onClose={onClose} onCreated={onCreated} />}
    </Modal>
  );
}

const defaultArms = (own: Algorithm[]): Arm[] => {
  const ranked = [...own].filter((a) => a.current_status !== 'archived').sort((a, b) => statusRank(a.current_status) - statusRank(b.current_status));
  return [0, 1].map((i) => ({ algorithm: ranked[i] ? String(ranked[i]!.id) : null, weight: 1 }));
};

/** The form's defaults come from the registry: wait for it. */
function LoadedForm(props: { onClose: () => void; onCreated: (t: AbTest) => void }) {
  const endpoints = useEndpoints();
  const algorithms = useAlgorithms();
  if (endpoints.isPending || algorithms.isPending) return <Loading label="the registry" />;
  if (endpoints.isError || algorithms.isError) return <ErrorState error={endpoints.error ?? algorithms.error} />;
  return <CreateForm {...props} />;
}

function CreateForm({ onClose, onCreated }: { onClose: () => void; onCreated: (t: AbTest) => void }) {
  const endpoints = useEndpoints();
  const algorithms = useAlgorithms();
  const create = useCreateAbTest();
  const [user, setUser] = useUserName();
  const [endpointName, setEndpointName] = useState<string | null>(endpoints.data?.[0]?.name ?? null);
  const endpoint = endpoints.data?.find((e) => e.name === endpointName);
  const own = (algorithms.data ?? []).filter((a) => a.parent_endpoint === endpoint?.id);
  const [title, setTitle] = useState('');
  const [arms, setArms] = useState<Arm[]>(() => defaultArms(own));
  const [mode, setMode] = useState<AbMode>('split');
  const [metric, setMetric] = useState<AbMetric>(defaultMetricFor(own[0]?.task));
  const [mde, setMde] = useState<number | string>('');
  const [name, setName] = useState(user);
  const [consent, setConsent] = useState<Consent>({ accepted: false, reason: '' });
  // every arm answers clients: each is compared with what they send today before the test starts
  const armIds = arms.map((a) => Number(a.algorithm)).filter((id) => id > 0);
  const compared = useCompatibilities(endpoint?.id, armIds);
  const notable = compared.flatMap((q, i) => (q.data && q.data.differences.some((d) => d.severity !== 'info') ? [{ id: armIds[i]!, result: q.data }] : []));
  const breaking = notable.some((n) => !n.result.compatible);

  const chooseEndpoint = (value: string | null) => {
    setEndpointName(value);
    const next = (algorithms.data ?? []).filter((a) => a.parent_endpoint === endpoints.data?.find((e) => e.name === value)?.id);
    setArms(defaultArms(next));
    setMetric(defaultMetricFor(next[0]?.task));
  };
  const setArm = (index: number, patch: Partial<Arm>) => setArms((list) => list.map((a, i) => (i === index ? { ...a, ...patch } : a)));

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setUser(name.trim());
    create.mutate(
      {
        title: title.trim(),
        created_by: name.trim(),
        arms: arms.map((a) => ({ algorithm_id: Number(a.algorithm), weight: Number(a.weight) || 1 })),
        mode,
        metric,
        ...(Number(mde) > 0 ? { minimum_detectable_difference: Number(mde) } : {}),
        ...(breaking && consent.accepted ? { allow_breaking_change: true, reason: consent.reason.trim() } : {})
      },
      { onSuccess: onCreated }
    );
  };
  const fieldError = (field: string) => (create.error instanceof ApiError && create.error.field === field ? create.error.message : undefined);
  const chosen = new Set(arms.map((a) => a.algorithm));
  const invalid =
    !title.trim() || !name.trim() || arms.some((a) => !a.algorithm) || chosen.size !== arms.length ||
    compared.some((q) => q.isPending) || (breaking && !(consent.accepted && consent.reason.trim()));

  return (
    <form onSubmit={submit} data-testid="create-abtest-modal">
      <Stack>
        <TextInput label="Title" placeholder="Random forest vs logistic regression" value={title} onChange={(e) => setTitle(e.currentTarget.value)} required error={fieldError('title')} autoFocus data-testid="abtest-title-input" />
        <Select label="Endpoint" data={endpoints.data?.map((e) => e.name) ?? []} value={endpointName} onChange={chooseEndpoint} allowDeselect={false} data-testid="abtest-endpoint" />
        <Stack gap={6}>
          <Text size="sm" fw={500}>Arms</Text>
          {arms.map((arm, i) => (
            <Group key={i} gap="sm" wrap="nowrap" align="flex-start" data-testid={`abtest-arm-${i}`}>
              <Text fw={700} c={armColor(i)} w={16} mt={8}>{String.fromCharCode(65 + i)}</Text>
              <Select
                aria-label={`Arm ${String.fromCharCode(65 + i)} algorithm`}
                placeholder="Algorithm"
                data={own.filter((a) => a.current_status !== 'archived').map((a) => ({
                  value: String(a.id),
                  label: `${algorithmLabel(a)} · ${statusLabel(a.current_status) ?? 'no status'}`,
                  disabled: chosen.has(String(a.id)) && arm.algorithm !== String(a.id)
                }))}
                value={arm.algorithm}
                onChange={(v) => setArm(i, { algorithm: v })}
                allowDeselect={false}
                style={{ flex: 1 }}
                data-testid={`abtest-arm-${i}-algorithm`}
              />
              <NumberInput aria-label={`Arm ${String.fromCharCode(65 + i)} weight`} value={arm.weight} onChange={(v) => setArm(i, { weight: v })} min={0.01} step={1} w={130} leftSection={<Text size="xs" c="dimmed">weight</Text>} leftSectionWidth={56} />
              <ActionIcon variant="subtle" color="gray" mt={4} disabled={arms.length <= 2} onClick={() => setArms((l) => l.filter((_, j) => j !== i))} aria-label={`Remove arm ${String.fromCharCode(65 + i)}`}>✕</ActionIcon>
            </Group>
          ))}
          <Group>
            <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => setArms((l) => [...l, { algorithm: null, weight: 1 }])} disabled={arms.length >= Math.min(10, own.length)}>
              Add arm
            </Button>
            <Text size="xs" c="dimmed">Traffic share = weight / sum of weights</Text>
          </Group>
          {fieldError('arms') && <Text size="xs" c="red">{fieldError('arms')}</Text>}
        </Stack>
        <SimpleGrid cols={2}>
          <Input.Wrapper
            label="Mode"
            labelElement="div"
            labelProps={{ id: 'abtest-mode-label' }}
            description={mode === 'split' ? 'Each request is answered by one arm, by weight.' : 'Production answers; the other arms run on the same input, logged only.'}
            inputWrapperOrder={['label', 'input', 'description']}
          >
            <SegmentedControl fullWidth value={mode} onChange={(v) => isOneOf(abModeValues, v) && setMode(v)} aria-labelledby="abtest-mode-label" data={modeChoices} />
          </Input.Wrapper>
          <Select
            label="Metric"
            data={metricChoices}
            value={metric}
            onChange={(v) => isOneOf(abMetricValues, v) && setMetric(v)}
            allowDeselect={false}
            data-testid="abtest-metric"
          />
        </SimpleGrid>
        <SimpleGrid cols={2}>
          <NumberInput label="Smallest difference worth detecting" description="Optional; sizes the sample (default 0.05 accuracy)" value={mde} onChange={setMde} min={0} step={0.01} decimalScale={4} />
          <TextInput label="Your name" value={name} onChange={(e) => setName(e.currentTarget.value)} required error={fieldError('created_by')} data-testid="abtest-user" />
        </SimpleGrid>
        {notable.map(({ id, result }) => (
          <Stack key={id} gap={4} data-testid={`abtest-contract-${id}`}>
            <Text size="sm" fw={600}>{algorithmLabel(own.find((a) => a.id === id) ?? { name: `#${id}`, version: '' })} against what clients send today</Text>
            <ContractDiff compatibility={result} algorithms={own} />
          </Stack>
        ))}
        {breaking && <BreakingConsent value={consent} onChange={setConsent} reasonError={fieldError('reason')} />}
        {create.isError && !fieldError('title') && !fieldError('created_by') && <Alert color="red" data-testid="abtest-create-error">{errorMessage(create.error)}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button type="submit" loading={create.isPending} disabled={invalid} data-testid="abtest-create-submit">Start test</Button>
        </Group>
      </Stack>
    </form>
  );
}
