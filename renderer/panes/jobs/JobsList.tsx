import { memo, useEffect, useMemo } from 'react';
import { Plus, RefreshCw } from 'lucide-react';
import type { JobSummary } from '../../../main/contract/training';
import { ErrorState } from '../../components/ErrorState';
import { useNow } from '../../components/useNow';
import { relativeTime } from '../../lib/format';
import { JOB_STATUSES, jobName, jobStatus, refOf, statusLabel, visibleJobs, type JobRef } from '../../lib/jobs';
import { useJobsStore } from '../../state/jobsStore';
import { Duration } from './Duration';
import { StatusBadge } from './StatusBadge';

/** Rows rendered at most; a filter narrows the rest. */
export const MAX_ROWS = 500;

const JobRow = memo(function JobRow({ job, now, onOpen }: { job: JobSummary; now: number; onOpen(ref: JobRef): void }) {
  const name = jobName(job);
  return (
    <tr data-testid={`job-row-${name}`} data-status={jobStatus(job)}>
      <td>
        <button type="button" className="link-button" onClick={() => onOpen(refOf(job))}>
          {name}
        </button>
      </td>
      <td>{job.Kind === 'training' ? 'Training' : 'Processing'}</td>
      <td>
        <StatusBadge status={jobStatus(job)} />
      </td>
      <td>
        <code className="cell-code" title={job.Algorithm}>
          {job.Algorithm}
        </code>
      </td>
      <td>{job.Backend === 'docker' ? 'Docker' : 'Process'}</td>
      <td className="numeric">
        {job.Cpus} CPU{job.Gpus > 0 ? ` · ${job.Gpus} GPU` : ''}
      </td>
      <td>
        <time dateTime={job.CreationTime} title={new Date(job.CreationTime).toLocaleString()}>
          {relativeTime(job.CreationTime, now)}
        </time>
      </td>
      <td className="numeric">
        <Duration job={job} />
      </td>
    </tr>
  );
});

function Filters() {
  const filter = useJobsStore((s) => s.filter);
  const setFilter = useJobsStore((s) => s.setFilter);
  return (
    <div className="jobs-filters" role="search" aria-label="Filter jobs">
      <label className="inline-field">
        <span>Name</span>
        <input type="search" aria-label="Filter by name" value={filter.name} placeholder="contains…" onChange={(e) => setFilter({ name: e.target.value })} spellCheck={false} />
      </label>
      <label className="inline-field">
        <span>Status</span>
        <select aria-label="Filter by status" value={filter.status} onChange={(e) => setFilter({ status: e.target.value as typeof filter.status })}>
          <option value="">All</option>
          {JOB_STATUSES.map((status) => (
            <option key={status} value={status}>
              {statusLabel(status)}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-field">
        <span>Kind</span>
        <select aria-label="Filter by kind" value={filter.kind} onChange={(e) => setFilter({ kind: e.target.value as typeof filter.kind })}>
          <option value="">All</option>
          <option value="training">Training</option>
          <option value="processing">Processing</option>
        </select>
      </label>
    </div>
  );
}

/** Every training and processing job, newest first, filtered, live. */
export function JobsList() {
  const jobs = useJobsStore((s) => s.jobs);
  const loaded = useJobsStore((s) => s.loaded);
  const loading = useJobsStore((s) => s.loading);
  const error = useJobsStore((s) => s.error);
  const filter = useJobsStore((s) => s.filter);
  const load = useJobsStore((s) => s.load);
  const ensureLoaded = useJobsStore((s) => s.ensureLoaded);
  const show = useJobsStore((s) => s.show);
  const now = useNow();
  const all = useMemo(() => Object.values(jobs), [jobs]);
  const visible = useMemo(() => visibleJobs(all, filter), [all, filter]);

  useEffect(() => ensureLoaded(), [ensureLoaded]);

  const openJob = useMemo(() => (job: JobRef) => show({ mode: 'detail', job }), [show]);
  const create = () => show({ mode: 'create', from: null, back: null });

  return (
    <div className="pane-scroll">
      <header className="pane-header">
        <h1>Jobs</h1>
        <div className="toolbar">
          <button type="button" className="button" onClick={() => void load()} disabled={loading} aria-label="Refresh jobs" title="Refresh jobs">
            <RefreshCw size={14} aria-hidden="true" className={loading ? 'spin' : undefined} />
          </button>
          <button type="button" className="button button-primary" onClick={create}>
            <Plus size={14} aria-hidden="true" /> New training job
          </button>
        </div>
      </header>
      {error && <ErrorState title={loaded ? 'Some jobs could not be listed' : 'Could not list the jobs'} error={error} onRetry={() => void load()} />}
      {!loaded ? (
        !error && (
          <p className="muted" aria-busy="true">
            Loading jobs…
          </p>
        )
      ) : all.length === 0 ? (
        <div className="empty-state" data-testid="jobs-empty">
          <p>No jobs yet — train a model on your own data with a built-in algorithm or your own script.</p>
          <button type="button" className="button button-primary" onClick={create}>
            <Plus size={14} aria-hidden="true" /> Create training job
          </button>
        </div>
      ) : (
        <>
          <Filters />
          <table className="table jobs-table" data-testid="jobs-list" aria-label="Jobs" aria-rowcount={visible.length + 1}>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Algorithm</th>
                <th scope="col">Backend</th>
                <th scope="col">Resources</th>
                <th scope="col">Created</th>
                <th scope="col">Duration</th>
              </tr>
            </thead>
            <tbody>
              {visible.slice(0, MAX_ROWS).map((job) => (
                <JobRow key={`${job.Kind}:${jobName(job)}`} job={job} now={now} onOpen={openJob} />
              ))}
            </tbody>
          </table>
          {visible.length === 0 && <p className="muted table-note">No job matches these filters.</p>}
          {visible.length > MAX_ROWS && (
            <p className="muted table-note">
              Showing the newest {MAX_ROWS} of {visible.length} jobs; narrow the filters to see others.
            </p>
          )}
        </>
      )}
    </div>
  );
}
