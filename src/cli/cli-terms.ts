// Library errors in command-line terms: option names in place of library option syntax, at the CLI boundary.
import { DivergenceError, MinibatchError } from '../core/errors.js';

/** Library phrasing -> command-line phrasing, applied in order to a library error's message. */
const RULES: ReadonlyArray<[RegExp, (...m: string[]) => string]> = [
  [/pass categorical: \[("(?:[^"\\]|\\.)*"|'[^']*')\]/g, (_m, name) => `use --categorical ${cliWord(unquote(name!))}`],
  [/pass delimiter: '(\\t|.)'/g, (_m, d) => `use --delimiter ${d === '\\t' ? 'tab' : `'${d}'`}`],
  [/\bmissing: '(\w+)'/g, (_m, how) => `--missing ${how}`],
  [/streamCsv reads numeric files only/g, () => '--stream reads numeric files only'],
  [/use loadCsv for this file/g, () => 'drop --stream for this file (it is then loaded into memory)'],
  [/\bbudget\.seconds\b/g, () => '--budget-seconds'],
  [/\bbudget\.epochs\b/g, () => '--epochs'],
  [/^metric "(\w+)"/g, (_m, name) => `--metric ${name}`],
  [/\b([A-Z]{2,}[A-Z_]*) \1\b/g, (_m, code) => code!],
];

function unquote(s: string): string {
  if (s.startsWith('"')) { try { return JSON.parse(s) as string; } catch { return s.slice(1, -1); } }
  return s.slice(1, -1);
}

/** A value as the user would type it in a shell: quoted when it holds anything but word characters. */
function cliWord(s: string): string {
  return /^[\w.=-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/** The message of `err` with library option syntax replaced by the options the user typed. */
export function inCliTerms(message: string): string {
  let out = message;
  for (const [re, fn] of RULES) out = out.replace(re, (...m: unknown[]) => fn(...(m.filter((x) => typeof x === 'string') as string[])));
  return out;
}

/** A library error translated for the command line (the same code and cause); others unchanged. */
export function toCliError(err: unknown): unknown {
  if (!(err instanceof MinibatchError) || err instanceof DivergenceError) return err;
  const message = inCliTerms(err.message);
  return message === err.message ? err : new MinibatchError(err.code, message, { cause: err });
}
