import { Group, Table, Text } from '@mantine/core';
import type { Algorithm, InputContract } from '../api/types.ts';
import { algorithmLabel } from '../lib/format.ts';

const sourceWords: Record<InputContract['source'], string> = {
  production: 'the production algorithm',
  last_production: 'the last production algorithm',
  first_registered: 'the first registered algorithm'
};

const shapeText = (shape: (number | null)[]) => (shape.length === 0 ? 'one value' : `array of ${shape.map((d) => d ?? 'any').join(' × ')}`);

/** What clients of an endpoint send and read today: the contract new versions are checked against. */
export function ContractCard({ contract, algorithms }: { contract: InputContract | null | undefined; algorithms: Algorithm[] }) {
  if (!contract) return <Text size="sm" c="dimmed">No contract yet: the first algorithm registered defines what clients send.</Text>;
  const source = algorithms.find((a) => a.id === contract.algorithm_id);
  const out = contract.outputs;
  const answers =
    out.task === 'classification'
      ? `a label (${out.label_type ?? 'unknown type'})${out.classes ? `: ${out.classes.join(', ')}` : ''}, with probabilities`
      : out.task === 'regression'
        ? 'a number ("prediction")'
        : 'raw model outputs';
  return (
    <div data-testid="endpoint-contract">
      <Text size="xs" c="dimmed" mb={6}>
        Defined by {sourceWords[contract.source]}{source ? ` (${algorithmLabel(source)})` : ''}. Registering, promoting or A/B testing a version that needs
        something else is refused unless you accept breaking these clients.
      </Text>
      {contract.fields && (
        <Table withTableBorder verticalSpacing={2} fz="xs" data-testid="contract-fields">
          <Table.Thead>
            <Table.Tr><Table.Th>Field clients send</Table.Th><Table.Th>Type</Table.Th><Table.Th>Value</Table.Th></Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {contract.fields.map((f) => (
              <Table.Tr key={f.key}>
                <Table.Td className="md-mono" title={f.key === f.name ? undefined : `matched as ${f.key}`}>{f.name}</Table.Td>
                <Table.Td className="md-mono">{f.type}</Table.Td>
                <Table.Td>{shapeText(f.shape)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group gap="lg" mt={6}>
        {contract.array && (
          <Text size="xs">
            {contract.fields ? 'Or' : 'Each record is'} an array of {contract.array.length ?? 'any number of'} <span className="md-mono">{contract.array.type}</span> values
          </Text>
        )}
        <Text size="xs">Answers: {answers}</Text>
      </Group>
    </div>
  );
}
