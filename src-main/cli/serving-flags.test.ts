import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/fixtures/index.ts';
import { servingDefaults, servingSettingNames, settingRow } from '../contract/serving-settings.ts';
import { addServingFlags } from './serving-flags.ts';

/** `serve` with the table's flags, parsed as commander parses argv; errors thrown, not printed */
function parse(...args: string[]) {
  const command = new Command('serve').exitOverride().configureOutput({ writeErr: () => undefined });
  const flagsOf = addServingFlags(command);
  command.parse(args, { from: 'user' });
  return flagsOf(command.opts());
}

const flagged = servingSettingNames.map((name) => [name, settingRow(name)] as const);

describe('serve flags come from the settings table', () => {
  it('has one flag per setting, and its help shows the default', () => {
    const command = new Command('serve');
    addServingFlags(command);
    const help = command.helpInformation();
    for (const [name, row] of flagged) {
      const option = command.options.find((o) => o.long === row.cliFlag);
      expect(option, row.cliFlag).toBeDefined();
      expect(help, name).toContain(row.cliFlag);
      expect(option!.description, name).toContain(row.help);
      expect(option!.description, name).toMatch(new RegExp(`default ${row.type === 'boolean' ? (row.default ? 'on' : 'off') : row.default}\\b`));
    }
  });

  it('a flag given sets its setting by the table name; none given sets nothing', () => {
    expect(parse()).toEqual({});
    const args = flagged.flatMap(([, row]) => (row.type === 'boolean' ? [row.cliFlag] : [row.cliFlag, String(row.maximum)]));
    expect(parse(...args)).toEqual(
      Object.fromEntries(flagged.map(([name, row]) => [name, row.type === 'boolean' ? true : row.maximum]))
    );
  });

  it('refuses a value out of the range the table gives, naming the flag and the range', () => {
    for (const [name, row] of flagged) {
      if (row.type !== 'integer') continue;
      for (const bad of [String(row.minimum - 1), String(row.maximum + 1), '1.5', 'many', '']) {
        expect(() => parse(row.cliFlag, bad), `${name} ${bad}`).toThrow(
          new RegExp(`option '${row.cliFlag} ${row.cliValue}' argument '${bad}' is invalid. must be an integer from ${row.minimum} to ${row.maximum}`)
        );
      }
    }
  });

  it('the README lists every serve flag with the default the table gives', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    for (const [name, row] of flagged) {
      const line = readme.split('\n').find((l) => l.startsWith(`| \`${row.cliFlag}`));
      expect(line, row.cliFlag).toBeDefined();
      const shown = row.type === 'boolean' ? (servingDefaults[name] ? 'on' : 'off') : String(servingDefaults[name]);
      expect(line!.split('|')[2]!.trim(), row.cliFlag).toBe(shown);
    }
  });
});
