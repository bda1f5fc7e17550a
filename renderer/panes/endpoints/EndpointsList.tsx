import { memo, useMemo, type KeyboardEvent } from 'react';
import { Package, RefreshCw, Rocket } from 'lucide-react';
import type { EndpointDescription, EndpointSummary } from '../../../main/contract/endpoints';
import { ErrorState } from '../../components/ErrorState';
import { useNow } from '../../components/useNow';
import { relativeTime } from '../../lib/format';
import { useEndpointsDeployStore } from '../../state/endpointsDeployStore';
import { sortedEndpoints, statusOf, useEndpointsStore } from '../../state/endpointsStore';
import { useWorkbenchStore } from '../../state/workbenchStore';
import { formatTime, MISSING } from '../registry/registryFormat';
import { EndpointStatusBadge } from './EndpointStatusBadge';

const BOTO3 = `sm.create_model(ModelName="fraud-model", PrimaryContainer={"ModelPackageName": version_arn})
sm.create_endpoint_config(EndpointConfigName="fraud-config", ProductionVariants=[
    {"VariantName": "AllTraffic", "ModelName": "fraud-model", "InitialInstanceCount": 1}])
sm.create_endpoint(EndpointName="fraud-prod-v1", EndpointConfigName="fraud-config")`;

/** No endpoints yet: the three ways to make one. */
function EmptyEndpoints() {
  const deploy = useEndpointsDeployStore((s) => s.openWizard);
  const showPane = useWorkbenchStore((s) => s.showPane);
  return (
    <div className="empty-state endpoints-empty" data-testid="endpoints-empty">
      <p>
        <strong>No endpoints yet.</strong> An endpoint serves an Approved model version over HTTP on this machine, with worker processes answering SageMaker&apos;s InvokeEndpoint.
      </p>
      <ol className="endpoints-ways">
        <li>
          Approve a model version in the <strong>Registry</strong>, then deploy it with <strong>Deploy model…</strong>: pick the version, name the endpoint, choose the workers.
        </li>
        <li>
          Or from a script, with boto3&apos;s <code>create_endpoint</code> pointed at Lathe:
          <pre className="registry-command">
            <code>{BOTO3}</code>
          </pre>
        </li>
      </ol>
      <div className="toolbar">
        <button type="button" className="button button-primary" onClick={() => deploy()}>
          <Rocket size={14} aria-hidden="true" /> Deploy model…
        </button>
        <button type="button" className="button" onClick={() => showPane('registry')}>
          <Package size={14} aria-hidden="true" /> Open the Registry
        </button>
      </div>
    </div>
  );
}

/** Each variant on a line: name, workers current/desired, weight. */
export function VariantsCell({ description }: { description: EndpointDescription | undefined }) {
  const variants = description?.ProductionVariants;
  if (!variants || variants.length === 0) return <span className="muted">{MISSING}</span>;
  return (
    <ul className="endpoint-variants-cell">
      {variants.map((v) => (
        <li key={v.VariantName}>
          <strong>{v.VariantName}</strong>{' '}
          <span className="numeric" title={`${v.CurrentInstanceCount} of ${v.DesiredInstanceCount} workers ready`}>
            {v.CurrentInstanceCount}/{v.DesiredInstanceCount} workers
          </span>{' '}
          <span className="muted numeric">· weight {v.CurrentWeight}</span>
        </li>
      ))}
    </ul>
  );
}

const EndpointRow = memo(function EndpointRow({ summary, description, now, onOpen }: { summary: EndpointSummary; description: EndpointDescription | undefined; now: number; onOpen(name: string): void }) {
  const name = summary.EndpointName;
  const status = statusOf(summary, description) ?? summary.EndpointStatus;
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && event.target === event.currentTarget) {
      event.preventDefault();
      onOpen(name);
    }
  };
  return (
    <tr className="endpoint-row" tabIndex={0} data-testid={`endpoint-row-${name}`} data-status={status} onClick={() => onOpen(name)} onKeyDown={onKeyDown}>
      <td>
        <button
          type="button"
          className="link-button"
          onClick={(event) => {
            event.stopPropagation();
            onOpen(name);
          }}
        >
          {name}
        </button>
      </td>
      <td title={description?.FailureReason}>
        <EndpointStatusBadge status={status} testId={`endpoint-status-${name}`} />
      </td>
      <td>
        <VariantsCell description={description} />
      </td>
      <td className="wrap-anywhere">{description ? <code>{description.PendingEndpointConfigName ?? description.EndpointConfigName}</code> : <span className="muted">{MISSING}</span>}</td>
      <td>
        <time dateTime={summary.CreationTime} title={formatTime(summary.CreationTime)}>
          {relativeTime(summary.CreationTime, now)}
        </time>
      </td>
      <td>
        <time dateTime={summary.LastModifiedTime} title={formatTime(summary.LastModifiedTime)}>
          {relativeTime(summary.LastModifiedTime, now)}
        </time>
      </td>
    </tr>
  );
});

/** Every endpoint, newest first, live. */
export function EndpointsList() {
  const endpoints = useEndpointsStore((s) => s.endpoints);
  const descriptions = useEndpointsStore((s) => s.descriptions);
  const loaded = useEndpointsStore((s) => s.loaded);
  const loading = useEndpointsStore((s) => s.loading);
  const error = useEndpointsStore((s) => s.error);
  const load = useEndpointsStore((s) => s.load);
  const show = useEndpointsStore((s) => s.show);
  const deploy = useEndpointsDeployStore((s) => s.openWizard);
  const now = useNow();
  const rows = useMemo(() => sortedEndpoints(endpoints), [endpoints]);
  const open = useMemo(() => (name: string) => show({ mode: 'detail', name }), [show]);

  return (
    <div className="pane-scroll endpoints-list">
      <header className="pane-header">
        <div>
          <h1>Endpoints</h1>
          <p className="muted">Real-time endpoints on this machine; SageMaker Runtime&apos;s InvokeEndpoint answers at /endpoints/&lt;name&gt;/invocations.</p>
        </div>
        <div className="toolbar">
          <button type="button" className="button" onClick={() => void load()} disabled={loading} aria-label="Refresh endpoints" title="Refresh endpoints">
            <RefreshCw size={14} aria-hidden="true" className={loading ? 'spin' : undefined} />
          </button>
          <button type="button" className="button button-primary" onClick={() => deploy()}>
            <Rocket size={14} aria-hidden="true" /> Deploy model…
          </button>
        </div>
      </header>
      {error && <ErrorState title={loaded ? 'Could not refresh the endpoints' : 'Could not list the endpoints'} error={error} onRetry={() => void load()} />}
      {!loaded ? (
        !error && (
          <p className="muted" aria-busy="true">
            Loading endpoints…
          </p>
        )
      ) : rows.length === 0 ? (
        <EmptyEndpoints />
      ) : (
        <table className="table endpoints-table" data-testid="endpoints-list" aria-label="Endpoints">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Variants</th>
              <th scope="col">Config</th>
              <th scope="col">Created</th>
              <th scope="col">Modified</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((summary) => (
              <EndpointRow key={summary.EndpointName} summary={summary} description={descriptions[summary.EndpointName]} now={now} onOpen={open} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
