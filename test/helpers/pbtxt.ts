/**
 * A strict protocol-buffer text-format parser driven by protobufjs reflection of a .proto file,
 * the smallest one Triton's model_config.proto needs: messages (`{}` or `<>`, colon optional),
 * repeated fields (repeated entries or `[a, b]` lists), maps (`{ key: … value: … }` entries),
 * enums (by name or number), scalars of every width, strings (adjacent literals, C escapes) and
 * `#` comments. Anything the schema does not allow fails with line and column: an unknown field,
 * a value of the wrong type or range, a singular field or a oneof set twice, a list on a
 * singular field. protobufjs itself reads .proto files but has no text-format parser.
 */
import protobuf from 'protobufjs';

type Token = { kind: 'ident' | 'number' | 'string' | 'punct'; text: string; value?: string; line: number; col: number };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const fail = (message: string): never => {
    throw new Error(`${line}:${i - lineStart + 1}: ${message}`);
  };
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '#') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    const at = { line, col: i - lineStart + 1 };
    if ('{}<>[]:,;'.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch, ...at });
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      let value = '';
      while (source[j] !== ch) {
        if (j >= source.length || source[j] === '\n') fail('unterminated string');
        if (source[j] === '\\') {
          const e = source[j + 1]!;
          const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };
          if (e in simple) {
            value += simple[e];
            j += 2;
          } else if (/[0-7]/.test(e)) {
            const oct = /^[0-7]{1,3}/.exec(source.slice(j + 1))![0];
            value += String.fromCharCode(parseInt(oct, 8));
            j += 1 + oct.length;
          } else if (e === 'x') {
            const hex = /^[0-9a-fA-F]{1,2}/.exec(source.slice(j + 2))?.[0] ?? fail('bad \\x escape');
            value += String.fromCharCode(parseInt(hex, 16));
            j += 2 + hex.length;
          } else fail(`unknown escape \\${e}`);
        } else value += source[j++];
      }
      tokens.push({ kind: 'string', text: source.slice(i, j + 1), value, ...at });
      i = j + 1;
      continue;
    }
    const rest = source.slice(i);
    const number = /^-?(?:0[xX][0-9a-fA-F]+|\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)[fF]?(?![A-Za-z0-9_.])/.exec(rest)?.[0];
    const word = number ?? /^-?[A-Za-z_][A-Za-z0-9_]*/.exec(rest)?.[0];
    if (!word) fail(`unexpected character ${JSON.stringify(ch)}`);
    tokens.push({ kind: number ? 'number' : 'ident', text: word!, ...at });
    i += word!.length;
  }
  return tokens;
}

const INT_RANGES: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n]
};

