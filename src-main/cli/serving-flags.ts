import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  servingSettingNames,
  settingProblem,
  settingRow,
  shownDefault,
  type ServingSettingName,
  type ServingSettingsFile
} from '../contract/serving-settings.ts';

/**
 * The serving flags of `modeldesk serve`, one per row of the settings table
 * (contract/serving-settings.ts): its flag, its help, its default, its range. A value out of
 * range is refused before anything starts. No commander default is set: a flag given is a
 * setting fixed for this run (over serving.json), a flag not given leaves the saved value.
 */
export function servingOptions(): { name: ServingSettingName; option: Option }[] {
  return servingSettingNames.map((name) => {
    const row = settingRow(name);
    const help = `${row.help} (default ${shownDefault(name)})`;
    const option =
      row.type === 'integer'
        ? new Option(`${row.cliFlag} ${row.cliValue}`, help).argParser((value: string) => integerOf(name, value))
        : new Option(row.cliFlag, help);
    return { name, option };
  });
}

function integerOf(name: ServingSettingName, value: string): number {
  const n = value.trim() === '' ? NaN : Number(value);
  const problem = settingProblem(name, n);
  if (problem) throw new InvalidArgumentError(problem);
  return n;
}

/** Adds the serving flags to `command`; the returned function reads them back from its parsed options. */
export function addServingFlags(command: Command): (options: Record<string, unknown>) => ServingSettingsFile {
  const options = servingOptions();
  for (const { option } of options) command.addOption(option);
  return (parsed) =>
    Object.fromEntries(
      options.map(({ name, option }) => [name, parsed[option.attributeName()]]).filter(([, value]) => value !== undefined)
    ) as ServingSettingsFile;
}
