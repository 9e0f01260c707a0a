// The package version, read once from package.json.
import { readFileSync } from 'node:fs';

/** Version string of this package (from package.json). */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