export type PbtxtValue = string | number | boolean | PbtxtObject | PbtxtValue[];
export interface PbtxtObject {
  [field: string]: PbtxtValue;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }
  private fail(message: string, token = this.peek()): never {
    throw new Error(token ? `${token.line}:${token.col}: ${message}` : `end of input: ${message}`);
  }
  private next(): Token {
    return this.tokens[this.pos++] ?? this.fail('unexpected end of input');
  }
  private accept(text: string): boolean {
    const t = this.peek();
    if (t?.kind === 'punct' && t.text === text) {
      this.pos++;
      return true;
    }
    return false;
  }
  private expect(text: string): void {
    if (!this.accept(text)) this.fail(`expected "${text}"`);
  }

  parseMessage(type: protobuf.Type, end: string | null): PbtxtObject {
    const out: PbtxtObject = {};
    const oneofs = new Map<string, string>();
    for (;;) {
      const t = this.peek();
      if (!t) {
        if (end) this.fail(`expected "${end}"`);
        return out;
      }
      if (end && this.accept(end)) return out;
      if (t.kind !== 'ident') this.fail(`expected a field name of ${type.name}, got ${t.text}`);
      this.pos++;
      const field = type.fields[t.text];
      if (!field) this.fail(`${type.name} has no field "${t.text}"`, t);
      if (field.partOf) {
        const other = oneofs.get(field.partOf.name);
        if (other && other !== field.name) this.fail(`oneof ${field.partOf.name}: "${other}" and "${field.name}" both set`, t);
        oneofs.set(field.partOf.name, field.name);
      }
      const isMessage = field.resolvedType instanceof protobuf.Type || field.map;
      const colon = this.accept(':');
      if (!colon && !isMessage) this.fail(`expected ":" after ${field.name}`);
      const values: PbtxtValue[] = [];
      if (this.accept('[')) {
        if (!field.repeated && !field.map) this.fail(`${type.name}.${field.name} is not repeated; a list is not allowed`, t);
        if (!this.accept(']')) {
          do values.push(this.parseValue(field)); while (this.accept(','));
          this.expect(']');
        }
      } else values.push(this.parseValue(field));
      if (field.map) {
        const map = (out[field.name] ??= {}) as PbtxtObject;
        for (const entry of values as PbtxtObject[]) {
          if (!('key' in entry)) this.fail(`map entry of ${field.name} has no key`, t);
          map[String(entry.key)] = entry.value ?? {};
        }
      } else if (field.repeated) {
        out[field.name] = [...((out[field.name] as PbtxtValue[] | undefined) ?? []), ...values];
      } else {
        if (field.name in out) this.fail(`${type.name}.${field.name} is set twice`, t);
        out[field.name] = values[0]!;
      }
      if (!this.accept(',')) this.accept(';');
    }
  }

  private parseValue(field: protobuf.Field): PbtxtValue {
    if (field.map) return this.parseMapEntry(field as unknown as protobuf.MapField);
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Type) {
      const open = this.next();
      if (open.text !== '{' && open.text !== '<') this.fail(`${field.name} takes a message`, open);
      return this.parseMessage(resolved, open.text === '{' ? '}' : '>');
    }
    const t = this.next();
    if (resolved instanceof protobuf.Enum) {
      if (t.kind === 'ident' && t.text in resolved.values) return t.text;
      if (t.kind === 'number' && Object.values(resolved.values).includes(Number(t.text))) return resolved.valuesById[Number(t.text)]!;
      return this.fail(`${t.text} is not a value of enum ${resolved.name}`, t);
    }
    return this.scalar(field.type, t);
  }

  /** `{ key: … value: … }`: the entry message a map field is made of */
  private parseMapEntry(field: protobuf.MapField): PbtxtObject {
    const open = this.next();
    if (open.text !== '{' && open.text !== '<') this.fail(`expected a map entry for ${field.name}`, open);
    const end = open.text === '{' ? '}' : '>';
    const entry: PbtxtObject = {};
    while (!this.accept(end)) {
      const t = this.next();
      if (t.text !== 'key' && t.text !== 'value') this.fail(`a ${field.name} entry has only key and value, not "${t.text}"`, t);
      if (t.text in entry) this.fail(`${field.name} entry: ${t.text} is set twice`, t);
      if (t.text === 'key') {
        this.expect(':');
        entry.key = this.scalar(field.keyType, this.next());
      } else {
        const colon = this.accept(':');
        const resolved = field.resolvedType;
        if (resolved instanceof protobuf.Type) {
          const o = this.next();
          if (o.text !== '{' && o.text !== '<') this.fail(`${field.name} values are messages`, o);
          entry.value = this.parseMessage(resolved, o.text === '{' ? '}' : '>');
        } else {
          if (!colon) this.fail('expected ":" after value');
          entry.value = this.scalar(field.type, this.next());
        }
      }
      if (!this.accept(',')) this.accept(';');
    }
    return entry;
  }

  private scalar(type: string, t: Token): PbtxtValue {
    if (type === 'string' || type === 'bytes') {
      if (t.kind !== 'string') this.fail(`expected a string, got ${t.text}`, t);
      let value = t.value!;
      while (this.peek()?.kind === 'string') value += this.next().value!;
      return value;
    }
    if (type === 'bool') {
      if (['true', 'True', 't', '1'].includes(t.text)) return true;
      if (['false', 'False', 'f', '0'].includes(t.text)) return false;
      return this.fail(`expected true or false, got ${t.text}`, t);
    }
    if (type === 'float' || type === 'double') {
      if (/^-?(inf|infinity)f?$/i.test(t.text)) return t.text.startsWith('-') ? -Infinity : Infinity;
      if (/^-?nanf?$/i.test(t.text)) return NaN;
      if (t.kind !== 'number' || !/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?[fF]?$/.test(t.text)) this.fail(`expected a number, got ${t.text}`, t);
      return Number(t.text.replace(/[fF]$/, ''));
    }
    const range = INT_RANGES[type];
    if (!range) return this.fail(`unsupported scalar type ${type}`, t);
    const m = /^(-?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.exec(t.text);
    if (t.kind !== 'number' || !m) return this.fail(`expected an integer (${type}), got ${t.text}`, t);
    const digits = m[2]!;
    const magnitude = /^0[xX]/.test(digits) ? BigInt(digits) : digits.length > 1 && digits.startsWith('0') ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
    const value = m[1] ? -magnitude : magnitude;
    if (value < range[0] || value > range[1]) this.fail(`${t.text} is out of range for ${type}`, t);
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
}

/** Loads a .proto file's text (field names as written) for strict text-format parsing. */
export function loadProto(protoText: string): protobuf.Root {
  const root = protobuf.parse(protoText, { keepCase: true }).root;
  root.resolveAll();
  return root;
}

/** Parses `text` as a `typeName` message; throws on anything the schema does not allow. */
export function parseTextFormat(root: protobuf.Root, typeName: string, text: string): PbtxtObject {
  return new Parser(tokenize(text)).parseMessage(root.lookupType(typeName), null);
}
