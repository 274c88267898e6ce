import type { ContractDifferenceBody, ContractFieldBody } from '../../contract/input-contract.ts';
import { valueKindOf } from '../../contract/record-values.ts';
import type { RecordContract } from './input-contract.ts';

/**
 * A new algorithm against an endpoint's contract (issue 12 §1). Inputs: the new model must find
 * in every record what clients send today, with a type that accepts their values (a field the
 * model ignores is harmless; int → float widens, so it is harmless too). Outputs: a change of
 * task, label type or class set is a warning: requests still succeed, answers read differently.
 */
export function compareContracts(contract: RecordContract, candidate: RecordContract): ContractDifferenceBody[] {
  return [...compareInputs(contract, candidate), ...compareOutputs(contract.outputs, candidate.outputs)];
}

type Group = 'number' | 'integer' | 'string' | 'boolean' | 'other';

function groupOf(type: string): Group {
  const kind = valueKindOf(type);
  if (kind === 'float' || kind === 'float16') return 'number';
  if (kind === 'int' || kind === 'bigint') return 'integer';
  if (kind === 'bool') return 'boolean';
  if (kind === 'string') return 'string';
  return 'other';
}

const groupWords: Record<Group, string> = {
  number: 'numbers',
  integer: 'whole numbers',
  string: 'text',
  boolean: 'true/false values',
  other: 'values'
};

/** Clients' values of `before` are accepted by an input of `after`. */
function accepts(before: string, after: string): boolean {
  const b = groupOf(before);
  const a = groupOf(after);
  if (a === 'other' || b === 'other') return before === after;
  return a === b || (b === 'integer' && a === 'number');
}

const shapeText = (shape: readonly (number | null)[]): string =>
  shape.length === 0 ? 'one value' : `an array of ${shape.map((d) => d ?? 'any number of').join(' × ')} values`;
