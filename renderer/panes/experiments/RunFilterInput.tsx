import { useId, useState, type KeyboardEvent } from 'react';
import { useExperimentsStore } from '../../state/experimentsStore';

export const FILTER_PLACEHOLDER = "metrics.auc > 0.9 and params.max_depth = '5'";

/**
 * MLflow's filter syntax, parsed by the server: applied on Enter or Apply; a filter it refuses
 * shows its message under the box and the rows stay as they were; emptying the box shows all runs.
 */
export function RunFilterInput() {
  const runFilter = useExperimentsStore((s) => s.runFilter);
  const runFilterError = useExperimentsStore((s) => s.runFilterError);
  const applyRunFilter = useExperimentsStore((s) => s.applyRunFilter);
  const [draft, setDraft] = useState(runFilter);
  const errorId = useId();

  const apply = (expression: string) => void applyRunFilter(expression);
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      apply(draft);
    }
  };
  const onChange = (value: string) => {
    setDraft(value);
    // Cleared (typed away or the search box's ×): back to every run at once.
    if (value.trim() === '' && runFilter !== '') apply('');
  };

  return (
    <div className="run-filter">
      <div className="run-filter-row">
        <label className="inline-field run-filter-field">
          <span>Filter</span>
          <input
            type="search"
            aria-label="Filter"
            data-testid="runs-filter-expression"
            value={draft}
            placeholder={FILTER_PLACEHOLDER}
            onChange={(e) => onChange(e.target.value)}
            onKeyDown={onKeyDown}
            spellCheck={false}
            aria-invalid={runFilterError ? true : undefined}
            aria-describedby={runFilterError ? errorId : undefined}
            title="MLflow filter: metrics.<key>, params.<key>, tags.<key>, attributes.<name> compared with = != < <= > >= LIKE ILIKE, joined with and"
          />
        </label>
        <button type="button" className="button" onClick={() => apply(draft)}>
          Apply
        </button>
      </div>
      {runFilterError && (
        <p id={errorId} className="field-error" role="alert">
          {runFilterError.message}
        </p>
      )}
    </div>
  );
}
