import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './server.ts';

/**
 * The Adult census rows the income models were trained on (test/fixtures/adult.csv, UCI, CC BY
 * 4.0), split as the monitoring tests split them: held-out = rows whose index is a multiple of 5.
 */
const lines = readFileSync(join(repoRoot, 'test', 'fixtures', 'adult.csv'), 'utf8').split('\n').filter((l) => l.trim());
const header = lines[0]!.split(',').map((c) => c.trim());
const numeric = new Set(['age', 'fnlwgt', 'education-num', 'capital-gain', 'capital-loss', 'hours-per-week']);

export function adultRecords({ heldOut }: { heldOut: boolean }): { record: Record<string, string | number>; income: string }[] {
  return lines.slice(1).flatMap((line, i) => {
    if ((i % 5 === 0) !== heldOut) return [];
    const values = line.split(',').map((v) => v.trim());
    const record: Record<string, string | number> = {};
    header.forEach((c, k) => {
      if (c !== 'income') record[c] = numeric.has(c) ? Number(values[k]) : values[k]!;
    });
    return [{ record, income: values[header.indexOf('income')]! }];
  });
}

/** The split as a CSV file with its header (the training part is what a user uploads as reference). */
export function adultCsv({ heldOut }: { heldOut: boolean }): string {
  return [lines[0], ...lines.slice(1).filter((_, i) => (i % 5 === 0) === heldOut)].join('\n');
}
