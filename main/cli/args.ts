/** Minimal, strict argument parsing for the `lathe` command: flags are `--name value` or `--name=value`. */
export interface ParsedArgs {
  positionals: string[];
  /** The last value of each flag. */
  flags: Map<string, string | true>;
  /** Every value of each flag, in order (for repeatable flags such as --hp). */
  all: Map<string, string[]>;
}

const BOOLEAN_FLAGS = new Set(['help', 'json', 'version', 'no-open', 'spot', 'no-follow']);

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  const all = new Map<string, string[]>();
  const set = (name: string, value: string | true) => {
    flags.set(name, value);
    if (value !== true) all.set(name, [...(all.get(name) ?? []), value]);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-h') flags.set('help', true);
    else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      if (eq > 0) set(name, arg.slice(eq + 1));
      else if (BOOLEAN_FLAGS.has(name)) set(name, true);
      else {
        const value = argv[i + 1];
        if (value === undefined) throw new UsageError(`--${name} needs a value`);
        set(name, value);
        i++;
      }
    } else positionals.push(arg);
  }
  return { positionals, flags, all };
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  if (value === true) throw new UsageError(`--${name} needs a value`);
  return value;
}

export function portFlag(args: ParsedArgs): number | undefined {
  const raw = stringFlag(args, 'port');
  if (raw === undefined) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer 0–65535, got ${raw}`);
  return port;
}
