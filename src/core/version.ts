// The package version: a constant kept equal to package.json's (test/core/version.test.ts checks), so no file is read.

/** Version string of this package (package.json's "version"). */
export const VERSION = '0.1.0';
