import { lazy, Suspense, useEffect, useState } from 'react';
import { ArrowLeft, CircleStop, Copy, OctagonAlert, Zap } from 'lucide-react';
import { ErrorState } from '../../components/ErrorState';
import { Tabs } from '../../components/Tabs';
import { jobKey, jobStatus, statusLabel, type JobRef } from '../../lib/jobs';
import { useJobDetailStore, type JobDescription } from '../../state/jobDetailStore';
import { useJobsStore } from '../../state/jobsStore';
import { ArtifactsSection, HyperparametersSection, ProcessingSection, TransitionsSection } from './DetailSections';
import { Duration } from './Duration';
import { LogView } from './LogView';
import { StatusBadge } from './StatusBadge';

type Tab = 'log' | 'metrics' | 'hyperparameters' | 'artifacts' | 'transitions' | 'details';

const TRAINING_TABS: Array<{ id: Tab; label: string }> = [
  { id: 'log', label: 'Log' },
  { id: 'metrics', label: 'Metrics' },
  { id: 'hyperparameters', label: 'Hyperparameters' },
  { id: 'artifacts', label: 'Artifacts' },
  { id: 'transitions', label: 'Transitions' },
];
const PROCESSING_TABS: Array<{ id: Tab; label: string }> = [
  { id: 'log', label: 'Log' },
  { id: 'details', label: 'Details' },
];

// recharts is big: it loads with the first Metrics tab, not with the app.
const MetricsView = lazy(() => import('./MetricsView').then((module) => ({ default: module.MetricsView })));

/** Metric refreshes while a training job runs. */
const METRICS_POLL_MS = 500;

function statusOf(description: JobDescription | null): { status: string | null; secondary: string | null; failure: string | undefined } {
  if (!description) return { status: null, secondary: null, failure: undefined };
  if (description.kind === 'training') {
    return { status: description.TrainingJobStatus, secondary: description.SecondaryStatus, failure: description.FailureReason };
  }
  return { status: description.ProcessingJobStatus, secondary: null, failure: description.FailureReason };
}

function TabContent({ tab, description }: { tab: Tab; description: JobDescription }) {
  const log = useJobDetailStore((s) => s.log);
  const metrics = useJobDetailStore((s) => s.metrics);
  const metricsError = useJobDetailStore((s) => s.metricsError);
  const loadMetrics = useJobDetailStore((s) => s.loadMetrics);
  const loadEarlierLog = useJobDetailStore((s) => s.loadEarlierLog);
  const running = statusOf(description).status === 'InProgress' || statusOf(description).status === 'Stopping';

  if (tab === 'log') {
    return (
      <div className="log-tab">
        {log.error && <ErrorState title="Could not read the log" error={log.error} />}
        {log.first > 0 && (
          <button type="button" className="button button-small" onClick={() => void loadEarlierLog()}>
            Show earlier lines ({log.first} more)
          </button>
        )}
        {log.loading ? <p className="muted">Loading the log…</p> : <LogView lines={log.lines} first={log.first} live={running} />}
      </div>
    );
  }
  if (description.kind === 'processing') return <ProcessingSection job={description} />;
  if (tab === 'metrics') {
    return (
      <Suspense fallback={<p className="muted">Loading the chart…</p>}>
        <MetricsView series={metrics} error={metricsError} finals={description.FinalMetricDataList} running={running} onRetry={() => void loadMetrics()} />
      </Suspense>
    );
  }
  if (tab === 'hyperparameters') return <HyperparametersSection hyperparameters={description.HyperParameters} />;
  if (tab === 'artifacts') return <ArtifactsSection job={description} />;
  return <TransitionsSection job={description} />;
}

