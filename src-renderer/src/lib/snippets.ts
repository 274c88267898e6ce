export interface SnippetCall {
  /** e.g. http://127.0.0.1:8765/api/v1/income_classifier/predict?algorithm_id=2 */
  url: string;
  body: unknown;
  /** added as a Bearer header when the call needs one */
  token?: string;
}

const shellQuote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

export function curlSnippet({ url, body, token }: SnippetCall): string {
  const lines = [`curl -X POST ${shellQuote(url)}`, `  -H 'Content-Type: application/json'`];
  if (token) lines.push(`  -H ${shellQuote(`Authorization: Bearer ${token}`)}`);
  lines.push(`  -d ${shellQuote(JSON.stringify(body))}`);
  return lines.join(' \\\n');
}

const pyLiteral = (value: unknown, indent = 0): string => {
  const pad = ' '.repeat(indent);
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number' || typeof value === 'string') return JSON.stringify(value);
  // a tensor's rows one per line, so an image record reads as its rows
  if (Array.isArray(value) && value.some(Array.isArray)) {
    return `[\n${value.map((v) => `${pad}    ${pyLiteral(v, indent + 4)},`).join('\n')}\n${pad}]`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => pyLiteral(v, indent)).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  const inner = entries.map(([k, v]) => `${pad}    ${JSON.stringify(k)}: ${pyLiteral(v, indent + 4)},`).join('\n');
  return `{\n${inner}\n${pad}}`;
};

export function pythonSnippet({ url, body, token }: SnippetCall): string {
  const headers = token ? `\nheaders = {"Authorization": "Bearer ${token}"}` : '';
  return [
    'import requests',
    '',
    `url = ${JSON.stringify(url)}`,
    `record = ${pyLiteral(body)}${headers}`,
    '',
    `response = requests.post(url, json=record${token ? ', headers=headers' : ''}, timeout=30)`,
    'response.raise_for_status()',
    'print(response.json())'
  ].join('\n');
}

/** JSON laid out for reading: one key per line, arrays of values on one line, nested arrays one row per line. */
export function readableJson(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (!value.some((v) => v !== null && typeof v === 'object')) return JSON.stringify(value).replaceAll(',', ', ');
    return `[\n${value.map((v) => inner + readableJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${readableJson(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function fetchSnippet({ url, body, token }: SnippetCall): string {
  const headers = [`'Content-Type': 'application/json'`];
  if (token) headers.push(`Authorization: 'Bearer ${token}'`);
  return [
    `const record = ${readableJson(body)};`,
    '',
    `const response = await fetch(${JSON.stringify(url)}, {`,
    `  method: 'POST',`,
    `  headers: { ${headers.join(', ')} },`,
    `  body: JSON.stringify(record)`,
    '});',
    'console.log(await response.json());'
  ].join('\n');
}
