// Vega-Lite specs of the noise-scale stage: B_simple over training, throughput by batch size, predicted vs measured time.
import type { TopLevelSpec } from 'vega-lite';
import type { NoiseStudy } from '../experiments/records.js';
import { formatNumber } from './format.js';
import { CHART_HEIGHT, CHART_WIDTH, VL_CONFIG } from './theme.js';

const BLUE = '#0072B2'; const ORANGE = '#E69F00'; const GREY = '#888';

const pos = (v: number): boolean => Number.isFinite(v) && v > 0;

/**
 * B_simple measured during the tracking run against epochs (log y): each measurement a grey dot,
 * the separately smoothed tr(Sigma)/|G|^2 a line, and B_crit from the learning curves a dashed
 * rule. Undefined when no measurement is positive and finite.
 */
export function noiseOverTrainingSpec(noise: NoiseStudy): TopLevelSpec | undefined {
  const pts = noise.tracking.points.filter((p) => pos(p.bSimple)).map((p) => ({ epoch: p.epoch, b: p.bSimple, smooth: p.smoothedBSimple, loss: p.loss }));
  if (pts.length === 0) return undefined;
  const x = { field: 'epoch', type: 'quantitative' as const, title: 'epochs of the tracking run', scale: { zero: true, nice: true } };
  const y = { type: 'quantitative' as const, title: 'noise scale B_simple (log)', scale: { type: 'log' as const } };
  const layers: NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']> = [
    { data: { values: pts }, mark: { type: 'point', filled: true, size: 40, color: GREY }, encoding: { x, y: { ...y, field: 'b' } } },
    { data: { values: pts.filter((p) => pos(p.smooth)) }, mark: { type: 'line', strokeWidth: 2, color: BLUE }, encoding: { x, y: { ...y, field: 'smooth' } } },
  ];
  const bc = noise.critical.bCrit;
  if (pos(bc)) {
    layers.push(
      { data: { values: [{ b: bc }] }, mark: { type: 'rule', strokeDash: [6, 4], color: ORANGE, strokeWidth: 2 }, encoding: { y: { ...y, field: 'b' } } },
      {
        data: { values: [{ b: bc, epoch: 0, note: `B_crit ${formatNumber(bc)}` }] },
        mark: { type: 'text', align: 'left', dx: 4, dy: -8, color: '#8a5a00' }, encoding: { x, y: { ...y, field: 'b' }, text: { field: 'note' } },
      },
    );
  }
  return { description: 'gradient noise scale over training with the critical batch size', width: CHART_WIDTH, height: CHART_HEIGHT, config: VL_CONFIG, layer: layers };
}

/** Examples per second against batch size (log-log), with the knee marked by a dashed rule. */
export function throughputSpec(noise: NoiseStudy): TopLevelSpec | undefined {
  const rows = noise.throughput.rows.filter((r) => pos(r.examplesPerSecond)).map((r) => ({ batchSize: r.batchSize, rate: r.examplesPerSecond }));
  if (rows.length === 0) return undefined;
  const x = { field: 'batchSize', type: 'quantitative' as const, title: 'batch size (log scale)', scale: { type: 'log' as const, nice: false }, axis: { format: '~s' } };
  const y = { field: 'rate', type: 'quantitative' as const, title: 'examples per second (log)', scale: { type: 'log' as const }, axis: { format: '~s' } };
  const knee = noise.throughput.knee;
  const layers: NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']> = [
    { data: { values: rows }, mark: { type: 'line', strokeWidth: 2, color: BLUE, point: { filled: true, size: 40, color: BLUE } }, encoding: { x, y } },
  ];
  if (pos(knee)) {
    layers.push(
      { data: { values: [{ batchSize: knee }] }, mark: { type: 'rule', strokeDash: [6, 4], color: ORANGE, strokeWidth: 2 }, encoding: { x } },
      {
        data: { values: [{ batchSize: knee, rate: Math.min(...rows.map((r) => r.rate)), note: `knee ${knee}` }] },
        mark: { type: 'text', align: 'left', dx: 4, dy: -4, color: '#8a5a00' }, encoding: { x, y, text: { field: 'note' } },
      },
    );
  }
  return { description: 'training throughput by batch size with the knee', width: CHART_WIDTH, height: CHART_HEIGHT, config: VL_CONFIG, layer: layers };
}

/**
 * Predicted time to the target loss, S_min (1 + B_noise/B) x seconds per update, against batch
 * size (a line, log-log) with the measured times of the compared batch sizes as dots.
 */
export function predictedTimeSpec(noise: NoiseStudy): TopLevelSpec | undefined {
  const p = noise.prediction;
  const line = p.rows.filter((r) => pos(r.seconds)).map((r) => ({ batchSize: r.batchSize, seconds: r.seconds, kind: 'predicted' }));
  const dots = p.rows.filter((r) => r.measuredSeconds !== undefined && pos(r.measuredSeconds)).map((r) => ({ batchSize: r.batchSize, seconds: r.measuredSeconds!, kind: 'measured' }));
  if (line.length === 0) return undefined;
  const x = { field: 'batchSize', type: 'quantitative' as const, title: 'batch size (log scale)', scale: { type: 'log' as const, nice: false }, axis: { format: '~s' } };
  const y = { field: 'seconds', type: 'quantitative' as const, title: 'seconds to target (log)', scale: { type: 'log' as const } };
  const color = { field: 'kind', type: 'nominal' as const, title: null, scale: { domain: ['predicted', 'measured'], range: [BLUE, ORANGE] } };
  return {
    description: 'predicted and measured training seconds to the target loss by batch size',
    width: CHART_WIDTH, height: CHART_HEIGHT, config: VL_CONFIG,
    layer: [
      { data: { values: line }, mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y, color } },
      { data: { values: dots }, mark: { type: 'point', filled: true, size: 90 }, encoding: { x, y, color } },
    ],
  };
}
