// VERSION is a constant (the core reads no files); it must equal package.json's version.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { VERSION } from '../../src/core/version.js';

describe('VERSION', () => {
  it('equals the version in package.json (update src/core/version.ts when bumping it)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(VERSION, pkg.version);
  });
});
