import { Select, SimpleGrid, TextInput } from '@mantine/core';
import type { Signature } from '../api/types.ts';

/** What a Select of the register form takes: its field's value ('' = not given) and the server's complaint about it. */
export interface ChoiceProps {
  value: string;
  onChange: (value: string | null) => void;
  allowDeselect: false;
  error: string | undefined;
}

type InputProps = { value: string; onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => void; error: string | undefined };

const outputKinds = [
  { value: 'probabilities', label: 'Probabilities' },
  { value: 'logits', label: 'Logits (softmax / sigmoid applied)' },
  { value: 'scores', label: 'Scores (label only)' }
];

const classesHelp = 'JSON array in score-column order; with classes the model answers labels and probabilities';

/** Classes and output kind for a tensor model: with them it answers like any classifier (issue 12 §2). */
export function ClassifierFields({ input, choice, suggested }: {
  input: (key: 'classes') => InputProps;
  choice: (key: 'output_kind') => ChoiceProps;
  suggested: string;
}) {
  return (
    <SimpleGrid cols={2}>
      <TextInput label="Classes" description={classesHelp} placeholder='["cat", "dog", "bird"]' {...input('classes')} data-testid="register-classes" />
      <Select
        label="Output holds"
        description={`Suggested from the graph: ${outputKinds.find((k) => k.value === suggested)?.label.toLowerCase() ?? suggested}`}
        data={[{ value: '', label: `As suggested (${suggested})` }, ...outputKinds]}
        {...choice('output_kind')}
        data-testid="register-output-kind"
      />
    </SimpleGrid>
  );
}

/** Whether null in a record reaches the model as a missing value: as the graph says, or declared. */
export function MissingValuesField({ signature, choice }: { signature: Signature | undefined; choice: ChoiceProps }) {
  return (
    <Select
      label="Missing values (null in a record)"
      description={signature?.imputes ? 'The graph imputes them (it has an Imputer, IsNaN or trees that route them)' : 'The graph has no imputation: null is refused unless you say the model handles it'}
      data={[
        { value: '', label: signature ? `As the graph says (${signature.imputes ? 'handled' : 'refused'})` : 'As the graph says' },
        { value: 'true', label: 'The model handles them: pass null on as missing' },
        { value: 'false', label: 'Refuse null with a 400' }
      ]}
      {...choice}
      data-testid="register-handles-missing"
    />
  );
}
