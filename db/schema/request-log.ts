import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Name lists the lean request-log rows refer to by id (issue #18, core/requests/row-codec.ts):
 * the keys of a logged record, in the order it was received, or a model's output names. A
 * request log holds millions of rows and a handful of distinct lists, so each row stores its
 * list's id and its values instead of repeating the names.
 */
export const requestLayouts = sqliteTable('request_layouts', {
  id: integer('id').primaryKey(),
  /** JSON array of the names, in order */
  names: text('names').notNull().unique()
});
