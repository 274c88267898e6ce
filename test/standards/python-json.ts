/**
 * JSON text as the Python clients write it, for byte-exact request bodies. JavaScript numbers
 * do not say int or float; Python does (`37.0` vs `37`), so a float is wrapped in PyFloat.
 * - python-rapidjson's `dumps` (tritonclient): compact, ensure_ascii with upper-case \uXXXX
 *   escapes, floats as Python's repr (`1e-05`, `1e+16`, `37.0`), checked against the real
 *   library's output in clients.test.ts.
 * - orjson's `dumps` (KServe): compact, UTF-8 as is; float text approximated (`37.0`, `1e-05`
 *   style not verified: orjson is not installable here). A server must read either.
 */

export class PyFloat {
  constructor(readonly value: number) {}
}
export type PyJson = null | boolean | number | bigint | string | PyFloat | PyJson[] | { [key: string]: PyJson };

/** Python's repr(float): shortest digits, exponent form below 1e-4 or from 1e16. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exp] = x.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e < -4 || e >= 16) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  const text = String(x); // JS switches to exponent form only outside [1e-7, 1e21): fixed here
  return text.includes('.') ? text : `${text}.0`;
}

function escapeAscii(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7f) {
      for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')}`;
    } else out += ch;
  }
  return out + '"';
}

function dumps(value: PyJson, string: (s: string) => string): string {
  if (value === null) return 'null';
  if (value instanceof PyFloat) return pythonFloatRepr(value.value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return string(value);
  if (Array.isArray(value)) return `[${value.map((v) => dumps(v, string)).join(',')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${string(k)}:${dumps(v, string)}`)
    .join(',')}}`;
}

/** python-rapidjson `dumps(obj)` with its defaults (ensure_ascii, compact). */
export const dumpsRapidjson = (value: PyJson): string => dumps(value, escapeAscii);

/** orjson `dumps(obj)`: compact, UTF-8 text as is. */
export const dumpsOrjson = (value: PyJson): string => dumps(value, (s) => JSON.stringify(s));
