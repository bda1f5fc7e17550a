import type { JobSummary } from '../../../main/contract/training';
import { useNow } from '../../components/useNow';
import { formatDuration, jobSeconds, jobTimes } from '../../lib/jobs';

function Ticking({ job }: { job: JobSummary }) {
  const now = useNow(1000);
  return <>{formatDuration(jobSeconds(job, now))}</>;
}

/** How long the job ran; ticks every second while it runs (only running rows re-render). */
export function Duration({ job }: { job: JobSummary }) {
  const { start, end } = jobTimes(job);
  return <span className="duration">{end ? formatDuration((Date.parse(end) - Date.parse(start)) / 1000) : <Ticking job={job} />}</span>;
}
