import { create } from 'zustand';
import { clampSmoothing, DEFAULT_CHART_OPTIONS, type ChartOptions, type XAxisMode } from '../panes/experiments/chartMath';

interface ChartOptionsState extends ChartOptions {
  setXAxis(xAxis: XAxisMode): void;
  setLogScale(logScale: boolean): void;
  /** Clamped to 0..0.99. */
  setSmoothing(smoothing: number): void;
}

/**
 * How metric charts are drawn (x axis, log scale, smoothing). One store, so every chart of a run's
 * detail and of a comparison follows the same toolbar, and the choice survives opening another run.
 */
export const useChartOptionsStore = create<ChartOptionsState>()((set) => ({
  ...DEFAULT_CHART_OPTIONS,
  setXAxis(xAxis) {
    set({ xAxis });
  },
  setLogScale(logScale) {
    set({ logScale });
  },
  setSmoothing(smoothing) {
    set({ smoothing: clampSmoothing(smoothing) });
  },
}));
