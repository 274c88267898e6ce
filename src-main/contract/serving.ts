import { Type, type Static, type TSchema } from 'typebox';
import {
  algorithmIdPattern,
  perAlgorithmSettingNames,
  servingSettingNames,
  settingDescription,
  settingRow,
  type AlgorithmOverrides,
  type ServingSettingName,
  type ServingSettingsFile,
  type ServingValues
} from './serving-settings.ts';

/**
 * The schemas of `GET/PUT/PATCH /api/v1/serving` (issue #6), derived from the settings table
 * (serving-settings.ts): a setting added there is a field here, with its range and help.
 */

/** the setting's JSON Schema: its type, its range, its help */
function valueSchema(name: ServingSettingName, description = settingDescription(name)): TSchema {
  const row = settingRow(name);
  return row.type === 'integer'
    ? Type.Integer({ minimum: row.minimum, maximum: row.maximum, description })
    : Type.Boolean({ description });
}

/**
 * In a request, null means "the default" (and in PATCH, "back to the default"). Written as a type
 * list, not anyOf: the server coerces types, and an anyOf would let null become 0 or false.
 */
function nullableValueSchema(name: ServingSettingName): TSchema {
  const schema = valueSchema(name) as TSchema & { type: string };
  return Type.Unsafe({ ...schema, type: [schema.type, 'null'] });
}

/** `{name: schemaOf(name)}` for each name, each optional */
function optionalFields(names: readonly ServingSettingName[], schemaOf: (name: ServingSettingName) => TSchema) {
  return Object.fromEntries(names.map((name) => [name, Type.Optional(schemaOf(name))]));
}

type Nullable<T> = { [K in keyof T]?: T[K] | null };

/** a request's settings: any of them, null = the default; `algorithms` keyed by id, null drops overrides */
export type ServingSettingsInput = Nullable<ServingValues> & {
  algorithms?: Record<string, Nullable<AlgorithmOverrides> | null> | null;
};

/** one algorithm's overrides; null drops them */
const AlgorithmOverridesRequest = Type.Unsafe({
  type: ['object', 'null'],
  properties: optionalFields(perAlgorithmSettingNames, nullableValueSchema),
  additionalProperties: false
});

/**
 * PUT: the whole of serving.json, what is left out (or null) takes its default.
 * PATCH: only what is given changes (JSON merge patch): null puts a setting back to its default,
 * and `"algorithms": {"2": null}` drops algorithm 2's overrides.
 */
export const ServingSettingsRequest = Type.Unsafe<ServingSettingsInput>(
  Type.Object(
    {
      ...optionalFields(servingSettingNames, nullableValueSchema),
      algorithms: Type.Optional(
        Type.Unsafe({
          type: ['object', 'null'],
          description: 'batching overrides keyed by algorithm id',
          propertyNames: { pattern: algorithmIdPattern },
          additionalProperties: AlgorithmOverridesRequest
        })
      )
    },
    { additionalProperties: false }
  )
);

const plainValue = (name: ServingSettingName) => (settingRow(name).type === 'integer' ? Type.Integer() : Type.Boolean());
const AlgorithmOverridesSchema = Type.Object(optionalFields(perAlgorithmSettingNames, plainValue));

/** What serving.json holds, as the API names it (no nulls): the same names as the file. */
export const SavedServingSettings = Type.Unsafe<ServingSettingsFile>(
  Type.Object({
    ...optionalFields(servingSettingNames, plainValue),
    algorithms: Type.Optional(Type.Record(Type.String(), AlgorithmOverridesSchema))
  })
);

/** what a response says of a setting in effect */
function inEffectSchema(name: ServingSettingName): TSchema {
  const row = settingRow(name);
  return valueSchema(name, row.appliesAt === 'restart' ? `${row.help}; as the server runs now (a saved change waits for the next start)` : row.help);
}

const fields = <T extends TSchema>(names: readonly ServingSettingName[], schemaOf: (name: ServingSettingName) => T) =>
  Object.fromEntries(names.map((name) => [name, schemaOf(name)]));

export interface ServingSettingsBody extends ServingValues {
  algorithms: Record<string, AlgorithmOverrides>;
  /** what each setting is when neither serving.json nor a flag sets it */
  defaults: ServingValues;
  /** what serving.json holds: the values saved from the app or with PUT/PATCH */
  saved: ServingSettingsFile;
  /** settings fixed by `serve` flags: saved values do not override them */
  set_on_command_line: ServingSettingName[];
  /** a saved change to a setting that applies at restart (worker_threads) waits for the next start */
  restart_needed: boolean;
  /** models loaded now, with the batching they run under and how it has gone since they loaded */
  models: (Required<AlgorithmOverrides> & {
    algorithm_id: number;
    batchable: boolean;
    runs: number;
    rows: number;
    requests: number;
    largest_batch: number;
  })[];
}

export const ServingSettings = Type.Unsafe<ServingSettingsBody>(
  Type.Object({
    ...fields(servingSettingNames, inEffectSchema),
    algorithms: Type.Record(Type.String(), AlgorithmOverridesSchema, { description: 'batching overrides keyed by algorithm id, as in effect' }),
    defaults: Type.Object(fields(servingSettingNames, plainValue), { description: 'what each setting is when neither serving.json nor a flag sets it' }),
    saved: SavedServingSettings,
    set_on_command_line: Type.Array(Type.Unsafe({ type: 'string', enum: servingSettingNames }), {
      description: `settings fixed by \`serve\` flags (${servingSettingNames.map((name) => settingRow(name).cliFlag).join(', ')}): saved values do not override them`
    }),
    restart_needed: Type.Boolean({ description: 'a saved change waits for the next start' }),
    models: Type.Array(
      Type.Object({
        algorithm_id: Type.Integer(),
        batchable: Type.Boolean(),
        ...fields(perAlgorithmSettingNames, plainValue),
        runs: Type.Integer(),
        rows: Type.Integer(),
        requests: Type.Integer(),
        largest_batch: Type.Integer()
      }),
      { description: 'models loaded now, with the batching they run under and how it has gone since they loaded' }
    )
  })
);

export type SavedServingSettingsBody = Static<typeof SavedServingSettings>;
