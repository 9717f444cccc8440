import { fileURLToPath } from 'node:url';

/** POSIX shell quoting of one word. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The `ntk` command of this installation as argv: this Node binary and this package's bin/ntk.js. */
export function ntkCommand(): string[] {
  return [process.execPath, fileURLToPath(new URL('../../../bin/ntk.js', import.meta.url))];
}
