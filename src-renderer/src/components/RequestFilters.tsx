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
  /** a preset relative to now (timeRanges), instead of from/to */
  range: string;
  order: string;
  api_key: string;
}

export const filterKeys = ['endpoint', 'algorithm', 'status', 'feedback', 'from', 'to', 'range', 'order', 'api_key'] as const;

/** The time presets: kept relative in the URL, so a bookmarked "last hour" stays the last hour. */
export const timeRanges: Record<string, { label: string; ms: number }> = {
  '1h': { label: 'Last hour', ms: 3600_000 },
  '24h': { label: 'Last 24 h', ms: 24 * 3600_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 24 * 3600_000 }
};

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
      <TimeRange from={values.from} to={values.to} range={values.range} onChange={onChange} />
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

function TimeRange({ from, to, range, onChange }: { from: string; to: string; range: string; onChange: (key: 'from' | 'to' | 'range', value: string | null) => void }) {
  const local = (v: string) => v.replace('T', ' ');
  const preset = timeRanges[range];
  const label = preset ? preset.label : from || to ? `${from ? local(from) : '…'} → ${to ? local(to) : 'now'}` : 'Any time';
  const choose = (key: string) => {
    onChange('from', null);
    onChange('to', null);
    onChange('range', key);
  };
  const setBound = (key: 'from' | 'to', value: string | null) => {
    onChange('range', null);
    onChange(key, value);
  };
  return (
    <Input.Wrapper label="Time" labelElement="div">
      <Popover position="bottom-start" shadow="md" trapFocus withinPortal>
        <Popover.Target>
          <Button variant="default" rightSection={<IconChevronDown size={14} />} fw={400} display="flex" data-testid="filter-time">{label}</Button>
        </Popover.Target>
        <Popover.Dropdown>
          <Stack gap="sm">
            <Group gap={6} data-testid="filter-time-presets">
              {Object.entries(timeRanges).map(([key, r]) => (
                <Button key={key} size="xs" variant={range === key ? 'filled' : 'default'} onClick={() => choose(key)} data-testid={`filter-range-${key}`}>{r.label}</Button>
              ))}
            </Group>
            <TextInput label="From" type="datetime-local" value={from} onChange={(e) => setBound('from', e.currentTarget.value || null)} data-testid="filter-from" />
            <TextInput label="To" type="datetime-local" value={to} onChange={(e) => setBound('to', e.currentTarget.value || null)} data-testid="filter-to" />
            <Button variant="subtle" size="xs" onClick={() => { onChange('from', null); onChange('to', null); onChange('range', null); }} disabled={!from && !to && !range}>Any time</Button>
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
