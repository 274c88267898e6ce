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

export function fetchSnippet({ url, body, token }: SnippetCall): string {
  const headers = [`'Content-Type': 'application/json'`];
  if (token) headers.push(`Authorization: 'Bearer ${token}'`);
  return [
    `const record = ${JSON.stringify(body, null, 2)};`,
    '',
    `const response = await fetch(${JSON.stringify(url)}, {`,
    `  method: 'POST',`,
    `  headers: { ${headers.join(', ')} },`,
    `  body: JSON.stringify(record)`,
    '});',
    'console.log(await response.json());'
  ].join('\n');
}
