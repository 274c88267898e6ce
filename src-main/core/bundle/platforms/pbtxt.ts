/**
 * Protocol-buffer text format, the writing half only, for Triton's `config.pbtxt`. The values
 * are plain objects; an enum value is marked with `pbEnum` so it is written as a bare
 * identifier, and a map field is `pbMap(entries)`, written as one `field { key: … value { … } }`
 * block per entry (text format's spelling of a map, as Triton's documentation writes it). The test suite parses every written file strictly against Triton's
 * model_config.proto (test/helpers/pbtxt.ts), so what this writes is checked against the schema.
 */

export class PbEnum {
  constructor(readonly name: string) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not an enum identifier: ${name}`);
  }
}

export const pbEnum = (name: string): PbEnum => new PbEnum(name);

export class PbMap {
  constructor(readonly entries: { key: string; value: PbMessage }[]) {}
}

export const pbMap = (entries: Record<string, PbMessage>): PbMap =>
  new PbMap(Object.entries(entries).map(([key, value]) => ({ key, value })));

export type PbValue = string | number | boolean | PbEnum | PbMap | PbMessage | PbValue[];
export interface PbMessage {
  [field: string]: PbValue | undefined;
}

/** text format string literal: UTF-8 text with C escapes, always double-quoted */
export function quote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function scalar(value: PbValue): string {
  if (value instanceof PbEnum) return value.name;
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`text format cannot hold ${value} here`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  throw new Error('a message or list is not a scalar');
}

const isMessage = (value: PbValue): value is PbMessage =>
  typeof value === 'object' && !(value instanceof PbEnum) && !(value instanceof PbMap) && !Array.isArray(value);

function field(name: string, value: PbValue, indent: string): string[] {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${indent}${name}: [ ]`];
    if (value.every((v) => !isMessage(v) && !Array.isArray(v))) return [`${indent}${name}: [ ${value.map(scalar).join(', ')} ]`];
    const lines = [`${indent}${name} [`];
    value.forEach((item, i) => {
      if (!isMessage(item)) throw new Error(`${name}: a list mixes messages and scalars`);
      lines.push(`${inner}{`, ...body(item, `${inner}  `), `${inner}}${i < value.length - 1 ? ',' : ''}`);
    });
    lines.push(`${indent}]`);
    return lines;
  }
  if (value instanceof PbMap) return value.entries.flatMap((entry) => field(name, { key: entry.key, value: entry.value }, indent));
  if (isMessage(value)) return [`${indent}${name} {`, ...body(value, inner), `${indent}}`];
  return [`${indent}${name}: ${scalar(value)}`];
}

function body(message: PbMessage, indent: string): string[] {
  return Object.entries(message).flatMap(([name, value]) => (value === undefined ? [] : field(name, value, indent)));
}

/** The message as text format, fields in the object's key order, one per line. */
export function toTextFormat(message: PbMessage, header?: string): string {
  const comment = header ? header.split('\n').map((line) => (line ? `# ${line}` : '#')) : [];
  return [...comment, ...body(message, '')].join('\n') + '\n';
}
