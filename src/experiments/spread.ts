// Spread: a figure over seeds (mean, sd, extremes, the values): the leaf type every result record uses.

/** Mean and spread of one quantity over seeds. */
export interface Spread {
  mean: number;
  sd: number;
  min: number;
  max: number;
  values: number[];
}
