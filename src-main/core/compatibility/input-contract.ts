import type { ContractFieldBody, InputContract } from '../../contract/input-contract.ts';
import { normaliseKey } from '../../contract/record-keys.ts';
import { recordLayout } from '../../contract/record-layout.ts';
import type { ModelSignature } from '../inference/index.ts';

/** What a contract is read from: an algorithm, or a model being registered. */
export interface ContractSubject {
  signature: Pick<ModelSignature, 'inputs' | 'outputs' | 'labelOutput'>;
  featureNames: string[] | null;
  task: ModelSignature['task'];
  classes: (string | number)[] | null;
}

export type RecordContract = Pick<InputContract, 'fields' | 'array' | 'inputs' | 'outputs'>;

/**
 * What clients of a model send and read, by the server's own record rules (contract/record-layout):
 * - one input per column: a JSON object with one field per input (an array where the input is wider);
 * - one 2-D input with feature names: a JSON object with those fields, or an array of numbers;
 * - one 2-D input without: an array of numbers only.
 */
export function contractOf(subject: ContractSubject): RecordContract {
  const layout = recordLayout(subject.signature.inputs, subject.featureNames);
  const field = (name: string, type: string, shape: (number | null)[]): ContractFieldBody => ({ name, key: normaliseKey(name), type, shape });
  let fields: ContractFieldBody[] | null;
  let array: RecordContract['array'] = null;
  if (layout.mode === 'columns') {
    fields = layout.slots.map((slot) => field(slot.input, slot.type, slot.width === 1 ? [] : slot.width === null ? [null] : [slot.width]));
  } else {
    const slot = layout.slots[0]!;
    fields = slot.fields ? slot.fields.map((name) => field(name, slot.type, [])) : null;
    array = { type: slot.type, length: slot.width };
  }
  return {
    fields,
    array,
    inputs: subject.signature.inputs.map((i) => ({ name: i.name, type: i.type, shape: i.shape })),
    outputs: { task: subject.task, label_type: labelTypeOf(subject), classes: subject.task === 'classification' ? subject.classes : null }
  };
}

function labelTypeOf(subject: ContractSubject): 'string' | 'number' | null {
  if (subject.task !== 'classification') return null;
  const first = subject.classes?.[0];
  if (first !== undefined) return typeof first === 'number' ? 'number' : 'string';
  const output = subject.signature.outputs.find((o) => o.name === subject.signature.labelOutput);
  if (!output) return null;
  return output.type === 'string' ? 'string' : 'number';
}
