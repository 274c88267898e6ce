/**
 * What the request log keeps in place of a record larger than the `max_logged_record_bytes`
 * serving setting (issue 20, item 9): the prediction is answered as usual, but `input_data`
 * holds this marker instead of the record's fields. It is valid JSON, so every reader of the
 * log (the Requests page, bundles, replay, monitoring) parses it and can tell it apart.
 *
 *   {"$truncated": {"bytes": 15728640, "limit": 1048576, "sha256": "…", "preview": "{\"age\":37,…"}}
 */
export const truncatedRecordKey = '$truncated';

export interface TruncatedRecord {
  $truncated: {
    /** the record's size as JSON, in UTF-8 bytes */
    bytes: number;
    /** the limit in effect when it was logged */
    limit: number;
    /** SHA-256 of the record's JSON (hex), to recognise the same record elsewhere */
    sha256: string;
    /** the first characters of the record's JSON, for a person reading the log */
    preview: string;
  };
}

/** characters of the record's JSON kept in the marker */
export const truncatedPreviewChars = 256;

/** Whether a logged input (parsed) is the marker of a record too large to keep. */
export function isTruncatedRecord(input: unknown): input is TruncatedRecord {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return false;
  const keys = Object.keys(input);
  return keys.length === 1 && keys[0] === truncatedRecordKey;
}
