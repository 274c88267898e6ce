/**
 * The serving settings, declared once (issue #13). Each row says what a setting is; everything
 * else is derived from it: the TypeBox schemas of `/api/v1/serving` (contract/serving.ts), the
 * flags of `modeldesk serve` (cli/serve-flags.ts), the core's checks of serving.json and of
 * flags (core/serving/serving-settings.ts) and the form on the Server page
 * (ServingSettingsCard.tsx, which imports this module at run time).
 *
 * One naming scheme everywhere: the row's name is the API field, the serving.json key and the
 * key of `CoreConfig.serving`. This module imports nothing: the browser runs it.
 */

interface SettingRow {
  /** a short title for the form */
  label: string;
  /** what it does and what the values mean, for the form, `--help` and the OpenAPI description */
  help: string;
  /** shown after numbers (form label, `--help`); none for plain counts */
  unit?: string;
  /** the `serve` flag that fixes it for one run; a boolean's flag turns it on */
  cliFlag: `--${string}`;
  /** 'live': a save applies while serving; 'restart': it waits for the next start */
  appliesAt: 'live' | 'restart';
  /** an algorithm may override it (`algorithms` in serving.json and the API) */
  perAlgorithm: boolean;
  /** where the Server page shows it: the Serving card (models, and how much of a record is logged) or the Request log card (retention) */
  section: 'models' | 'request_log';
}

export interface IntegerSettingRow extends SettingRow {
  type: 'integer';
  minimum: number;
  maximum: number;
  default: number;
  /** the flag's value placeholder in `--help` */
  cliValue: string;
}

export interface BooleanSettingRow extends SettingRow {
  type: 'boolean';
  default: boolean;
}

export type ServingSettingRow = IntegerSettingRow | BooleanSettingRow;

/**
 * In API order. The defaults were chosen by measurement (docs/BENCHMARKS.md): one intra-op thread
 * keeps every answer bit-identical whatever batch it ran in (onnxruntime's tree ensembles sum a
 * lone row's trees in another order with two); adaptive batching costs a lone request no wait;
 * worker threads cost ~80 MB more memory, so they are opt-in. The request log keeps everything
 * unless told otherwise (issue #18): deleting a user's data is never a default.
 */
export const servingSettings = {
  intra_op_threads: {
    type: 'integer',
    minimum: 0,
    maximum: 256,
    default: 1,
    label: 'onnxruntime threads per model',
    help: 'onnxruntime intra-op threads per model: 1 keeps every answer identical whatever batch it ran in; 2 is faster on large batches; 0 = one per core',
    cliFlag: '--threads',
    cliValue: '<n>',
    appliesAt: 'live',
    perAlgorithm: false,
    section: 'models'
  },
  worker_threads: {
    type: 'boolean',
    default: false,
    label: 'Large calls on worker threads',
    help: 'Calls of 256+ records run on worker threads: 17–37% more rows/s on 1,000-record calls (2 to 16 cores), for about 40% more CPU per row and 60–90 MB more memory',
    cliFlag: '--worker-threads',
    appliesAt: 'restart',
    perAlgorithm: false,
    section: 'models'
  },
  job_worker_threads: {
    type: 'integer',
    minimum: 0,
    maximum: 256,
    default: 0,
    label: 'Batch job worker threads',
    help: 'Worker threads a batch job or replay runs on, each holding its own copy of the model; 0 = one per core but one (the serving thread keeps a core for the online API)',
    cliFlag: '--job-workers',
    cliValue: '<n>',
    appliesAt: 'live',
    perAlgorithm: false,
    section: 'models'
  },
  max_batch_size: {
    type: 'integer',
    minimum: 1,
    maximum: 100_000,
    default: 64,
    unit: 'rows',
    label: 'Largest batch',
    help: 'Most rows one model run takes from concurrent requests; 1 turns batching off',
    cliFlag: '--max-batch-size',
    cliValue: '<n>',
    appliesAt: 'live',
    perAlgorithm: true,
    section: 'models'
  },
  max_wait_us: {
    type: 'integer',
    minimum: 0,
    maximum: 10_000_000,
    default: 0,
    unit: 'µs',
    label: 'Batch wait',
    help: 'How long a batch may wait for more rows; 0 = adaptive: no timer, a lone request runs at once and rows queue only while a run is in flight',
    cliFlag: '--max-batch-wait-us',
    cliValue: '<us>',
    appliesAt: 'live',
    perAlgorithm: true,
    section: 'models'
  },
  max_logged_record_bytes: {
    type: 'integer',
    minimum: 1024,
    maximum: 1_073_741_824,
    default: 1_048_576,
    unit: 'bytes',
    label: 'Largest logged record',
    help: 'A record larger than this (as JSON) is still answered, but the request log keeps a marker with its size and SHA-256 instead of its fields',
    cliFlag: '--max-logged-record-bytes',
    cliValue: '<bytes>',
    appliesAt: 'live',
    perAlgorithm: false,
    section: 'models'
  },
  log_retention_days: {
    type: 'integer',
    minimum: 0,
    maximum: 36_500,
    default: 0,
    unit: 'days',
    label: 'Keep requests for',
    help: 'Request-log rows older than this are deleted (in small batches, in the background); 0 = keep everything. Rows with feedback for a running A/B test are kept',
    cliFlag: '--log-retention-days',
    cliValue: '<days>',
    appliesAt: 'live',
    perAlgorithm: false,
    section: 'request_log'
  },
  log_retention_mb: {
    type: 'integer',
    minimum: 0,
    maximum: 10_000_000,
    default: 0,
    unit: 'MB',
    label: 'Keep the database under',
    help: 'The oldest request-log rows are deleted while the database holds more than this; 0 = no size limit. Rows with feedback for a running A/B test are kept',
    cliFlag: '--log-retention-mb',
    cliValue: '<mb>',
    appliesAt: 'live',
    perAlgorithm: false,
    section: 'request_log'
  }
} as const satisfies Record<string, ServingSettingRow>;