/** One job: status and actions, FailureReason, and its log, metrics, hyperparameters, artifacts and transitions. */
export function JobDetail({ job }: { job: JobRef }) {
  const open = useJobDetailStore((s) => s.open);
  const description = useJobDetailStore((s) => s.description);
  const error = useJobDetailStore((s) => s.error);
  const actionError = useJobDetailStore((s) => s.actionError);
  const refresh = useJobDetailStore((s) => s.refresh);
  const stop = useJobDetailStore((s) => s.stop);
  const interrupt = useJobDetailStore((s) => s.interrupt);
  const loadMetrics = useJobDetailStore((s) => s.loadMetrics);
  const summary = useJobsStore((s) => s.jobs[jobKey(job)]);
  const show = useJobsStore((s) => s.show);
  const [tab, setTab] = useState<Tab>('log');
  const [busy, setBusy] = useState<'stop' | 'interrupt' | null>(null);

  useEffect(() => open(job), [open, job]);

  const described = statusOf(description);
  // jobs.changed may be ahead of the last describe; the newer of the two wins.
  const summaryNewer = summary && (!description || Date.parse(summary.LastModifiedTime) > Date.parse(description.LastModifiedTime));
  const status = summaryNewer ? jobStatus(summary) : described.status;
  const secondary = summaryNewer && summary.Kind === 'training' ? summary.SecondaryStatus : described.secondary;
  const failure = (summaryNewer ? summary.FailureReason : undefined) ?? described.failure;
  const running = status === 'InProgress';

  useEffect(() => {
    if (!running || job.kind !== 'training') return;
    const timer = setInterval(() => void loadMetrics(), METRICS_POLL_MS);
    return () => clearInterval(timer);
  }, [running, job.kind, loadMetrics]);

  const act = async (what: 'stop' | 'interrupt') => {
    setBusy(what);
    await (what === 'stop' ? stop() : interrupt());
    setBusy(null);
  };

  const clone = () => {
    if (description?.kind === 'training') show({ mode: 'create', from: description, back: job });
  };

  return (
    <div className="jobs-detail">
      <header className="detail-header">
        <button type="button" className="button button-icon" onClick={() => show({ mode: 'list' })} aria-label="Back to jobs" title="Back to jobs">
          <ArrowLeft size={14} aria-hidden="true" />
        </button>
        <div className="detail-title">
          <h1>{job.name}</h1>
          <p className="muted">
            {job.kind === 'training' ? 'Training job' : 'Processing job'}
            {summary && (
              <>
                {' · '}
                <code>{summary.Algorithm}</code> · {summary.Backend === 'docker' ? 'Docker' : 'process'} · {summary.Cpus} CPU
                {summary.Gpus > 0 ? ` · ${summary.Gpus} GPU` : ''} · <Duration job={summary} />
              </>
            )}
          </p>
        </div>
        <div className="detail-status">
          {status && <StatusBadge status={status} testId="job-status" />}
          {secondary && secondary !== status && (
            <span className="muted" data-testid="job-secondary-status">
              {statusLabel(secondary)}
            </span>
          )}
        </div>
        <div className="toolbar">
          <button type="button" className="button" onClick={() => void act('stop')} disabled={!running || busy !== null}>
            <CircleStop size={14} aria-hidden="true" /> Stop
          </button>
          {running && job.kind === 'training' && (
            <button type="button" className="button" onClick={() => void act('interrupt')} disabled={busy !== null} title="Simulate a spot interruption: the job is killed and resumes from its checkpoints">
              <Zap size={14} aria-hidden="true" /> Interrupt
            </button>
          )}
          {job.kind === 'training' && (
            <button type="button" className="button" onClick={clone} disabled={description?.kind !== 'training'}>
              <Copy size={14} aria-hidden="true" /> Clone
            </button>
          )}
        </div>
      </header>

      {actionError && <ErrorState title="The job did not accept that" error={actionError} />}
      {status === 'Failed' && failure && (
        <div className="failure-reason" role="alert" data-testid="failure-reason">
          <OctagonAlert size={16} aria-hidden="true" />
          <div>
            <strong>Why it failed</strong>
            <pre>{failure}</pre>
          </div>
        </div>
      )}

      {description ? (
        <Tabs<Tab> label="Job details" tabs={description.kind === 'training' ? TRAINING_TABS : PROCESSING_TABS} active={tab} onChange={setTab}>
          <TabContent tab={tab} description={description} />
        </Tabs>
      ) : error ? (
        <ErrorState title={`Could not read ${job.name}`} error={error} onRetry={() => void refresh()} />
      ) : (
        <p className="muted" aria-busy="true">
          Loading {job.name}…
        </p>
      )}
    </div>
  );
}
