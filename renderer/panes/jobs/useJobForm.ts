import { useMemo, useState } from 'react';
import type { AlgorithmInfo, TrainingJobDescription } from '../../../main/contract/training';
import { useJobsStore } from '../../state/jobsStore';
import {
  algorithmNamed,
  draftFromDescription,
  errorsFrom,
  hasErrors,
  localErrors,
  newDraft,
  NO_ERRORS,
  switchAlgorithm,
  toRequest,
  type FormErrors,
  type JobDraft,
} from './jobForm';

export interface JobForm {
  draft: JobDraft;
  algorithm: AlgorithmInfo | null;
  errors: FormErrors;
  submitting: boolean;
  edit(change: Partial<JobDraft>, touched?: string[]): void;
  update(change: (draft: JobDraft) => JobDraft, touched?: string[]): void;
  chooseAlgorithm(name: string): void;
  /** Answers whether the form found problems (then the first invalid field should get focus). */
  submit(): Promise<boolean>;
}

/** Draft state of the create form, once the algorithms are known. */
export function useJobForm(algorithms: readonly AlgorithmInfo[], from: TrainingJobDescription | null): JobForm {
  const jobs = useJobsStore((s) => s.jobs);
  const createTraining = useJobsStore((s) => s.createTraining);
  const taken = useMemo(
    () => new Set(Object.values(jobs).map((job) => (job.Kind === 'training' ? job.TrainingJobName : job.ProcessingJobName))),
    [jobs],
  );
  const [draft, setDraft] = useState<JobDraft>(() =>
    from ? draftFromDescription(from, algorithms, taken) : newDraft(algorithms, algorithms[0]?.name ?? '', taken, new Date()),
  );
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [submitting, setSubmitting] = useState(false);
  const algorithm = algorithmNamed(algorithms, draft.algorithm);

  const clear = (touched: string[]) => {
    setErrors((current) => ({ fields: Object.fromEntries(Object.entries(current.fields).filter(([field]) => !touched.includes(field))), form: null }));
  };

  const update = (change: (draft: JobDraft) => JobDraft, touched: string[] = []) => {
    setDraft(change);
    clear(touched);
  };

  return {
    draft,
    algorithm,
    errors,
    submitting,
    edit: (change, touched = Object.keys(change)) => update((current) => ({ ...current, ...change }), touched),
    update,
    chooseAlgorithm(name) {
      setDraft((current) => switchAlgorithm(current, algorithms, name, taken, new Date()));
      setErrors(NO_ERRORS);
    },
    async submit() {
      const local = localErrors(draft, algorithm);
      if (hasErrors(local)) {
        setErrors(local);
        return false;
      }
      setSubmitting(true);
      const error = await createTraining(toRequest(draft, algorithm));
      setSubmitting(false);
      if (error) {
        setErrors(errorsFrom(error, draft));
        return false;
      }
      return true;
    },
  };
}
