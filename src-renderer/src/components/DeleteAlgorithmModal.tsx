import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { errorMessage } from '../api/client.ts';
import { useDeleteAlgorithm } from '../api/metadata.ts';
import type { Algorithm } from '../api/types.ts';
import { algorithmLabel } from '../lib/format.ts';

/** Deleting a version that never served (a typo upload); the server refuses one that did: archive it. */
export function DeleteAlgorithmModal({ algorithm, onClose, onDeleted }: { algorithm: Algorithm | null; onClose: () => void; onDeleted: () => void }) {
  const remove = useDeleteAlgorithm();
  const close = () => {
    remove.reset();
    onClose();
  };
  return (
    <Modal opened={algorithm !== null} onClose={close} title={algorithm ? `Delete ${algorithmLabel(algorithm)}?` : ''} size="md">
      {algorithm && (
        <Stack data-testid="delete-modal">
          <Text size="sm">
            Deleting removes this version, its status history, metadata and edits, and its model file if no other version uses it. Only a version
            that has never answered a request can be deleted; one that did is part of the request log's history: archive it instead.
          </Text>
          {remove.isError && <Alert color="red" data-testid="delete-error">{errorMessage(remove.error)}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>Cancel</Button>
            <Button color="red" loading={remove.isPending} onClick={() => remove.mutate(algorithm.id, { onSuccess: () => { close(); onDeleted(); } })} data-testid="delete-confirm">
              Delete
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
