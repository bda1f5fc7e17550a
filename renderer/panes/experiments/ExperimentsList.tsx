import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { RefreshCw, RotateCcw, Trash2 } from 'lucide-react';
import type { Experiment } from '../../../main/contract/experiments';
import { ErrorState } from '../../components/ErrorState';
import { useExperimentsStore } from '../../state/experimentsStore';

/** The experiment every run without one lands in; main refuses to delete it. */
const DEFAULT_EXPERIMENT = 'Default';

function runCount(experiment: Experiment): string {
  return `${experiment.runCount} run${experiment.runCount === 1 ? '' : 's'}`;
}

/** A deleted experiment: restore it, or delete it forever after an inline "Really…?" (Escape backs out). */
function DeletedExperiment({ experiment }: { experiment: Experiment }) {
  const experimentAction = useExperimentsStore((s) => s.experimentAction);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const purgeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  const act = async (channel: 'experiments.restore' | 'experiments.purge') => {
    setBusy(true);
    const done = await experimentAction(channel, experiment.experimentId);
    // Gone from the list when it went through; otherwise the error shows above and the row stays.
    if (!done) {
      setBusy(false);
      setConfirming(false);
    }
  };
  const cancel = () => {
    setConfirming(false);
    purgeButton.current?.focus();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && confirming) {
      event.preventDefault();
      event.stopPropagation();
      cancel();
    }
  };

  return (
    <li className="experiment-deleted" data-testid={`deleted-experiment-${experiment.name}`} onKeyDown={onKeyDown}>
      <span className="experiment-name" title={experiment.name}>
        {experiment.name}
      </span>
      <span className="muted experiment-count">{runCount(experiment)}</span>
      {confirming ? (
        <span className="confirm">
          <button ref={confirmButton} type="button" className="button button-small button-danger" disabled={busy} onClick={() => void act('experiments.purge')}>
            Really delete {experiment.name} forever?
          </button>
          <button type="button" className="button button-small" onClick={cancel}>
            Cancel
          </button>
        </span>
      ) : (
        <span className="experiment-actions">
          <button type="button" className="button button-small" disabled={busy} onClick={() => void act('experiments.restore')} aria-label={`Restore experiment ${experiment.name}`} title="Restore">
            <RotateCcw size={12} aria-hidden="true" />
          </button>
          <button
            ref={purgeButton}
            type="button"
            className="button button-small"
            disabled={busy}
            onClick={() => setConfirming(true)}
            aria-label={`Delete experiment ${experiment.name} forever`}
            title="Delete forever: its runs, metrics and artifact files go"
          >
            <Trash2 size={12} aria-hidden="true" />
          </button>
        </span>
      )}
    </li>
  );
}

/** Every experiment, most recently updated first; selecting one shows its runs. Deleted ones, on request, apart. */
export function ExperimentsList() {
  const experiments = useExperimentsStore((s) => s.experiments);
  const loaded = useExperimentsStore((s) => s.loaded);
  const loading = useExperimentsStore((s) => s.loading);
  const error = useExperimentsStore((s) => s.error);
  const actionError = useExperimentsStore((s) => s.experimentActionError);
  const selectedId = useExperimentsStore((s) => s.selectedId);
  const showDeleted = useExperimentsStore((s) => s.showDeletedExperiments);
  const load = useExperimentsStore((s) => s.load);
  const select = useExperimentsStore((s) => s.select);
  const setShowDeleted = useExperimentsStore((s) => s.setShowDeletedExperiments);
  const experimentAction = useExperimentsStore((s) => s.experimentAction);
  const active = experiments.filter((e) => e.lifecycleStage === 'active');
  const deleted = experiments.filter((e) => e.lifecycleStage === 'deleted');

  return (
    <nav className="experiments-sidebar" aria-label="Experiments">
      <header className="experiments-sidebar-header">
        <h1>Experiments</h1>
        <button type="button" className="button" onClick={() => void load()} disabled={loading} aria-label="Refresh experiments" title="Refresh experiments">
          <RefreshCw size={14} aria-hidden="true" className={loading ? 'spin' : undefined} />
        </button>
      </header>
      {error && <ErrorState title="Could not list the experiments" error={error} onRetry={() => void load()} />}
      {actionError && <ErrorState title="Could not change the experiment" error={actionError} />}
      {!loaded ? (
        !error && (
          <p className="muted" aria-busy="true">
            Loading experiments…
          </p>
        )
      ) : active.length === 0 && !showDeleted ? (
        <div className="empty-state" data-testid="experiments-empty">
          <p>
            No experiments yet — every training job is recorded as a run of its experiment; scripts log with <code>import lathe.tracking</code>
          </p>
        </div>
      ) : (
        <ul className="experiments-list" data-testid="experiments-list">
          {active.map((experiment) => (
            <li key={experiment.experimentId} className="experiment-entry">
              <button
                type="button"
                className={`experiment-item${experiment.experimentId === selectedId ? ' experiment-selected' : ''}`}
                aria-current={experiment.experimentId === selectedId ? 'true' : undefined}
                data-testid={`experiment-${experiment.name}`}
                onClick={() => void select(experiment.experimentId)}
              >
                <span className="experiment-name">{experiment.name}</span>
                <span className="muted experiment-count">{runCount(experiment)}</span>
              </button>
              {experiment.name !== DEFAULT_EXPERIMENT && (
                <button
                  type="button"
                  className="button button-small experiment-delete"
                  onClick={() => void experimentAction('experiments.delete', experiment.experimentId)}
                  aria-label={`Delete experiment ${experiment.name}`}
                  title="Delete (restorable: Show deleted)"
                >
                  <Trash2 size={12} aria-hidden="true" />
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {loaded && (
        <label className="checkbox experiments-show-deleted">
          <input type="checkbox" aria-label="Show deleted experiments" checked={showDeleted} onChange={(e) => void setShowDeleted(e.target.checked)} />
          Show deleted
        </label>
      )}
      {showDeleted && loaded && (
        <section aria-label="Deleted experiments" className="experiments-deleted">
          <h2 className="section-title">Deleted</h2>
          {deleted.length === 0 ? (
            <p className="muted">No deleted experiments.</p>
          ) : (
            <ul className="experiments-list" data-testid="deleted-experiments">
              {deleted.map((experiment) => (
                <DeletedExperiment key={experiment.experimentId} experiment={experiment} />
              ))}
            </ul>
          )}
        </section>
      )}
    </nav>
  );
}
