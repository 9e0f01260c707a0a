// The playground's data sets: the seeded synthetic generators and a 300-digit MNIST subset, split and scaled.
import { Dataset } from '../../data/dataset.js';
import { blobs, linearData, moons } from '../../data/synthetic.js';
import { split } from '../../data/split.js';
import { applyScaling, fitScaling } from '../../data/scaling.js';

export type DataName = 'moons' | 'blobs' | 'linear' | 'mnist';

/** A split data set ready to train on; `classes` is undefined for regression. */
export interface PlayData { train: Dataset; val: Dataset; classes: number | undefined; twoD: boolean }

/** 300 digits (30 of each) shipped beside the page: 784 pixel bytes per digit, then 300 label bytes. */
async function mnistSubset(): Promise<Dataset> {
  const res = await fetch('mnist-300.bin');
  if (!res.ok) throw new Error(`mnist-300.bin: HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const n = 300; const px = 784;
  const x = new Float32Array(n * px); const y = new Float32Array(n);
  for (let i = 0; i < n * px; i++) x[i] = bytes[i]! / 255;
  for (let i = 0; i < n; i++) y[i] = bytes[n * px + i]!;
  return new Dataset(x, y, n, { classNames: Array.from({ length: 10 }, (_, c) => String(c)) });
}

/** Loads `name`, holds out a seeded fifth for validation and standardises the 2-D sets. */
export async function loadPlayData(name: DataName): Promise<PlayData> {
  const seed = 7;
  const raw = name === 'moons' ? moons({ rows: 200, noise: 0.15, seed })
    : name === 'blobs' ? blobs({ rows: 200, classes: 3, spread: 2, seed })
      : name === 'linear' ? linearData({ rows: 200, features: 2, noise: 0.3, seed }).data
        : await mnistSubset();
  const classes = name === 'linear' ? undefined : raw.classCount();
  const parts = split(raw, { testFraction: 0.2, seed, stratify: classes !== undefined });
  const scaling = fitScaling(parts.train, name === 'mnist' ? 'none' : 'standardize');
  return { train: applyScaling(parts.train, scaling), val: applyScaling(parts.test, scaling), classes, twoD: name !== 'mnist' };
}
