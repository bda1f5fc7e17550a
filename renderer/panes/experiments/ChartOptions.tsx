import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useChartOptionsStore } from '../../state/chartOptionsStore';
import { MAX_SMOOTHING, type ChartOptions, type XAxisMode } from './chartMath';

const X_AXES: Array<{ mode: XAxisMode; label: string; title: string }> = [
  { mode: 'step', label: 'Step', title: 'The step each value was logged at' },
  { mode: 'time', label: 'Time', title: "Wall time since the run's first logged value" },
];

/** The options every metric chart follows, read as one value. */
export function useChartOptions(): ChartOptions {
  return useChartOptionsStore(useShallow((s) => ({ xAxis: s.xAxis, logScale: s.logScale, smoothing: s.smoothing })));
}

/**
 * The toolbar above a group of metric charts: x axis (segmented radio group, arrow keys move
 * between Step and Time), log scale, smoothing. Native inputs, so keyboard and screen readers work.
 */
export function ChartOptionsToolbar() {
  const { xAxis, logScale, smoothing } = useChartOptions();
  const setXAxis = useChartOptionsStore((s) => s.setXAxis);
  const setLogScale = useChartOptionsStore((s) => s.setLogScale);
  const setSmoothing = useChartOptionsStore((s) => s.setSmoothing);
  const name = useId();
  const smoothingId = useId();
  return (
    <div className="chart-options" role="toolbar" aria-label="Chart options" data-testid="chart-options">
      <div className="segmented" role="radiogroup" aria-label="X axis">
        {X_AXES.map(({ mode, label, title }) => (
          <label key={mode} className={`segment${xAxis === mode ? ' segment-selected' : ''}`} title={title}>
            <input type="radio" name={name} value={mode} checked={xAxis === mode} onChange={() => setXAxis(mode)} />
            {label}
          </label>
        ))}
      </div>
      <label className="chart-option">
        <input type="checkbox" checked={logScale} onChange={(event) => setLogScale(event.target.checked)} />
        Log scale
      </label>
      <label className="chart-option" htmlFor={smoothingId}>
        Smoothing
      </label>
      <input
        id={smoothingId}
        type="range"
        min={0}
        max={MAX_SMOOTHING}
        step={0.01}
        value={smoothing}
        onChange={(event) => setSmoothing(Number(event.target.value))}
        aria-valuetext={smoothing === 0 ? 'off' : smoothing.toFixed(2)}
      />
      <output className="chart-option-value numeric" htmlFor={smoothingId}>
        {smoothing === 0 ? 'off' : smoothing.toFixed(2)}
      </output>
    </div>
  );
}
