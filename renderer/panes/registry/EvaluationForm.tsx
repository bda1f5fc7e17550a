import { useState, type FormEvent } from 'react';
import { Play } from 'lucide-react';
import { ErrorState } from '../../components/ErrorState';
import { useRegistryVersionStore } from '../../state/registryVersionStore';
import { FieldError } from '../jobs/FieldMessage';
import { PathField } from '../jobs/PathField';
import { evaluationErrorsOf, toEvaluateRequest, type EvaluationDraft, type EvaluationErrors } from './evaluationForm';

function TextRow({ id, label, value, onChange, error, hint, placeholder }: { id: string; label: string; value: string; onChange(value: string): void; error?: string; hint?: string; placeholder?: string }) {
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="form-row">
      <label htmlFor={id}>{label}</label>
      <div className="form-control">
        <input id={id} type="text" spellCheck={false} value={value} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={describedBy} />
        {hint && (
          <p id={`${id}-hint`} className="muted field-hint">
            {hint}
          </p>
        )}
        <FieldError id={`${id}-error`} message={error} />
      </div>
    </div>
  );
}

/**
 * Runs an evaluation job on the open version: a test set (label first, no header), optional feature
 * names, and an optional bias facet. The values stay after an error, and across tabs.
 */
export function EvaluationForm({ arn }: { arn: string }) {
  const draft = useRegistryVersionStore((s) => s.evaluationDraft);
  const edit = useRegistryVersionStore((s) => s.editEvaluation);
  const submitting = useRegistryVersionStore((s) => s.evaluationSubmitting);
  const runEvaluation = useRegistryVersionStore((s) => s.runEvaluation);
  const [errors, setErrors] = useState<EvaluationErrors>({});
  const [started, setStarted] = useState<string | null>(null);
  const change = (patch: Partial<EvaluationDraft>) => {
    edit(patch);
    setStarted(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = toEvaluateRequest(arn, draft);
    if ('errors' in parsed) {
      setErrors(parsed.errors);
      return;
    }
    setErrors({});
    const error = await runEvaluation(parsed.request);
    if (error) setErrors(evaluationErrorsOf(error));
    else setStarted(`Evaluation started on ${parsed.request.TestDataUrl}: it shows below, and its reports appear on the Evidence tab when it completes.`);
  };

  return (
    <form className="job-form registry-evaluation-form" aria-label="Run evaluation" onSubmit={(e) => void submit(e)} noValidate>
      <fieldset className="form-section">
        <legend>Run evaluation</legend>
        <PathField
          id="evaluation-test-data"
          label="Test data"
          value={draft.testData}
          onChange={(testData) => change({ testData })}
          error={errors.testData}
          invalid={errors.testData !== undefined}
          pick="any"
          placeholder="s3://bucket/prefix or /path/to/test.csv"
          hint="A CSV file or a folder of them, label in the first column, no header — as the built-in algorithms take it."
          browseLabel="Browse for the test data"
        />
        <TextRow
          id="evaluation-features"
          label="Feature names (optional)"
          value={draft.featureNames}
          onChange={(featureNames) => change({ featureNames })}
          error={errors.featureNames}
          placeholder="amount, hour, merchant_risk"
          hint="Comma separated, in column order after the label; without them features are named f0, f1, …"
        />
        <TextRow
          id="evaluation-facet"
          label="Bias facet (optional)"
          value={draft.facet}
          onChange={(facet) => change({ facet })}
          error={errors.facet}
          placeholder="a feature name or 0-based index"
          hint="Given a facet, the job also files a bias report comparing the facet's rows with the others."
        />
        {draft.facet.trim() !== '' && (
          <div className="form-row">
            <label id="evaluation-facet-mode-label" htmlFor="evaluation-facet-value">
              Facet rows
            </label>
            <div className="form-control">
              <div className="field-row" role="radiogroup" aria-labelledby="evaluation-facet-mode-label">
                <label className="checkbox">
                  <input type="radio" name="facet-mode" checked={draft.facetMode === 'threshold'} onChange={() => change({ facetMode: 'threshold' })} />
                  above a threshold
                </label>
                <label className="checkbox">
                  <input type="radio" name="facet-mode" checked={draft.facetMode === 'values'} onChange={() => change({ facetMode: 'values' })} />
                  with these values
                </label>
              </div>
              <input
                id="evaluation-facet-value"
                type="text"
                aria-label={draft.facetMode === 'threshold' ? 'Facet threshold' : 'Facet values'}
                value={draft.facetValue}
                placeholder={draft.facetMode === 'threshold' ? '0.5' : '1, 2'}
                onChange={(e) => change({ facetValue: e.target.value })}
                aria-invalid={errors.facetValue ? true : undefined}
                aria-describedby={errors.facetValue ? 'evaluation-facet-value-error' : undefined}
              />
              <FieldError id="evaluation-facet-value-error" message={errors.facetValue} />
            </div>
          </div>
        )}
        {errors.form && <ErrorState title="Could not start the evaluation" error={{ code: 'invalid-argument', message: errors.form }} />}
        {started && (
          <p className="notice" role="status">
            {started}
          </p>
        )}
        <div className="toolbar">
          <button type="submit" className="button button-primary" disabled={submitting}>
            <Play size={14} aria-hidden="true" /> {submitting ? 'Starting…' : 'Run evaluation'}
          </button>
        </div>
      </fieldset>
    </form>
  );
}
