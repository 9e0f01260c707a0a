// The ways CSV loading treats missing values (error, drop, mean), apart from the parser so the CLI can check --missing without loading it.

/** What to do with a missing cell: refuse it, drop its row, or fill it with the column's mean (most frequent value for categories). */
export const MISSING_MODES = ['error', 'drop', 'mean'] as const;
export type MissingMode = (typeof MISSING_MODES)[number];
