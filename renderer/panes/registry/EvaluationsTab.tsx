import { OctagonAlert } from 'lucide-react';
import type { EvaluationJob } from '../../../main/contract/registry';
import { ErrorState } from '../../components/ErrorState';
import { formatDuration } from '../../lib/jobs';
import { useJobsStore } from '../../state/jobsStore';
import { useRegistryVersionStore } from '../../state/registryVersionStore';
import { useWorkbenchStore } from '../../state/workbenchStore';
import { StatusBadge } from '../jobs/StatusBadge';
import { EvaluationForm } from './EvaluationForm';
import { formatTime } from './registryFormat';

function took(job: EvaluationJob): string {
  if (!job.EndTime) return '…';
  return formatDuration((Date.parse(job.EndTime) - Date.parse(job.CreationTime)) / 1000);
}

function EvaluationRow({ job }: { job: EvaluationJob }) {
  const show = useJobsStore((s) => s.show);
  const showPane = useWorkbenchStore((s) => s.showPane);
  const openJob = () => {
    show({ mode: 'detail', job: { kind: 'processing', name: job.ProcessingJobName } });
    showPane('jobs');
  };
  return (
    <>
      <tr data-testid={`evaluation-row-${job.ProcessingJobName}`} data-status={job.Status}>
        <td>
          <button type="button" className="link-button" onClick={openJob} title="Open the job and its log in the Jobs pane">
            {job.ProcessingJobName}
          </button>
        </td>
        <td>
          <StatusBadge status={job.Status} testId="evaluation-status" />
        </td>
        <td>{job.Reports.join(', ')}</td>
        <td>
          <code className="cell-code" title={job.TestDataUrl}>
            {job.TestDataUrl}
          </code>
        </td>
        <td>{formatTime(job.CreationTime)}</td>
        <td className="numeric">{took(job)}</td>
      </tr>
      {job.FailureReason && (
        <tr className="row-detail">
          <td colSpan={6}>
            <div className="failure-reason" role="note" data-testid="evaluation-failure">
              <OctagonAlert size={14} aria-hidden="true" />
              <div>
                <strong>{job.Status === 'Stopped' ? 'Stopped' : 'Failed'}</strong>
                <pre>{job.FailureReason}</pre>
              </div>
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

/** The version's evaluation jobs, newest first, and the form that starts another. */
export function EvaluationsTab() {
  const arn = useRegistryVersionStore((s) => s.arn);
  const evaluations = useRegistryVersionStore((s) => s.evaluations);
  const reload = useRegistryVersionStore((s) => s.reload);
  const jobs = [...(evaluations.value ?? [])].sort((a, b) => (a.CreationTime < b.CreationTime ? 1 : a.CreationTime > b.CreationTime ? -1 : 0));
  if (!arn) return null;
  return (
    <div className="registry-evaluations">
      <EvaluationForm arn={arn} />
      <h2 className="section-title">Evaluation jobs</h2>
      {evaluations.error && <ErrorState title="Could not list the evaluations" error={evaluations.error} onRetry={() => void reload('evaluations')} />}
      {!evaluations.value ? (
        !evaluations.error && <p className="muted">Loading the evaluations…</p>
      ) : jobs.length === 0 ? (
        <p className="muted" data-testid="evaluations-empty">
          No evaluation has run on this version yet.
        </p>
      ) : (
        <table className="table registry-evaluations-table" data-testid="registry-evaluations">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Status</th>
              <th scope="col">Reports</th>
              <th scope="col">Test data</th>
              <th scope="col">Started</th>
              <th scope="col" className="numeric">
                Took
              </th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <EvaluationRow key={job.ProcessingJobName} job={job} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
