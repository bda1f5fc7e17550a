import { RefreshCw } from 'lucide-react';
import { ErrorState } from '../../components/ErrorState';
import { useExperimentsStore } from '../../state/experimentsStore';

/** Every experiment, most recently updated first; selecting one shows its runs. */
export function ExperimentsList() {
  const experiments = useExperimentsStore((s) => s.experiments);
  const loaded = useExperimentsStore((s) => s.loaded);
  const loading = useExperimentsStore((s) => s.loading);
  const error = useExperimentsStore((s) => s.error);
  const selectedId = useExperimentsStore((s) => s.selectedId);
  const load = useExperimentsStore((s) => s.load);
  const select = useExperimentsStore((s) => s.select);

  return (
    <nav className="experiments-sidebar" aria-label="Experiments">
      <header className="experiments-sidebar-header">
        <h1>Experiments</h1>
        <button type="button" className="button" onClick={() => void load()} disabled={loading} aria-label="Refresh experiments" title="Refresh experiments">
          <RefreshCw size={14} aria-hidden="true" className={loading ? 'spin' : undefined} />
        </button>
      </header>
      {error && <ErrorState title="Could not list the experiments" error={error} onRetry={() => void load()} />}
      {!loaded ? (
        !error && (
          <p className="muted" aria-busy="true">
            Loading experiments…
          </p>
        )
      ) : experiments.length === 0 ? (
        <div className="empty-state" data-testid="experiments-empty">
          <p>
            No experiments yet — every training job is recorded as a run of its experiment; scripts log with <code>import lathe.tracking</code>
          </p>
        </div>
      ) : (
        <ul className="experiments-list" data-testid="experiments-list">
          {experiments.map((experiment) => (
            <li key={experiment.experimentId}>
              <button
                type="button"
                className={`experiment-item${experiment.experimentId === selectedId ? ' experiment-selected' : ''}`}
                aria-current={experiment.experimentId === selectedId ? 'true' : undefined}
                data-testid={`experiment-${experiment.name}`}
                onClick={() => void select(experiment.experimentId)}
              >
                <span className="experiment-name">{experiment.name}</span>
                <span className="muted experiment-count">
                  {experiment.runCount} run{experiment.runCount === 1 ? '' : 's'}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </nav>
  );
}
