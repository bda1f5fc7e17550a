import { TextField } from './FormFields';
import type { JobDraft } from './jobForm';
import { PathField } from './PathField';

interface Props {
  draft: JobDraft;
  errors: Record<string, string>;
  edit(change: Partial<JobDraft>): void;
  onPickerChange(open: boolean): void;
}

/** Where the model goes and what the job runs on, when it stops, and how it survives interruptions. */
export function RunSections({ draft, errors, edit, onPickerChange }: Props) {
  return (
    <>
      <fieldset className="form-section">
        <legend>Output and resources</legend>
        <PathField
          id="job-output"
          label="Output path"
          value={draft.outputPath}
          onChange={(outputPath) => edit({ outputPath })}
          error={errors.outputPath}
          invalid={'outputPath' in errors}
          pick="folder"
          hint="model.tar.gz goes to <output path>/<job name>/output/."
          browseLabel="Browse for the output folder"
          onPickerChange={onPickerChange}
        />
        <TextField id="job-instance-type" label="Instance type" field="instanceType" draft={draft} errors={errors} edit={edit} hint="local runs on this machine; an ml.* type is accepted for SageMaker compatibility." />
      </fieldset>

      <fieldset className="form-section">
        <legend>Stopping condition</legend>
        <TextField id="job-max-runtime" label="Max runtime (seconds)" field="maxRuntime" draft={draft} errors={errors} edit={edit} numeric hint="The job is stopped after this long." />
        <TextField id="job-max-wait" label="Max wait (seconds)" field="maxWait" draft={draft} errors={errors} edit={edit} numeric hint="With managed spot: how long to keep resuming after interruptions, at least the max runtime." />
      </fieldset>

      <fieldset className="form-section">
        <legend>Checkpoints and spot</legend>
        <PathField
          id="job-checkpoints"
          label="Checkpoint location (optional)"
          value={draft.checkpointUri}
          onChange={(checkpointUri) => edit({ checkpointUri })}
          error={errors.checkpointUri}
          invalid={'checkpointUri' in errors}
          pick="folder"
          placeholder="s3://lathe/checkpoints/…"
          hint="Where /opt/ml/checkpoints is kept, so an interrupted job resumes where it was."
          browseLabel="Browse for the checkpoint folder"
          onPickerChange={onPickerChange}
        />
        <div className="form-row">
          <span />
          <label className="checkbox">
            <input type="checkbox" checked={draft.spot} onChange={(e) => edit({ spot: e.target.checked })} />
            Managed spot training (resume after interruptions)
          </label>
        </div>
      </fieldset>

    </>
  );
}
