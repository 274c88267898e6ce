import { invalidInput } from '../errors.ts';

/** What the feedback rule needs to know of the request's algorithm and endpoint. */
export interface FeedbackContext {
  algorithm: { name: string; version: string; task: string; classes: (string | number)[] | null };
  endpoint: { name: string; freeTextFeedback: boolean };
}

/**
 * Feedback is the ground truth a prediction is compared with (A/B accuracy, monitoring). For a
 * classifier it must be one of the model's classes, or a typo ("<=50k") would count as a wrong
 * answer forever; an endpoint can allow free-text labels instead (issue 12 §7). Returns the
 * value to store (the class as the model spells it); '' clears.
 */
export function checkFeedback(value: string, { algorithm, endpoint }: FeedbackContext): string {
  if (value === '' || endpoint.freeTextFeedback) return value;
  const classes = algorithm.task === 'classification' ? algorithm.classes : null;
  if (!classes?.length) return value;
  const match = classes.find((c) => String(c) === value.trim());
  if (match !== undefined) return String(match);
  const listed = classes.map((c) => JSON.stringify(String(c))).join(', ');
  throw invalidInput(
    `feedback must be one of the classes of ${algorithm.name} v${algorithm.version}: ${listed} (endpoint "${endpoint.name}" does not allow free-text labels)`,
    'feedback'
  );
}
