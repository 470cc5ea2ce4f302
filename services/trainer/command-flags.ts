import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';

type FlagOptions = NonNullable<ParseArgsConfig['options']>;
type WithHelp<T extends FlagOptions> = T & { help: { type: 'boolean'; short: 'h' } };
/** The parsed flags of a command whose options are `T` (plus --help). */
export type CommandFlags<T extends FlagOptions> = ReturnType<typeof parseArgs<{ args: string[]; options: WithHelp<T>; strict: true }>>['values'];

/**
 * A trainer command's flags, or the exit code when there is nothing to run: 0 after printing
 * the usage for --help, 2 after printing a bad flag's message and the usage.
 */
export function parseCommandFlags<T extends FlagOptions>(command: string, usage: string, argv: string[], options: T): CommandFlags<T> | number {
  let values: CommandFlags<T>;
  try {
    ({ values } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } } as WithHelp<T>, strict: true }));
  } catch (err) {
    console.error(`dlrs ${command}: ${err instanceof Error ? err.message : String(err)}\n\n${usage}`);
    return 2;
  }
  if ((values as { help?: boolean }).help === true) {
    console.log(usage);
    return 0;
  }
  return values;
}
