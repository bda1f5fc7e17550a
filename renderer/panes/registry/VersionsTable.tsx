import type { KeyboardEvent } from 'react';
import type { ModelPackageDescription, ModelPackageSummary } from '../../../main/contract/registry';
import { useNow } from '../../components/useNow';
import { relativeTime } from '../../lib/format';
import { useRegistryStore } from '../../state/registryStore';
import { useRegistryVersionStore } from '../../state/registryVersionStore';
import { ApprovalBadge } from './ApprovalBadge';
import { formatTime, formatValue, MISSING } from './registryFormat';

/** Metric columns the table shows at most. */
export const KEY_METRICS = 3;

/** The metrics worth a column: validation:auc first, then other validation metrics, then the rest. */
export function keyMetricNames(details: readonly ModelPackageDescription[]): string[] {
  const names = new Set(details.flatMap((d) => d.Evidence?.FinalMetrics.map((m) => m.MetricName) ?? []));
  const rank = (name: string) => (name === 'validation:auc' ? 0 : name.startsWith('validation:') ? 1 : name.startsWith('test:') ? 2 : 3);
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).slice(0, KEY_METRICS);
}

function metricOf(detail: ModelPackageDescription | undefined, name: string): string {
  const metric = detail?.Evidence?.FinalMetrics.find((m) => m.MetricName === name);
  return metric ? formatValue(metric.Value) : MISSING;
}

/** The selected group's versions, newest first; a row opens with a click or Enter. */
export function VersionsTable({ versions }: { versions: ModelPackageSummary[] }) {
  const details = useRegistryStore((s) => s.versionDetails);
  const open = useRegistryVersionStore((s) => s.open);
  const now = useNow(30_000);
  const metricNames = keyMetricNames(versions.map((v) => details[v.ModelPackageArn]).filter((d) => d !== undefined));

  const onRowKey = (event: KeyboardEvent, arn: string) => {
    if (event.key === 'Enter' && event.target === event.currentTarget) {
      event.preventDefault();
      open(arn);
    }
  };

  return (
    <table className="table registry-versions" data-testid="registry-versions">
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Status</th>
          <th scope="col">Description</th>
          <th scope="col">Created</th>
          {metricNames.map((name) => (
            <th key={name} scope="col" className="numeric">
              {name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {versions.map((version) => (
          <tr
            key={version.ModelPackageArn}
            className="registry-version-row"
            tabIndex={0}
            data-testid={`registry-version-row-${version.ModelPackageVersion}`}
            onClick={() => open(version.ModelPackageArn)}
            onKeyDown={(event) => onRowKey(event, version.ModelPackageArn)}
          >
            <td>
              <button
                type="button"
                className="link-button"
                onClick={(event) => {
                  event.stopPropagation();
                  open(version.ModelPackageArn);
                }}
              >
                Version {version.ModelPackageVersion}
              </button>
            </td>
            <td>
              <ApprovalBadge status={version.ModelApprovalStatus} testId={`registry-version-status-${version.ModelPackageVersion}`} />
            </td>
            <td className="wrap-anywhere">{version.ModelPackageDescription ?? <span className="muted">{MISSING}</span>}</td>
            <td>
              <time dateTime={version.CreationTime} title={formatTime(version.CreationTime)}>
                {relativeTime(version.CreationTime, now)}
              </time>
            </td>
            {metricNames.map((name) => (
              <td key={name} className="numeric">
                {metricOf(details[version.ModelPackageArn], name)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
