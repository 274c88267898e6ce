import { planOutcomes, type PlanKindName, type PlanOutcome } from '../contract/bundles.ts';
import type { ImportResult } from '../core/bundle/index.ts';

/** An import's plan (or result) as the CLI prints it: a table of counts, then every item and why. */

const kinds: { kind: PlanKindName; title: string }[] = [
  { kind: 'endpoints', title: 'Endpoints' },
  { kind: 'algorithms', title: 'Algorithms' },
  { kind: 'statuses', title: 'Statuses (rows)' },
  { kind: 'ab_tests', title: 'A/B tests' },
  { kind: 'requests', title: 'Requests (rows)' },
  { kind: 'reference_profiles', title: 'Drift references' }
];
const marks: Record<PlanOutcome, string> = { added: '+', identical: '=', skipped: '-', renamed: '~' };

type AnyItem = { reason: string; name?: string; endpoint?: string; version?: string; local_version?: string | null; title?: string; rows?: number };

function label(kind: PlanKindName, item: AnyItem): string {
  if (kind === 'endpoints') return item.name!;
  if (kind === 'ab_tests') return `${item.endpoint} "${item.title}"`;
  const renamed = item.local_version && item.local_version !== item.version ? ` -> ${item.local_version}` : '';
  const rows = item.rows === undefined ? '' : `: ${item.rows} row(s)`;
  return `${item.endpoint}/${item.name} ${item.version}${renamed}${rows}`;
}

export function describePlan(r: ImportResult): string {
  const source = r.registry_id ? `, registry ${r.registry_id}` : '';
  const lines = [`Bundle of ${r.created_at} by ModelDesk ${r.app_version} (format ${r.format_version}${source})`, ''];
  const width = 16;
  lines.push(`${''.padEnd(width)}${planOutcomes.map((o) => o.padStart(10)).join('')}`);
  for (const { kind, title } of kinds) lines.push(`${title.padEnd(width)}${planOutcomes.map((o) => String(r.counts[kind][o]).padStart(10)).join('')}`);
  for (const { kind, title } of kinds) {
    const items = planOutcomes.flatMap((o) => (r[kind][o] as AnyItem[]).map((item) => `  ${marks[o]} ${label(kind, item)}: ${item.reason}`));
    if (items.length) lines.push('', `${title}:`, ...items);
  }
  for (const c of r.algorithms.conflicts) {
    lines.push(`  ! ${c.endpoint}/${c.name} ${c.version}: a different model is registered here; --on-conflict ${c.resolution} ${c.action}`);
    if (c.resolution !== 'rename') lines.push(`    (--on-conflict rename would import it as version "${c.rename_to}")`);
  }
  lines.push('', `Model files to add: ${r.artifacts.new} (${(r.artifacts.bytes / 1024 / 1024).toFixed(1)} MB)`);
  for (const note of r.notes) lines.push(`Note: ${note}`);
  for (const b of r.breaking_changes) {
    lines.push(`  ! ${b.endpoint}/${b.name} ${b.version} breaks the endpoint's input contract: ${b.summary}`);
    for (const d of b.differences.filter((x) => x.severity === 'breaking')) lines.push(`    - ${d.message}`);
  }
  if (r.dry_run && r.breaking_changes.length) lines.push('The import would be refused: pass --allow-breaking-change "<reason>" to import them anyway.');
  const refused = r.algorithms.conflicts.filter((c) => c.resolution === 'fail').length;
  if (r.dry_run && refused) lines.push(`The import would be refused (${refused} conflict(s)): choose --on-conflict skip or rename.`);
  lines.push(
    r.applied ? 'Imported.' : r.dry_run ? 'Dry run: nothing was changed.' : 'Nothing to import: everything in the bundle is already here.'
  );
  return lines.join('\n');
}
