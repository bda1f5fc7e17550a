import { useId, useMemo, useState } from 'react';
import type { Run } from '../../../main/contract/experiments';
import { formatMetric } from './runsTable';
import { axisFraction, metricColor, metricKeys, parallelAxes, parallelLayout, polylinePath, type ParallelAxis, type PlotBox } from './compare';

const BOX: PlotBox = { width: 800, height: 300, top: 36, right: 60, bottom: 28, left: 60 };

function shorten(text: string, max = 18): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function valueText(axis: ParallelAxis, index: number): string {
  const value = axis.values[index];
  if (value === null || value === undefined) return '—';
  return typeof value === 'number' ? formatMetric(value) : value;
}

/** The labels along one axis: the two ends of a numeric axis, every category of a categorical one. */
function AxisTicks({ axis, x, top, bottom }: { axis: ParallelAxis; x: number; top: number; bottom: number }) {
  const ticks: Array<{ label: string; y: number }> =
    axis.kind === 'numeric'
      ? axis.min === axis.max
        ? [{ label: formatMetric(axis.min), y: (top + bottom) / 2 }]
        : [
            { label: formatMetric(axis.max), y: top },
            { label: formatMetric(axis.min), y: bottom },
          ]
      : axis.categories.map((label, i) => ({ label, y: bottom - (axis.categories.length === 1 ? 0.5 : i / (axis.categories.length - 1)) * (bottom - top) }));
  return (
    <>
      {ticks.map(({ label, y }) => (
        <text key={label} x={x + 5} y={y} dy="0.35em" className="pc-tick">
          {shorten(label, 14)}
        </text>
      ))}
    </>
  );
}

export interface NamedRun {
  name: string;
  run: Run;
}

/**
 * Parallel coordinates (hand-drawn SVG): one vertical axis per param that varies among the runs
 * (numeric axes linear, categorical ones evenly spaced) and a last axis for the chosen metric; one
 * line per run, coloured from blue (lowest metric value) to red (highest). A run without a value
 * on an axis has a gap there.
 */
export function ParallelCoordinates({ runs }: { runs: readonly NamedRun[] }) {
  const keys = useMemo(() => metricKeys(runs.map((r) => r.run)), [runs]);
  const [chosen, setChosen] = useState<string | null>(null);
  const metricKey = chosen !== null && keys.includes(chosen) ? chosen : (keys[0] ?? null);
  const selectId = useId();
  const axes = useMemo(
    () =>
      parallelAxes(
        runs.map((r) => r.run),
        metricKey,
      ),
    [runs, metricKey],
  );
  const layout = parallelLayout(axes, runs.length, BOX);
  const metricAxis = axes.find((axis) => axis.source === 'metric');

  return (
    <section className="parallel-coordinates" data-testid="parallel-coordinates" data-axes={axes.length} data-lines={runs.length} aria-label="Parallel coordinates">
      <div className="pc-toolbar">
        <h2 className="section-title">Parallel coordinates</h2>
        {keys.length > 0 && (
          <>
            <label htmlFor={selectId}>Colour by metric</label>
            <select id={selectId} value={metricKey ?? ''} onChange={(event) => setChosen(event.target.value)}>
              {keys.map((key) => (
                <option key={key} value={key}>
                  {key}
                </option>
              ))}
            </select>
            <span className="muted pc-scale">
              <span className="pc-scale-bar" aria-hidden="true" /> low → high
            </span>
          </>
        )}
      </div>
      {axes.length === 0 ? (
        <p className="muted">No param varies among these runs and they logged no metrics: nothing to plot.</p>
      ) : (
        <svg viewBox={`0 0 ${BOX.width} ${BOX.height}`} className="pc-svg" role="img" aria-label={`${runs.length} runs across ${axes.map((a) => a.key).join(', ')}`}>
          {axes.map((axis, i) => (
            <g key={`${axis.source}:${axis.key}`} className="pc-axis" data-axis={axis.key} data-kind={axis.kind}>
              <line x1={layout.axisX[i]} x2={layout.axisX[i]} y1={layout.top} y2={layout.bottom} />
              <text x={layout.axisX[i]} y={layout.top - 14} textAnchor="middle" className={`pc-label${axis.source === 'metric' ? ' pc-label-metric' : ''}`}>
                {shorten(axis.key)}
              </text>
              <AxisTicks axis={axis} x={layout.axisX[i]!} top={layout.top} bottom={layout.bottom} />
            </g>
          ))}
          {runs.map(({ name }, index) => {
            const color = metricColor(metricAxis ? axisFraction(metricAxis, index) : null);
            const points = layout.lines[index] ?? [];
            return (
              <g key={index} className="pc-run" data-run={name}>
                <title>{`${name}: ${axes.map((axis) => `${axis.key} ${valueText(axis, index)}`).join(', ')}`}</title>
                <path d={polylinePath(points)} stroke={color} fill="none" strokeWidth={2} />
                {points.map((point, i) => point && <circle key={i} cx={point.x} cy={point.y} r={3} fill={color} />)}
              </g>
            );
          })}
        </svg>
      )}
    </section>
  );
}
