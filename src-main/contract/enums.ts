import { Type } from 'typebox';

/**
 * The domain's closed sets of values (DESIGN §2), declared once. Each is an `as const` list
 * (for loops, checks and drizzle's column enums), a TypeBox schema (for routes, OpenAPI and
 * bundle manifests) and a TypeScript type. The renderer imports these at run time, so add a
 * value here and every side (database, server checks, UI labels) learns of it, or fails to
 * compile until it does.
 */

/** True when `value` is one of `values`: the one membership check behind every `is…` below. */
export const isOneOf = <T extends string>(values: readonly T[], value: unknown): value is T =>
  typeof value === 'string' && (values as readonly string[]).includes(value);

/** An algorithm's status (append-only history; one active row per algorithm). */
export const algorithmStatusValues = ['production', 'staging', 'testing', 'ab_testing', 'archived'] as const;
export type AlgorithmStatusValue = (typeof algorithmStatusValues)[number];
export const AlgorithmStatusSchema = Type.Enum(algorithmStatusValues, { description: algorithmStatusValues.join(', ') });
export const isAlgorithmStatus = (value: unknown): value is AlgorithmStatusValue => isOneOf(algorithmStatusValues, value);

/** What a model does, as read from its graph. */
export const taskValues = ['classification', 'regression', 'other'] as const;
export type Task = (typeof taskValues)[number];
export const TaskSchema = Type.Enum(taskValues);

/**
 * What a classifier's score output holds (issue 12 §2): probabilities as they are; logits, to
 * which ModelDesk applies softmax (sigmoid for one column); or scores, which give a label
 * (argmax, or the sign for one column) but no probabilities.
 */
export const outputKindValues = ['probabilities', 'logits', 'scores'] as const;
export type OutputKind = (typeof outputKindValues)[number];
export const OutputKindSchema = Type.Enum(outputKindValues, { description: outputKindValues.join(', ') });
export const isOutputKind = (value: unknown): value is OutputKind => isOneOf(outputKindValues, value);

/** How an A/B test sends traffic: each request to one arm, or production answers and the rest shadow it. */
export const abModeValues = ['split', 'shadow'] as const;
export type AbMode = (typeof abModeValues)[number];
export const AbModeSchema = Type.Enum(abModeValues);

/** What an A/B test compares arms on. */
export const abMetricValues = ['accuracy', 'rmse', 'mae'] as const;
export type AbMetric = (typeof abMetricValues)[number];
export const AbMetricSchema = Type.Enum(abMetricValues);
/** The models a metric can judge: accuracy compares labels, RMSE and MAE compare numbers. */
export const metricTask: Readonly<Record<AbMetric, Task>> = { accuracy: 'classification', rmse: 'regression', mae: 'regression' };
/** What a test measures when not told: accuracy, or RMSE for regression models. */
export const defaultMetricFor = (task: Task | undefined): AbMetric => (task === 'regression' ? 'rmse' : 'accuracy');

export const abTestStateValues = ['running', 'stopped'] as const;
export type AbTestState = (typeof abTestStateValues)[number];
export const AbTestStateSchema = Type.Enum(abTestStateValues);

/** A logged request's outcome (the classic API's words). */
export const requestStatusValues = ['OK', 'Error'] as const;
export type RequestStatus = (typeof requestStatusValues)[number];
export const RequestStatusSchema = Type.Enum(requestStatusValues);

/**
 * Why a prediction (classic predict or v2 infer) was refused with a 4xx (issue 12 §6): counted
 * per minute, endpoint and algorithm in the `refusals` table, and in /metrics.
 */
export const refusalReasonValues = ['validation', 'unknown_endpoint', 'no_algorithm', 'auth', 'too_large', 'unsupported_media_type'] as const;
export type RefusalReason = (typeof refusalReasonValues)[number];
export const RefusalReasonSchema = Type.Enum(refusalReasonValues);
