import type { Figure } from './figures.ts';
import type { BenchOptions } from './options.ts';

/** One offered rate of a fan-out run. */
export interface CurvePoint {
  rate: number;
  sent: number;
  acked: number;
  deliveredRatio: number;
  deliveriesPerSecond: number;
  deliveryP50: number;
  deliveryP95: number;
  deliveryP99: number;
  ackP50: number;
  ackP99: number;
}

export interface Curve {
  name: string;
  points: CurvePoint[];
}

export interface BenchContext {
  options: BenchOptions;
  figures: Figure[];
  curves: Curve[];
  log(message: string): void;
}