type Table = typeof servingSettings;
export type ServingSettingName = keyof Table;
export type PerAlgorithmSettingName = { [K in ServingSettingName]: Table[K]['perAlgorithm'] extends true ? K : never }[ServingSettingName];

/** one value per setting */
export type ServingValues = { -readonly [K in ServingSettingName]: Table[K]['type'] extends 'integer' ? number : boolean };
/** an algorithm's own values for the settings it may override */
export type AlgorithmOverrides = Partial<Pick<ServingValues, PerAlgorithmSettingName>>;
/**
 * What serving.json holds, what `saved` shows over the API and what `CoreConfig.serving` (the
 * flags) sets: any of the settings, and overrides keyed by algorithm id.
 */
export type ServingSettingsFile = Partial<ServingValues> & { algorithms?: Record<string, AlgorithmOverrides> };

export const servingSettingNames = Object.keys(servingSettings) as ServingSettingName[];
export const perAlgorithmSettingNames = servingSettingNames.filter(
  (name): name is PerAlgorithmSettingName => servingSettings[name].perAlgorithm
);

export function settingRow(name: ServingSettingName): ServingSettingRow {
  return servingSettings[name];
}

/** what each setting is when neither serving.json nor a flag sets it */
export const servingDefaults = Object.fromEntries(
  servingSettingNames.map((name) => [name, servingSettings[name].default])
) as ServingValues;

/** an algorithm id, as the keys of `algorithms` are written */
export const algorithmIdPattern = '^[1-9][0-9]*$';

/** Why `value` is not a valid value of the setting ("must be …"), or undefined when it is. */
export function settingProblem(name: ServingSettingName, value: unknown): string | undefined {
  const row = settingRow(name);
  if (row.type === 'boolean') return typeof value === 'boolean' ? undefined : 'must be true or false';
  const ok = typeof value === 'number' && Number.isInteger(value) && value >= row.minimum && value <= row.maximum;
  return ok ? undefined : `must be an integer from ${row.minimum} to ${row.maximum}${row.unit ? ` (${row.unit})` : ''}`;
}

/** the help text with what the table adds to it: when a change applies */
export function settingDescription(name: ServingSettingName): string {
  const row = settingRow(name);
  return row.appliesAt === 'restart' ? `${row.help}. Applies at the next start.` : row.help;
}

/** the default as a person reads it: "64 rows", "off" */
export function shownDefault(name: ServingSettingName): string {
  const row = settingRow(name);
  if (row.type === 'boolean') return row.default ? 'on' : 'off';
  return row.unit ? `${row.default} ${row.unit}` : String(row.default);
}
