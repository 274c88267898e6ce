import { ActionIcon, Autocomplete, Group, Select, Tooltip } from '@mantine/core';
import { useRef, useState } from 'react';
import { errorMessage } from '../api/client.ts';
import { useFeedback } from '../api/requests.ts';
import { IconCheck } from './icons.tsx';

/**
 * Ground truth for one prediction. A classifier's feedback is one of its classes (the server
 * refuses anything else unless the endpoint allows free text), so the classes are offered as a
 * choice, saved when picked; otherwise type the true value, Enter or the check button saves.
 */
export function FeedbackInput({ requestId, initial, options, freeText = false, size = 'sm', label, testId = 'feedback' }: {
  requestId: number;
  initial: string | null;
  options?: (string | number)[] | null | undefined;
  /** the endpoint allows free-text labels: classes are suggestions, not the only choices */
  freeText?: boolean;
  size?: 'xs' | 'sm';
  label?: string;
  testId?: string;
}) {
  const [value, setValue] = useState(initial ?? '');
  const [saved, setSaved] = useState(initial ?? '');
  const latest = useRef(value);
  const feedback = useFeedback();
  const dirty = value !== saved;
  const choices = (options ?? []).map(String);
  const pickOnly = choices.length > 0 && !freeText;

  const change = (next: string) => {
    latest.current = next;
    setValue(next);
  };
  const save = () => {
    const next = latest.current;
    if (next === saved) return;
    feedback.mutate({ id: requestId, feedback: next }, { onSuccess: (r) => setSaved(r.feedback ?? '') });
  };
  const common = {
    size,
    label,
    'aria-label': label ? undefined : `Feedback for request ${requestId}`,
    error: feedback.isError ? errorMessage(feedback.error) : undefined,
    style: { flex: 1, minWidth: 0 },
    comboboxProps: { withinPortal: true },
    'data-testid': `${testId}-input`
  };

  return (
    <Group gap={6} wrap="nowrap" align={label ? 'flex-end' : 'center'}>
      {pickOnly ? (
        <Select
          {...common}
          placeholder="true class"
          data={choices}
          value={value || null}
          onChange={(next) => {
            change(next ?? '');
            save();
          }}
          allowDeselect={false}
        />
      ) : (
        <Autocomplete
          {...common}
          placeholder={choices.length ? 'true label' : 'true value'}
          data={choices}
          value={value}
          onChange={change}
          onKeyDown={(e) => {
            // Enter commits; when it picks a suggestion, the combobox updates the value after this
            // handler runs, so save on the next tick with the latest value
            if (e.key === 'Enter' && !e.nativeEvent.isComposing) setTimeout(save, 0);
          }}
        />
      )}
      <Tooltip label={dirty ? 'Save feedback' : saved ? 'Saved' : pickOnly ? 'Pick the true class' : 'Nothing to save'}>
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