const typeText = (f: ContractFieldBody): string => (f.shape.length ? `${f.type}[${f.shape.map((d) => d ?? '*').join(', ')}]` : f.type);
const sameShape = (a: readonly (number | null)[], b: readonly (number | null)[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

const refused = 'so their requests would be refused with 400';

function compareInputs(contract: RecordContract, candidate: RecordContract): ContractDifferenceBody[] {
  const out: ContractDifferenceBody[] = [];
  if (contract.fields) {
    if (!candidate.fields) {
      const example = contract.fields[0] ? ` (such as "${contract.fields[0].name}")` : '';
      out.push({
        kind: 'record_format',
        severity: 'breaking',
        field: null,
        before: `JSON object with ${contract.fields.length} fields`,
        after: `array of ${candidate.array?.length ?? 'any number of'} ${candidate.array ? groupWords[groupOf(candidate.array.type)] : 'values'}`,
        message: `Clients send each record as a JSON object with ${contract.fields.length} named fields${example}; this model takes only an array of ${candidate.array?.length ?? 'any number of'} numbers, ${refused}.`
      });
    } else {
      out.push(...compareFields(contract.fields, candidate.fields));
    }
  }
  if (contract.array) {
    const before = `array of ${contract.array.length ?? 'any number of'} ${groupWords[groupOf(contract.array.type)]}`;
    if (!candidate.array) {
      out.push({
        kind: 'record_format',
        severity: 'breaking',
        field: null,
        before,
        after: `JSON object with ${candidate.fields?.length ?? 0} fields`,
        message: `Clients may send a record as an ${before}; this model needs a JSON object with named fields, ${refused}.`
      });
    } else {
      const after = `array of ${candidate.array.length ?? 'any number of'} ${groupWords[groupOf(candidate.array.type)]}`;
      if (!accepts(contract.array.type, candidate.array.type)) {
        out.push({ kind: 'type_change', severity: 'breaking', field: null, before: contract.array.type, after: candidate.array.type, message: `Clients send arrays of ${groupWords[groupOf(contract.array.type)]}; this model needs ${groupWords[groupOf(candidate.array.type)]}, ${refused}.` });
      }
      if (contract.array.length !== candidate.array.length && candidate.array.length !== null) {
        out.push({ kind: 'shape_change', severity: 'breaking', field: null, before, after, message: `Clients send records as an ${before}; this model needs an ${after}, ${refused}.` });
      }
    }
  }
  return out;
}

function compareFields(contract: ContractFieldBody[], candidate: ContractFieldBody[]): ContractDifferenceBody[] {
  const out: ContractDifferenceBody[] = [];
  const sent = new Map(contract.map((f) => [f.key, f]));
  const read = new Set(candidate.map((f) => f.key));
  for (const field of candidate) {
    const today = sent.get(field.key);
    if (!today) {
      out.push({ kind: 'missing_field', severity: 'breaking', field: field.name, before: null, after: typeText(field), message: `Clients do not send "${field.name}" today: every request would be refused with 400 (missing field "${field.name}").` });
      continue;
    }
    if (!accepts(today.type, field.type)) {
      out.push({ kind: 'type_change', severity: 'breaking', field: field.name, before: today.type, after: field.type, message: `Clients send ${groupWords[groupOf(today.type)]} for "${field.name}"; this model needs ${groupWords[groupOf(field.type)]}, ${refused}.` });
    }
    // a model that takes any length accepts the length clients send
    if (!sameShape(today.shape, field.shape) && !(field.shape.length === 1 && field.shape[0] === null && today.shape.length === 1)) {
      out.push({ kind: 'shape_change', severity: 'breaking', field: field.name, before: typeText(today), after: typeText(field), message: `Clients send ${shapeText(today.shape)} for "${field.name}"; this model needs ${shapeText(field.shape)}, ${refused}.` });
    }
  }
  for (const field of contract) {
    if (!read.has(field.key)) {
      out.push({ kind: 'ignored_field', severity: 'info', field: field.name, before: typeText(field), after: null, message: `"${field.name}" is no longer read: clients may keep sending it, the model ignores it.` });
    }
  }
  return out;
}

const taskWords: Record<RecordContract['outputs']['task'], string> = {
  classification: 'a label with probabilities ("label", "probability", "probabilities")',
  regression: 'a number ("prediction")',
  other: 'raw model outputs only ("outputs")'
};

function compareOutputs(before: RecordContract['outputs'], after: RecordContract['outputs']): ContractDifferenceBody[] {
  if (before.task !== after.task) {
    return [{ kind: 'task_change', severity: 'warning', field: null, before: before.task, after: after.task, message: `Answers would change from ${taskWords[before.task]} to ${taskWords[after.task]}: clients that read the old fields would not find them.` }];
  }
  const out: ContractDifferenceBody[] = [];
  if (before.label_type !== after.label_type && before.label_type && after.label_type) {
    out.push({ kind: 'label_type_change', severity: 'warning', field: 'label', before: before.label_type, after: after.label_type, message: `"label" would be a ${after.label_type} instead of a ${before.label_type}: clients comparing it with the labels they know would find no match.` });
  }
  if (before.classes && after.classes) {
    const had = new Set(before.classes.map(String));
    const has = new Set(after.classes.map(String));
    const added = [...has].filter((c) => !had.has(c));
    const removed = [...had].filter((c) => !has.has(c));
    if (added.length || removed.length) {
      const parts = [added.length ? `new: ${added.join(', ')}` : '', removed.length ? `gone: ${removed.join(', ')}` : ''].filter(Boolean).join('; ');
      out.push({
        kind: 'classes_change',
        severity: 'warning',
        field: 'label',
        before: [...had].join(', '),
        after: [...has].join(', '),
        message: `The classes change (${parts}): clients would ${removed.length ? `never get ${removed.map((c) => `"${c}"`).join(', ')} again` : 'get labels they have not seen'}, and feedback must use the new classes.`
      });
    }
  }
  return out;
}

/** What happens to existing clients, in one or two sentences. */
export function summarise(differences: readonly ContractDifferenceBody[]): string {
  const breaking = differences.filter((d) => d.severity === 'breaking');
  const warnings = differences.filter((d) => d.severity === 'warning');
  const ignored = differences.filter((d) => d.kind === 'ignored_field').length;
  if (breaking.length) {
    return `Existing clients would break: ${breaking.length === 1 ? 'one difference' : `${breaking.length} differences`} in what they send would make the endpoint refuse their requests with 400.${warnings.length ? ' The answers they read would change too.' : ''}`;
  }
  const ignoring = ignored ? ` It ignores ${ignored} field${ignored === 1 ? '' : 's'} they send.` : '';
  if (warnings.length) return `Existing clients keep sending the same records, but would notice different answers.${ignoring}`;
  return `Existing clients keep working: this algorithm reads what they send today, with types that accept their values.${ignoring}`;
}
