// Scalar maths shared by every backend and by the losses above them (part of the kernel interface).

/** The logistic function 1 / (1 + e^-z), evaluated without overflow for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}
