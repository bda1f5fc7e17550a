import { useJobsStore } from '../state/jobsStore';
import { CreateJobForm } from './jobs/CreateJobForm';
import { JobDetail } from './jobs/JobDetail';
import { JobsList } from './jobs/JobsList';

/** Training and processing jobs: the list, one job's detail (live log, metrics), and the create form. */
export function JobsPane() {
  const view = useJobsStore((s) => s.view);
  if (view.mode === 'create') return <CreateJobForm key={view.from?.TrainingJobName ?? 'new'} from={view.from} back={view.back} />;
  if (view.mode === 'detail') return <JobDetail key={`${view.job.kind}:${view.job.name}`} job={view.job} />;
  return <JobsList />;
}
