import { lazy, Suspense, type CSSProperties } from 'react';
import { TriangleAlert } from 'lucide-react';
import type { FiledReport } from '../../../main/contract/registry';
import { formatTime, formatValue, MISSING } from './registryFormat';
import { aucOf, readBias, readEvaluation, readExplainability, type ConfusionMatrix } from './reports';

// recharts is big: it loads with the first report shown, not with the pane.
const RocChart = lazy(() => import('./ReportCharts').then((module) => ({ default: module.RocChart })));
const ImportanceChart = lazy(() => import('./ReportCharts').then((module) => ({ default: module.ImportanceChart })));

const chartFallback = <p className="muted">Loading the chart…</p>;

function ReportHeader({ title, report, facts }: { title: string; report: FiledReport; facts: string[] }) {
  return (
    <header className="report-header">
      <h3>{title}</h3>
      <p className="muted">
        {[...facts, `filed ${formatTime(report.CreationTime)}`, report.ProcessingJobName ? `by job ${report.ProcessingJobName}` : null].filter(Boolean).join(' · ')}
      </p>
    </header>
  );
}

/** Counts by actual (rows) and predicted (columns) class; the diagonal is what the model got right. */
export function ConfusionMatrixGrid({ confusion }: { confusion: ConfusionMatrix }) {
  const total = confusion.matrix.flat().reduce<number>((sum, n) => sum + (n !== null && Number.isFinite(n) ? n : 0), 0);
  return (
    <table className="confusion-matrix" data-testid="confusion-matrix">
      <caption>Confusion matrix (rows: actual class, columns: predicted class)</caption>
      <thead>
        <tr>
          <th scope="col">Actual \ Predicted</th>
          {confusion.labels.map((label) => (
            <th key={label} scope="col">
              {label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {confusion.labels.map((actual, i) => (
          <tr key={actual}>
            <th scope="row">{actual}</th>
            {confusion.labels.map((predicted, j) => {
              const count = confusion.matrix[i]?.[j] ?? null;
              const share = count !== null && total > 0 && Number.isFinite(count) ? count / total : 0;
              return (
                <td
                  key={predicted}
                  className={`numeric ${i === j ? 'cm-hit' : 'cm-miss'}`}
                  style={{ '--cm-share': String(Math.min(1, 0.12 + share * 1.5)) } as CSSProperties}
                  title={`actual ${actual}, predicted ${predicted}: ${formatValue(count)}`}
                >
                  {formatValue(count)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Warnings({ warnings }: { warnings: string[] }) {
  if (warnings.length === 0) return null;
  return (
    <ul className="report-warnings">
      {warnings.map((warning) => (
        <li key={warning}>
          <TriangleAlert size={13} aria-hidden="true" /> {warning}
        </li>
      ))}
    </ul>
  );
}

export function EvaluationReport({ report }: { report: FiledReport }) {
  const view = readEvaluation(report.Body);
  const facts = [view.problemType ? `${view.problemType} problem` : null, view.model, view.rows !== null ? `${formatValue(view.rows)} rows` : null, view.features !== null ? `${formatValue(view.features)} features` : null].filter((f): f is string => f !== null);
  return (
    <section className="report" data-testid="report-evaluation" aria-label="Evaluation report">
      <ReportHeader title="Evaluation" report={report} facts={facts} />
      <Warnings warnings={view.warnings} />
      <div className="report-body">
        {view.metrics.length === 0 ? (
          <p className="muted">The report lists no metrics.</p>
        ) : (
          <table className="table compact-table report-metrics" data-testid="report-evaluation-metrics">
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col" className="numeric">
                  Value
                </th>
              </tr>
            </thead>
            <tbody>
              {view.metrics.map((metric) => (
                <tr key={metric.name}>
                  <td>
                    <code>{metric.name}</code>
                  </td>
                  <td className="numeric">{formatValue(metric.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {view.confusion ? <ConfusionMatrixGrid confusion={view.confusion} /> : view.problemType !== 'regression' && <p className="muted">No confusion matrix in this report.</p>}
      </div>
      {view.roc && (
        <Suspense fallback={chartFallback}>
          <RocChart points={view.roc} auc={aucOf(view)} />
        </Suspense>
      )}
    </section>
  );
}

export function ExplainabilityReport({ report }: { report: FiledReport }) {
  const view = readExplainability(report.Body);
  const facts = [view.method, view.rows !== null ? `${formatValue(view.rows)} rows` : null, view.expectedValue !== null ? `expected value ${view.expectedValue}` : null].filter((f): f is string => f !== null);
  const withShap = view.features.some((f) => f.meanShap !== null);
  return (
    <section className="report" data-testid="report-explainability" aria-label="Explainability report">
      <ReportHeader title="Explainability" report={report} facts={facts} />
      <Warnings warnings={view.warnings} />
      {view.features.length === 0 ? (
        <p className="muted">The report lists no features.</p>
      ) : (
        <>
          <Suspense fallback={chartFallback}>
            <ImportanceChart features={view.features} method={view.method} />
          </Suspense>
          <details className="report-details">
            <summary>All {view.features.length} features</summary>
            <table className="table compact-table" data-testid="report-importance-table">
              <thead>
                <tr>
                  <th scope="col">Feature</th>
                  <th scope="col" className="numeric">
                    Importance
                  </th>
                  {withShap && (
                    <th scope="col" className="numeric">
                      Mean SHAP
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {view.features.map((feature, i) => (
                  <tr key={`${feature.name}-${i}`}>
                    <td>
                      <code>{feature.name}</code>
                    </td>
                    <td className="numeric">{formatValue(feature.importance)}</td>
                    {withShap && <td className="numeric">{formatValue(feature.meanShap)}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}

export function BiasReport({ report }: { report: FiledReport }) {
  const view = readBias(report.Body);
  const facts = [
    view.facet !== null ? `facet ${view.facet}${view.valueOrThreshold !== null ? ` (${view.valueOrThreshold})` : ''}` : null,
    view.counts.nA !== null || view.counts.nD !== null ? `${formatValue(view.counts.nD)} rows in the facet (d), ${formatValue(view.counts.nA)} others (a)` : null,
  ].filter((f): f is string => f !== null);
  const rows = view.groups.flatMap((group) => group.metrics.map((metric) => ({ group, metric })));
  return (
    <section className="report" data-testid="report-bias" aria-label="Bias report">
      <ReportHeader title="Bias" report={report} facts={facts} />
      {rows.length === 0 ? (
        <p className="muted">The report lists no bias metrics.</p>
      ) : (
        <table className="table compact-table" data-testid="report-bias-metrics">
          <thead>
            <tr>
              <th scope="col">Stage</th>
              <th scope="col">Facet</th>
              <th scope="col">Metric</th>
              <th scope="col" className="numeric">
                Value
              </th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ group, metric }, i) => (
              <tr key={i}>
                <td>{group.stage}</td>
                <td>
                  <code>{group.facet}</code>
                  {group.valueOrThreshold !== '' && <span className="muted"> {group.valueOrThreshold}</span>}
                </td>
                <td title={metric.description ?? undefined}>
                  <code>{metric.name}</code>
                  {metric.description && <span className="muted"> {metric.description}</span>}
                </td>
                <td className="numeric">{formatValue(metric.value)}</td>
                <td className={metric.error ? 'field-error' : 'muted'}>{metric.error ?? MISSING}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The model card counts as a report once complete. */
export function CardReport({ report }: { report: FiledReport }) {
  return (
    <section className="report" data-testid="report-model-card" aria-label="Model card report">
      <ReportHeader title="Model card" report={report} facts={['complete']} />
    </section>
  );
}
