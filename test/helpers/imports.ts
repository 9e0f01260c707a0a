// importsOf: the relative module specifiers a source file names (for the layering and structure tests).

/**
 * Relative module specifiers of a source file: static, side-effect, re-export and dynamic
 * imports, and (unless `entryUrls` is false) the `new URL(..., import.meta.url)` of a worker
 * or child process entry, which loads in another thread or process rather than this module graph.
 */
export function importsOf(source: string, entryUrls = true): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bnew\s+URL\s*\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url/g,
  ];
  if (!entryUrls) patterns.pop();
  for (const re of patterns) for (const m of code.matchAll(re)) if (m[1]!.startsWith('.')) out.push(m[1]!);
  return out;
}
