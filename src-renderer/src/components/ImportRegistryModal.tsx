import { Alert, Button, Group, Loader, Modal, SegmentedControl, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useImportRegistry, type OnConflict } from '../api/bundles.ts';
import { errorMessage } from '../api/client.ts';
import { FilePicker } from './FilePicker.tsx';
import { ImportPlan } from './ImportPlan.tsx';
import { TransferProgress, type Transfer } from './TransferProgress.tsx';

/** added or renamed: what an import wrote of one kind */
const added = (counts: { added: number; renamed: number }) => counts.added + counts.renamed;

/** Issue #5: pick a .modeldesk bundle, see the dry-run plan, then apply it (all or nothing). */
export function ImportRegistryModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Import registry" size="xl">
      {opened && <ImportForm onClose={onClose} />}
    </Modal>
  );
}

function ImportForm({ onClose }: { onClose: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [onConflict, setOnConflict] = useState<OnConflict>('fail');
  const [transfer, setTransfer] = useState<Transfer | null>(null);
  const progress = (done: number, total: number | null) => setTransfer({ done, total });
  const plan = useImportRegistry(progress);
  const apply = useImportRegistry(progress);

  const dryRun = (picked: File | null, resolution: OnConflict) => {
    apply.reset();
    if (picked) plan.mutate({ file: picked, dryRun: true, onConflict: resolution });
    else plan.reset();
  };
  const conflicts = plan.data?.algorithms.conflicts.length ?? 0;
  // a real run answered: it either changed the registry or found nothing to change
  const applied = apply.data !== undefined && !apply.data.dry_run;

  const pick = (picked: File | null) => {
    setFile(picked);
    dryRun(picked, onConflict);
  };

  return (
    // a bundle can also be dropped anywhere on the dialog
    <Stack
      data-testid="import-modal"
      onDragOver={(event) => event.preventDefault()}
      onDrop={(event) => {
        event.preventDefault();
        const dropped = event.dataTransfer.files[0];
        if (dropped) pick(dropped);
      }}
    >
      <FilePicker
        label="Bundle"
        description="A .modeldesk file exported from ModelDesk (pick it, or drop it here). Nothing changes until you press Import."
        extensions={['modeldesk', 'zip']}
        kind="ModelDesk bundle"
        testId="import-file"
        file={file}
        onPick={pick}
      />
      {plan.isPending && <Group gap="xs"><Loader size="xs" /><Text size="sm" c="dimmed">Checking every file and hash…</Text></Group>}
      {(plan.isPending || apply.isPending) && <TransferProgress label="Uploading" transfer={transfer} />}
      {plan.isError && <Alert color="red" title="This bundle cannot be imported">{errorMessage(plan.error)}</Alert>}
      {plan.data && !applied && <ImportPlan plan={plan.data} />}
      {conflicts > 0 && !applied && (
        <Stack gap={4}>
          <Text size="sm" fw={500}>When a version exists here with a different model file</Text>
          <SegmentedControl
            value={onConflict}
            onChange={(v) => { setOnConflict(v as OnConflict); dryRun(file, v as OnConflict); }}
            data={[{ value: 'fail', label: 'Refuse the import' }, { value: 'skip', label: 'Keep mine' }, { value: 'rename', label: 'Import renamed' }]}
          />
        </Stack>
      )}
      {apply.isError && <Alert color="red">{errorMessage(apply.error)}</Alert>}
      {applied && apply.data && (
        <Alert color="teal" title={apply.data.applied ? 'Imported' : 'Nothing to import'} data-testid="import-done">
          {apply.data.applied
            ? `${added(apply.data.counts.algorithms)} algorithm version(s), ${added(apply.data.counts.endpoints)} endpoint(s) and ${added(apply.data.counts.requests)} request row(s) added.`
            : 'This registry already has everything in the bundle: 0 algorithm version(s) and 0 request row(s) added.'}
        </Alert>
      )}
      {applied && apply.data && <ImportPlan plan={apply.data} />}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>{applied ? 'Close' : 'Cancel'}</Button>
        {!applied && (
          <Button
            disabled={!file || !plan.data || (conflicts > 0 && onConflict === 'fail')}
            loading={apply.isPending}
            onClick={() => file && apply.mutate({ file, dryRun: false, onConflict })}
            data-testid="import-submit"
          >
            Import
          </Button>
        )}
      </Group>
    </Stack>
  );
}
