import { useEffect, useRef, type FormEvent, type KeyboardEvent } from 'react';
import { LoaderCircle, X } from 'lucide-react';
import type { AlgorithmInfo, TrainingJobDescription } from '../../../main/contract/training';
import { ErrorState } from '../../components/ErrorState';
import type { JobRef } from '../../lib/jobs';
import { useJobsStore } from '../../state/jobsStore';
import { ChannelsField } from './ChannelsField';
import { TextField } from './FormFields';
import { HyperparametersField } from './HyperparametersField';
import { SCRIPT, type JobDraft } from './jobForm';
import { PathField } from './PathField';
import { RunSections } from './RunSections';
import { useJobForm } from './useJobForm';

function Form({ algorithms, from, onClose }: { algorithms: readonly AlgorithmInfo[]; from: TrainingJobDescription | null; onClose(): void }) {
  const form = useJobForm(algorithms, from);
  const { draft, errors, algorithm } = form;
  const formRef = useRef<HTMLFormElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const pickers = useRef(0);
  const script = draft.algorithm === SCRIPT;

  useEffect(() => nameRef.current?.focus(), []);

  const edit = (change: Partial<JobDraft>) => form.edit(change.name !== undefined ? { ...change, nameEdited: true } : change, Object.keys(change));

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (form.submitting) return;
    const created = await form.submit();
    if (!created) requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
  };

  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key === 'Escape' && pickers.current === 0 && !event.defaultPrevented) {
      event.preventDefault();
      onClose();
    }
  };

  const onPickerChange = (open: boolean) => {
    pickers.current = Math.max(0, pickers.current + (open ? 1 : -1));
  };

  return (
    <form ref={formRef} className="job-form" data-testid="create-job-form" aria-labelledby="create-job-heading" onSubmit={(e) => void onSubmit(e)} onKeyDown={onKeyDown} noValidate>
      <header className="pane-header">
        <div>
          <h1 id="create-job-heading">New training job</h1>
          {from && <p className="muted">A copy of {from.TrainingJobName}; change what you like.</p>}
        </div>
        <button type="button" className="button button-icon" onClick={onClose} aria-label="Close the form (Esc)" title="Close (Esc)">
          <X size={14} aria-hidden="true" />
        </button>
      </header>

      <fieldset className="form-section">
        <legend>Job</legend>
        <TextField id="job-name" label="Name" field="name" draft={draft} errors={errors.fields} edit={edit} inputRef={nameRef} hint="Letters, digits and hyphens; unique among training jobs." />
        <div className="form-row">
          <label htmlFor="job-algorithm">Algorithm</label>
          <div className="form-control">
            <select id="job-algorithm" value={draft.algorithm} onChange={(e) => form.chooseAlgorithm(e.target.value)} aria-describedby="job-algorithm-hint">
              {algorithms.map((a) => (
                <option key={a.name} value={a.name}>
                  {a.title} (built-in)
                </option>
              ))}
              <option value={SCRIPT}>Your own script (script mode)</option>
            </select>
            <p id="job-algorithm-hint" className="muted field-hint">
              {algorithm ? algorithm.description : 'Runs your entry point the way SageMaker’s training toolkit does: channels in SM_CHANNEL_*, hyperparameters as --name value, the model saved to SM_MODEL_DIR.'}
            </p>
          </div>
        </div>
        {script && (
          <>
            <TextField id="job-entry-point" label="Entry point" field="entryPoint" draft={draft} errors={errors.fields} edit={edit} placeholder="train.py" />
            <PathField
              id="job-source-dir"
              label="Source folder"
              value={draft.sourceDir}
              onChange={(sourceDir) => edit({ sourceDir })}
              error={errors.fields.sourceDir}
              invalid={'sourceDir' in errors.fields}
              pick="folder"
              placeholder="/path/to/code"
              hint="The folder with the entry point (and anything it imports)."
              browseLabel="Browse for the source folder"
              onPickerChange={onPickerChange}
            />
            <TextField id="job-image" label="Docker image (optional)" field="image" draft={draft} errors={errors.fields} edit={edit} placeholder="runs as a local process when empty" hint="A local image to run the script in, e.g. one built from a SageMaker framework image." />
          </>
        )}
      </fieldset>

      <ChannelsField draft={draft} errors={errors} update={form.update} onPickerChange={onPickerChange} />

      <HyperparametersField
        draft={draft}
        algorithm={algorithm}
        errors={errors}
        setValue={(name, value) => form.update((d) => ({ ...d, hyperparameters: { ...d.hyperparameters, [name]: value } }), [`hp.${name}`])}
        update={form.update}
      />

      <RunSections draft={draft} errors={errors.fields} edit={edit} onPickerChange={onPickerChange} />

      {errors.form && (
        <p className="field-error form-error" role="alert" data-testid="create-job-error">
          {errors.form}
        </p>
      )}
      {Object.keys(errors.fields).length > 0 && !errors.form && (
        <p className="field-error form-error" role="alert">
          Fix the fields marked above, then create the job.
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={form.submitting}>
          {form.submitting && <LoaderCircle size={14} className="spin" aria-hidden="true" />}
          Create training job
        </button>
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** "New training job": built-in algorithm or script, channels, hyperparameters, resources, stopping, checkpoints. */
export function CreateJobForm({ from, back }: { from: TrainingJobDescription | null; back: JobRef | null }) {
  const algorithms = useJobsStore((s) => s.algorithms);
  const error = useJobsStore((s) => s.algorithmsError);
  const loadAlgorithms = useJobsStore((s) => s.loadAlgorithms);
  const show = useJobsStore((s) => s.show);
  const ensureLoaded = useJobsStore((s) => s.ensureLoaded);

  useEffect(() => {
    ensureLoaded();
    if (!useJobsStore.getState().algorithms) void loadAlgorithms();
  }, [ensureLoaded, loadAlgorithms]);

  const close = () => show(back ? { mode: 'detail', job: back } : { mode: 'list' });

  return (
    <div className="pane-scroll">
      {algorithms ? (
        <Form algorithms={algorithms} from={from} onClose={close} />
      ) : error ? (
        <>
          <ErrorState title="Could not read the built-in algorithms" error={error} onRetry={() => void loadAlgorithms()} />
          <button type="button" className="button" onClick={close}>
            Back
          </button>
        </>
      ) : (
        <p className="muted" aria-busy="true">
          Loading the algorithms…
        </p>
      )}
    </div>
  );
}
