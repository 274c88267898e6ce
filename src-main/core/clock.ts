/** Timestamps are ISO-8601 UTC text everywhere (DESIGN §2); one function so tests and rows agree. */
export const nowIso = (): string => new Date().toISOString();
