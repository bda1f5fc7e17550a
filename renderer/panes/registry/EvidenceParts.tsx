import { CircleCheck, CircleX } from 'lucide-react';
import type { GateCheck, VersionEvidence } from '../../../main/contract/registry';
import { formatDelta, formatValue, MISSING } from './registryFormat';

/** Whether the version meets its group's gates: "All gates pass", or each unmet condition marked failed. */
export function GateCheckView({ check, hasGates, testId = 'registry-gate-check' }: { check: GateCheck; hasGates: boolean; testId?: string }) {
  if (check.Passed) {
    return (
      <p className="gate-pass" data-testid={testId} data-passed="true">
        <CircleCheck size={14} aria-hidden="true" /> {hasGates ? 'All gates pass' : 'All gates pass (this group has no gates)'}
      </p>
    );
  }
  return (
    <div data-testid={testId} data-passed="false">
      <p className="gate-fail-title">
        {check.Unmet.length} gate condition{check.Unmet.length === 1 ? '' : 's'} not met:
      </p>
      <ul className="gate-unmet">
        {check.Unmet.map((line) => (
          <li key={line}>
            <CircleX size={14} aria-hidden="true" className="gate-failed-icon" />
            <span className="visually-hidden">Failed: </span>
            {line}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The version's metrics beside the champion's, with the difference coloured better or worse. */
export function MetricDeltasTable({ evidence, testId = 'registry-evidence-metrics' }: { evidence: VersionEvidence; testId?: string }) {
  const champion = evidence.Champion;
  if (evidence.Metrics.length === 0) return <p className="muted">This version carries no metrics: it was not registered from a training job, and no evaluation has run.</p>;
  return (
    <table className="table compact-table registry-metrics" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">Metric</th>
          <th scope="col">From</th>
          <th scope="col" className="numeric">
            This version
          </th>
          {champion && (
            <>
              <th scope="col" className="numeric">
                Champion (v{champion.ModelPackageVersion})
              </th>
              <th scope="col" className="numeric">
                Δ
              </th>
            </>
          )}
        </tr>
      </thead>
      <tbody>
        {evidence.Metrics.map((metric) => {
          const delta = formatDelta(metric.Name, metric.Delta);
          return (
            <tr key={metric.Name}>
              <td>
                <code>{metric.Name}</code>
              </td>
              <td className="muted">{metric.Source === 'training' ? 'training job' : 'evaluation'}</td>
              <td className="numeric">{formatValue(metric.Value)}</td>
              {champion && (
                <>
                  <td className="numeric">{formatValue(metric.ChampionValue ?? null)}</td>
                  <td className={`numeric delta delta-${delta?.tone ?? 'none'}`} title={delta ? (delta.tone === 'better' ? 'better than the champion' : delta.tone === 'worse' ? 'worse than the champion' : 'same as the champion') : undefined}>
                    {delta?.text ?? MISSING}
                  </td>
                </>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** "Compared with the champion, version 2" or why there is none. */
export function ChampionNote({ evidence }: { evidence: VersionEvidence }) {
  return (
    <p className="muted" data-testid="registry-champion">
      {evidence.Champion
        ? `Compared with the champion: version ${evidence.Champion.ModelPackageVersion}, the group's most recently approved version.`
        : 'No champion to compare with: no other version of this group is approved.'}
    </p>
  );
}
