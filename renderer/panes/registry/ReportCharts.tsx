/** The report charts (recharts is big: this module loads with the first report shown). */
import { Bar, BarChart, CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { formatValue } from './registryFormat';
import { MAX_CHART_FEATURES, type FeatureImportance, type RocPoint } from './reports';

const LINE = '#2f7fe0';
const DIAGONAL = '#9aa3ad';
const MARGIN = { top: 8, right: 16, bottom: 18, left: 0 };
const CHANCE = [
  { fpr: 0, chance: 0 },
  { fpr: 1, chance: 1 },
];

const tick = { fontSize: 11 };
const ratio = (v: number) => String(Number(v.toFixed(2)));

/** The ROC curve (false → true positive rate) over the chance diagonal. */
export function RocChart({ points, auc }: { points: RocPoint[]; auc: number | null }) {
  return (
    <figure className="metric-chart registry-chart" data-testid="roc-chart" data-points={points.length}>
      <figcaption>
        ROC curve<span className="muted"> · AUC {formatValue(auc)} · true positive rate (up) against false positive rate · dashed: chance</span>
      </figcaption>
      <LineChart responsive style={{ width: '100%', height: 260, maxWidth: 420 }} margin={MARGIN}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
        <XAxis
          dataKey="fpr"
          type="number"
          domain={[0, 1]}
          ticks={[0, 0.25, 0.5, 0.75, 1]}
          tickFormatter={ratio}
          tick={tick}
          label={{ value: 'False positive rate', position: 'insideBottom', offset: -10, fontSize: 11 }}
        />
        <YAxis type="number" domain={[0, 1]} ticks={[0, 0.25, 0.5, 0.75, 1]} tickFormatter={ratio} tick={tick} width={40} />
        <Tooltip formatter={(value) => (typeof value === 'number' ? formatValue(value) : String(value))} labelFormatter={(x) => `FPR ${typeof x === 'number' ? formatValue(x) : String(x)}`} />
        <Line data={CHANCE} type="linear" dataKey="chance" name="chance" stroke={DIAGONAL} strokeDasharray="4 4" dot={false} isAnimationActive={false} tooltipType="none" />
        <Line data={points} type="linear" dataKey="tpr" name="TPR" stroke={LINE} strokeWidth={2} dot={false} isAnimationActive={false} />
      </LineChart>
    </figure>
  );
}

/** The biggest feature importances as horizontal bars. */
export function ImportanceChart({ features, method }: { features: FeatureImportance[]; method: string | null }) {
  const rows = features
    .filter((f) => f.importance !== null && Number.isFinite(f.importance))
    .slice(0, MAX_CHART_FEATURES)
    .map((f) => ({ name: f.name, importance: f.importance }));
  if (rows.length === 0) return null;
  const longest = Math.max(...rows.map((r) => r.name.length));
  return (
    <figure className="metric-chart registry-chart" data-testid="importance-chart" data-features={rows.length}>
      <figcaption>
        Feature importance<span className="muted">{method ? ` · ${method}` : ''}{features.length > rows.length ? ` · top ${rows.length} of ${features.length}` : ''}</span>
      </figcaption>
      <BarChart responsive layout="vertical" data={rows} style={{ width: '100%', height: 40 + rows.length * 24, maxWidth: 640 }} margin={{ top: 4, right: 16, bottom: 4, left: 4 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" horizontal={false} />
        <XAxis type="number" tick={tick} tickFormatter={(v: number) => formatValue(v)} />
        <YAxis type="category" dataKey="name" tick={tick} width={Math.min(180, 12 + longest * 7)} interval={0} />
        <Tooltip formatter={(value) => (typeof value === 'number' ? formatValue(value) : String(value))} />
        <Bar dataKey="importance" name="importance" fill={LINE} isAnimationActive={false} />
      </BarChart>
    </figure>
  );
}
