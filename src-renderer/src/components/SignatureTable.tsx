import { Badge, Table, Text } from '@mantine/core';
import type { Signature } from '../api/types.ts';
import { formatShape } from '../lib/format.ts';

type Tensor = Signature['inputs'][number];

/** Inputs and outputs of a model with types and shapes, as read from the ONNX file. */
export function SignatureTable({ signature, featureNames }: { signature: Signature; featureNames?: string[] | null }) {
  return (
    <Table withTableBorder verticalSpacing={6} fz="sm" data-testid="signature-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={90}>Direction</Table.Th>
          <Table.Th>Name</Table.Th>
          <Table.Th>Type</Table.Th>
          <Table.Th>Shape</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {signature.inputs.map((t) => <Row key={`in-${t.name}`} direction="input" tensor={t} featureNames={featureNames} />)}
        {signature.outputs.map((t) => <Row key={`out-${t.name}`} direction="output" tensor={t} />)}
      </Table.Tbody>
      <Table.Caption>
        <Text size="xs" c="dimmed" ta="left">
          {[
            `Task: ${signature.task}`,
            signature.classes ? `classes: ${signature.classes.join(', ')}` : null,
            signature.zipmap ? 'ZipMap output served as a tensor' : null,
            signature.batchable ? 'dynamic batch' : 'fixed batch size'
          ].filter(Boolean).join(' · ')}
        </Text>
      </Table.Caption>
    </Table>
  );
}

function Row({ direction, tensor, featureNames }: { direction: 'input' | 'output'; tensor: Tensor; featureNames?: string[] | null | undefined }) {
  return (
    <Table.Tr>
      <Table.Td>
        <Badge size="xs" variant="outline" color={direction === 'input' ? 'indigo' : 'teal'}>{direction}</Badge>
      </Table.Td>
      <Table.Td>
        <Text className="md-mono">{tensor.name}</Text>
        {featureNames && direction === 'input' && (
          <Text size="xs" c="dimmed">features: {featureNames.join(', ')}</Text>
        )}
      </Table.Td>
      <Table.Td className="md-mono" style={{ whiteSpace: 'nowrap' }}>{tensor.type}</Table.Td>
      <Table.Td className="md-mono" style={{ whiteSpace: 'nowrap' }}>
        {formatShape(tensor.shape)}
        {tensor.range && <Text size="xs" c="dimmed">ids {tensor.range[0]}–{tensor.range[1]}</Text>}
      </Table.Td>
    </Table.Tr>
  );
}
