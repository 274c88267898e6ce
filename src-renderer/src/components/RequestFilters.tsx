import { Button, Group, Input, Popover, SegmentedControl, Select, Stack, TextInput } from '@mantine/core';
import { requestStatusValues } from '../../../src-main/contract/enums.ts';
import type { Algorithm, ApiKey, Endpoint } from '../api/types.ts';
import { algorithmLabel } from '../lib/format.ts';
import { IconChevronDown, IconRefresh } from './icons.tsx';

export interface RequestFilterValues {
  endpoint: string;
  algorithm: string;
  status: string;
  feedback: string;
  from: string;
  to: string;
  order: string;
  api_key: string;
}

export const filterKeys = ['endpoint', 'algorithm', 'status', 'feedback', 'from', 'to', 'order', 'api_key'] as const;

/** Filters of the request log; every change goes into the URL so a filtered view is a link. */
export function RequestFilters({ values, endpoints, algorithms, keys, onChange, onRefresh, refreshing }: {
  values: RequestFilterValues;
  endpoints: Endpoint[];
  algorithms: Algorithm[];
  /** API keys to filter by (none listed for a credential that may not list keys) */
  keys: ApiKey[];
  onChange: (key: keyof RequestFilterValues, value: string | null) => void;
  onRefresh: () => void;
  refreshing: boolean;
}) {
  const endpoint = endpoints.find((e) => e.name === values.endpoint);
  const choices = algorithms.filter((a) => !endpoint || a.parent_endpoint === endpoint.id);
  return (
    <Group align="flex-start" gap="sm" wrap="wrap" data-testid="request-filters">
      <Select
        label="Endpoint"
        placeholder="All endpoints"
        data={endpoints.map((e) => e.name)}
        value={values.endpoint || null}
        onChange={(v) => { onChange('algorithm', null); onChange('endpoint', v); }}
        clearable
        w={170}
        data-testid="filter-endpoint"
      />
      <Select
        label="Algorithm"
        placeholder="All algorithms"
        data={choices.map((a) => ({ value: String(a.id), label: algorithmLabel(a) }))}
        value={values.algorithm || null}
        onChange={(v) => onChange('algorithm', v)}
        clearable
        w={200}
        data-testid="filter-algorithm"
      />
      <Segment label="Status" value={values.status} onChange={(v) => onChange('status', v)} data={[['', 'All'], ...requestStatusValues.map((s): [string, string] => [s, s])]} testId="filter-status" />
      <Segment label="Feedback" value={values.feedback} onChange={(v) => onChange('feedback', v)} data={[['', 'All'], ['true', 'With'], ['false', 'Without']]} testId="filter-feedback" />
      <TimeRange from={values.from} to={values.to} onChange={onChange} />
      {keys.length > 0 && (
        <Select
          label="API key"
          placeholder="Any caller"
          data={keys.map((k) => ({ value: String(k.id), label: k.name }))}
          value={values.api_key || null}
          onChange={(v) => onChange('api_key', v)}
          clearable
          w={180}
          data-testid="filter-key"
        />
      )}
      <Button variant="default" leftSection={<IconRefresh size={16} />} onClick={onRefresh} loading={refreshing} ml="auto" style={{ alignSelf: 'flex-end' }} data-testid="requests-refresh">
        Refresh
      </Button>
    </Group>
  );
}

function TimeRange({ from, to, onChange }: { from: string; to: string; onChange: (key: 'from' | 'to', value: string | null) => void }) {
  const local = (v: string) => v.replace('T', ' ');
  const label = from || to ? `${from ? local(from) : '…'} → ${to ? local(to) : 'now'}` : 'Any time';
  return (
    <Input.Wrapper label="Time" labelElement="div">
      <Popover position="bottom-start" shadow="md" trapFocus withinPortal>
        <Popover.Target>
          <Button variant="default" rightSection={<IconChevronDown size={14} />} fw={400} display="flex" data-testid="filter-time">{label}</Button>
        </Popover.Target>
        <Popover.Dropdown>
          <Stack gap="sm">
            <TextInput label="From" type="datetime-local" value={from} onChange={(e) => onChange('from', e.currentTarget.value || null)} data-testid="filter-from" />
            <TextInput label="To" type="datetime-local" value={to} onChange={(e) => onChange('to', e.currentTarget.value || null)} data-testid="filter-to" />
            <Button variant="subtle" size="xs" onClick={() => { onChange('from', null); onChange('to', null); }} disabled={!from && !to}>Any time</Button>
          </Stack>
        </Popover.Dropdown>
      </Popover>
    </Input.Wrapper>
  );
}

function Segment({ label, value, onChange, data, testId }: { label: string; value: string; onChange: (v: string | null) => void; data: [string, string][]; testId: string }) {
  return (
    <Input.Wrapper label={label} labelElement="div" labelProps={{ id: `${testId}-label` }}>
      <SegmentedControl
        value={value}
        onChange={(v) => onChange(v || null)}
        data={data.map(([v, l]) => ({ value: v, label: l }))}
        aria-labelledby={`${testId}-label`}
        data-testid={testId}
        display="flex"
      />
    </Input.Wrapper>
  );
}
