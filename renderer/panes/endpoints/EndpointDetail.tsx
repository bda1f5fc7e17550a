import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { ArrowLeft, OctagonAlert, RefreshCw, Repeat, Trash2, TriangleAlert } from 'lucide-react';
import type { EndpointDescription } from '../../../main/contract/endpoints';
import { ErrorState } from '../../components/ErrorState';
import { Tabs } from '../../components/Tabs';
import { statusOf, useEndpointsStore } from '../../state/endpointsStore';
import { formatTime, MISSING } from '../registry/registryFormat';
import { DeleteDialog, UpdateDialog } from './EndpointActions';
import { EndpointStatusBadge } from './EndpointStatusBadge';
import { isTransitional } from './endpointFormat';
import { CapturePanel } from './CapturePanel';
import { LogsPanel } from './LogsPanel';
import { TestConsole } from './TestConsole';

type Tab = 'console' | 'load' | 'metrics' | 'captured' | 'logs';
const TABS: Array<{ id: Tab; label: string }> = [
  { id: 'console', label: 'Test console' },
  { id: 'load', label: 'Load test' },
  { id: 'metrics', label: 'Metrics' },
  { id: 'captured', label: 'Captured data' },
  { id: 'logs', label: 'Logs' },
];

// recharts is big: it loads with the first load test or metrics tab, not with the pane.
const LoadPanel = lazy(() => import('./LoadPanel').then((module) => ({ default: module.LoadPanel })));
const MetricsPanel = lazy(() => import('./MetricsPanel').then((module) => ({ default: module.MetricsPanel })));

