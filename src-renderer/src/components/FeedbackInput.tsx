import { ActionIcon, Autocomplete, Group, Tooltip } from '@mantine/core';
import { useRef, useState } from 'react';
import { errorMessage } from '../api/client.ts';
import { useFeedback } from '../api/requests.ts';
import { IconCheck } from './icons.tsx';

/** Ground truth for one prediction: type or pick the true label, Enter or the check button saves. */
export function FeedbackInput({ requestId, initial, options, size = 'sm', label, testId = 'feedback' }: {
  requestId: number;
  initial: string | null;
  options?: (string | number)[] | null | undefined;
  size?: 'xs' | 'sm';
  label?: string;
  testId?: string;
}) {
  const [value, setValue] = useState(initial ?? '');
  const [saved, setSaved] = useState(initial ?? '');
  const latest = useRef(value);
  const feedback = useFeedback();
  const dirty = value !== saved;

  const change = (next: string) => {
    latest.current = next;
    setValue(next);
  };
  const save = () => {
    const next = latest.current;
    if (next === saved) return;
    feedback.mutate({ id: requestId, feedback: next }, { onSuccess: (r) => setSaved(r.feedback ?? '') });
  };

  return (
    <Group gap={6} wrap="nowrap" align={label ? 'flex-end' : 'center'}>
      <Autocomplete
        size={size}
        label={label}
        aria-label={label ? undefined : `Feedback for request ${requestId}`}
        placeholder={options?.length ? 'true label' : 'true value'}
        data={(options ?? []).map(String)}
        value={value}
        onChange={change}
        onKeyDown={(e) => {
          // Enter commits; when it picks a suggestion, the combobox updates the value after this
          // handler runs, so save on the next tick with the latest value
          if (e.key === 'Enter' && !e.nativeEvent.isComposing) setTimeout(save, 0);
        }}
        error={feedback.isError ? errorMessage(feedback.error) : undefined}
        style={{ flex: 1 }}
        comboboxProps={{ withinPortal: true }}
        data-testid={`${testId}-input`}
      />
      <Tooltip label={dirty ? 'Save feedback' : saved ? 'Saved' : 'Nothing to save'}>
        <ActionIcon
          size={size === 'xs' ? 'md' : 'lg'}
          variant={dirty ? 'filled' : saved ? 'light' : 'default'}
          color={dirty ? undefined : saved ? 'teal' : 'gray'}
          onClick={save}
          loading={feedback.isPending}
          aria-label="Save feedback"
          data-testid={`${testId}-save`}
          data-saved={!dirty && saved !== '' ? 'true' : 'false'}
        >
          <IconCheck size={16} />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}
