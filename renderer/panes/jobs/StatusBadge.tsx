import { statusLabel, statusTone } from '../../lib/jobs';

/** A job's status as a coloured badge (blue running, green done, red failed, amber stopping, grey stopped). */
export function StatusBadge({ status, testId }: { status: string; testId?: string }) {
  return (
    <span className={`badge status-badge badge-${statusTone(status)}`} data-status={status} data-testid={testId}>
      {statusLabel(status)}
    </span>
  );
}