/** The variants as they serve now: workers ready of wanted, traffic weight, status, image. */
function VariantsTable({ description }: { description: EndpointDescription }) {
  const variants = description.ProductionVariants ?? [];
  if (variants.length === 0) {
    return <p className="muted">{isTransitional(description.EndpointStatus) ? 'No variant serves yet: the workers are starting.' : 'No variant serves.'}</p>;
  }
  const total = variants.reduce((sum, v) => sum + v.CurrentWeight, 0);
  return (
    <table className="table compact-table endpoint-variants" data-testid="endpoint-variants">
      <thead>
        <tr>
          <th scope="col">Variant</th>
          <th scope="col" className="numeric">
            Workers (ready/wanted)
          </th>
          <th scope="col" className="numeric">
            Weight
          </th>
          <th scope="col">Status</th>
          <th scope="col">Image</th>
        </tr>
      </thead>
      <tbody>
        {variants.map((v) => (
          <tr key={v.VariantName} data-testid={`endpoint-variant-${v.VariantName}`}>
            <td>
              <strong>{v.VariantName}</strong>
            </td>
            <td className="numeric">
              {v.CurrentInstanceCount}/{v.DesiredInstanceCount}
            </td>
            <td className="numeric">
              {v.CurrentWeight}
              {total > 0 && <span className="muted"> ({Math.round((v.CurrentWeight / total) * 100)}% of traffic)</span>}
            </td>
            <td>{v.VariantStatus?.length ? v.VariantStatus.map((s) => s.StatusMessage ?? s.Status).join('; ') : <span className="muted">Serving</span>}</td>
            <td>{v.DeployedImages?.[0] ? <code>{v.DeployedImages[0].SpecifiedImage}</code> : <span className="muted">{MISSING}</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** FailureReason, prominent: why it failed, or why the last update was rolled back. */
function FailureNotice({ description }: { description: EndpointDescription }) {
  if (!description.FailureReason) return null;
  const failed = description.EndpointStatus === 'Failed';
  return (
    <div className={failed ? 'failure-reason' : 'failure-reason failure-reason-warn'} role="alert" data-testid="endpoint-failure-reason">
      {failed ? <OctagonAlert size={16} aria-hidden="true" /> : <TriangleAlert size={16} aria-hidden="true" />}
      <div>
        <strong>{failed ? 'Why it failed' : 'The last update did not go through'}</strong>
        <pre>{description.FailureReason}</pre>
      </div>
    </div>
  );
}

/** The active tool's panel (only it is mounted, so only it polls). */
function ToolPanel({ tab, endpoint, description, inService, onEditPayload }: { tab: Tab; endpoint: string; description: EndpointDescription; inService: boolean; onEditPayload(): void }) {
  switch (tab) {
    case 'console':
      return <TestConsole endpoint={endpoint} description={description} />;
    case 'load':
      return (
        <Suspense fallback={<p className="muted">Loading the load test…</p>}>
          <LoadPanel endpoint={endpoint} inService={inService} onEditPayload={onEditPayload} />
        </Suspense>
      );
    case 'metrics':
      return (
        <Suspense fallback={<p className="muted">Loading the charts…</p>}>
          <MetricsPanel endpoint={endpoint} />
        </Suspense>
      );
    case 'captured':
      return <CapturePanel endpoint={endpoint} configName={description.EndpointConfigName} />;
    case 'logs':
      return <LogsPanel endpoint={endpoint} />;
  }
}

/** One endpoint: status and actions, FailureReason, variants, and its tools: test console, load test, metrics, captured data, worker logs. */
export function EndpointDetail({ name }: { name: string }) {
  const summary = useEndpointsStore((s) => s.endpoints[name]);
  const description = useEndpointsStore((s) => s.descriptions[name]);
  const error = useEndpointsStore((s) => s.describeErrors[name]);
  const show = useEndpointsStore((s) => s.show);
  const describe = useEndpointsStore((s) => s.describe);
  const [tab, setTab] = useState<Tab>('console');
  const [dialog, setDialog] = useState<'update' | 'delete' | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [name]);

  const status = statusOf(summary, description);
  const back = () => show({ mode: 'list' });
  const gone = !description && error?.code === 'not-found';

  return (
    <div className="endpoint-detail" data-testid="endpoint-detail">
      <header className="detail-header">
        <button type="button" className="button button-icon" onClick={back} aria-label="Back to endpoints" title="Back to endpoints (Esc)">
          <ArrowLeft size={14} aria-hidden="true" />
        </button>
        <div className="detail-title">
          <h1 ref={heading} tabIndex={-1}>
            {name}
          </h1>
          {description && (
            <p className="muted">
              config <code data-testid="endpoint-config">{description.EndpointConfigName}</code>
              {description.PendingEndpointConfigName && (
                <>
                  {' '}
                  → rolling out <code>{description.PendingEndpointConfigName}</code>
                </>
              )}{' '}
              · created {formatTime(description.CreationTime)} · modified {formatTime(description.LastModifiedTime)}
            </p>
          )}
        </div>
        <div className="detail-status">{status && <EndpointStatusBadge status={status} testId="endpoint-status" />}</div>
        <div className="toolbar">
          <button type="button" className="button" onClick={() => void describe(name)} aria-label="Refresh endpoint" title="Refresh endpoint">
            <RefreshCw size={14} aria-hidden="true" />
          </button>
          <button type="button" className="button" onClick={() => setDialog('update')} disabled={!status || (status !== 'InService' && status !== 'Failed')} title="Roll out another endpoint config (blue/green)">
            <Repeat size={14} aria-hidden="true" /> Update…
          </button>
          <button type="button" className="button" onClick={() => setDialog('delete')} disabled={!status || status === 'Deleting'}>
            <Trash2 size={14} aria-hidden="true" /> Delete…
          </button>
        </div>
      </header>

      {gone ? (
        <div className="empty-state" data-testid="endpoint-gone">
          <p>Endpoint {name} does not exist any more (it was deleted).</p>
          <button type="button" className="button" onClick={back}>
            Back to endpoints
          </button>
        </div>
      ) : description ? (
        <>
          <FailureNotice description={description} />
          <section aria-label="Variants">
            <h2 className="section-title">Variants</h2>
            <VariantsTable description={description} />
          </section>
          <Tabs<Tab> label="Endpoint tools" tabs={TABS} active={tab} onChange={setTab}>
            <ToolPanel tab={tab} endpoint={name} description={description} inService={status === 'InService'} onEditPayload={() => setTab('console')} />
          </Tabs>
        </>
      ) : error ? (
        <ErrorState title={`Could not read ${name}`} error={error} onRetry={() => void describe(name)} />
      ) : (
        <p className="muted" aria-busy="true">
          Loading {name}…
        </p>
      )}
      {dialog === 'update' && description && <UpdateDialog endpoint={name} current={description.EndpointConfigName} onClose={() => setDialog(null)} />}
      {dialog === 'delete' && <DeleteDialog endpoint={name} onClose={() => setDialog(null)} />}
    </div>
  );
}
