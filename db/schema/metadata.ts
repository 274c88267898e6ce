import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { algorithms, endpoints } from '../schema.ts';

/**
 * Metadata a registry keeps beside endpoints and algorithm versions (issue 12 §5): notes, tags,
 * metrics, an input example, and the history of every edit. In their own tables, one row per
 * endpoint or algorithm (created on first edit), so the registry's core tables stay as they are.
 * Description and owner stay on endpoints and algorithms, where the classic API reads them.
 */

export const endpointMetadata = sqliteTable('endpoint_metadata', {
  endpointId: integer('endpoint_id')
    .primaryKey()
    .references(() => endpoints.id),
  notes: text('notes').notNull().default(''),
  tags: text('tags', { mode: 'json' }).notNull().$type<string[]>().default([]),
  /** feedback may be any text, not only one of the classifier's classes */
  freeTextFeedback: integer('free_text_feedback', { mode: 'boolean' }).notNull().default(false)
});

export const algorithmMetadata = sqliteTable('algorithm_metadata', {
  algorithmId: integer('algorithm_id')
    .primaryKey()
    .references(() => algorithms.id),
  notes: text('notes').notNull().default(''),
  tags: text('tags', { mode: 'json' }).notNull().$type<string[]>().default([]),
  /** name → number, e.g. {"accuracy": 0.8635, "auc": 0.91} */
  metrics: text('metrics', { mode: 'json' }).notNull().$type<Record<string, number>>().default({}),
  /** a record the model accepts: what the Playground and the snippets start from */
  inputExample: text('input_example', { mode: 'json' }).$type<unknown>()
});

/** Append-only: one row per edit of an endpoint's or an algorithm's metadata. */
export const metadataChanges = sqliteTable(
  'metadata_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    endpointId: integer('endpoint_id')
      .notNull()
      .references(() => endpoints.id),
    /** null: the endpoint's own metadata */
    algorithmId: integer('algorithm_id').references(() => algorithms.id),
    /** JSON: field → { before, after } */
    changes: text('changes', { mode: 'json' }).notNull().$type<Record<string, { before: unknown; after: unknown }>>(),
    createdBy: text('created_by').notNull().default(''),
    reason: text('reason').notNull().default(''),
    createdAt: text('created_at').notNull()
  },
  (t) => [index('metadata_changes_endpoint').on(t.endpointId), index('metadata_changes_algorithm').on(t.algorithmId)]
);
