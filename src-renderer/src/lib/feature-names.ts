/**
 * Feature names as a user has them at hand: a JSON array, a CSV header line pasted from the
 * training data, or one name per line. The server takes a JSON array; the Register dialog
 * converts what was typed, and shows what it understood.
 */
export type ParsedNames = { names: string[] } | { error: string };

export function parseFeatureNames(text: string): ParsedNames | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  let names: string[];
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return { error: 'Not a valid JSON array' };
    }
    if (!Array.isArray(parsed) || !parsed.every((n) => typeof n === 'string')) return { error: 'The JSON array must hold names (strings)' };
    names = parsed.map((n: string) => n.trim());
  } else if (trimmed.includes('\n')) {
    names = trimmed.split(/\r?\n/).map(unquote).filter((n) => n !== '');
  } else {
    names = splitCsvLine(trimmed).map(unquote);
  }
  if (names.some((n) => n === '')) return { error: 'A name is empty (two commas in a row?)' };
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) return { error: `"${n}" appears twice` };
    seen.add(n);
  }
  return { names };
}

/** One CSV line split on commas outside double quotes ("" inside quotes is a quote). */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted && c === '"' && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === ',' && !quoted) {
      cells.push(cell);
      cell = '';
    } else {
      cell += c;
    }
  }
  cells.push(cell);
  return cells;
}

const unquote = (text: string): string => text.trim().replace(/^"(.*)"$/, '$1').trim();
