import { useEffect, type KeyboardEvent } from 'react';
import { useExperimentsStore } from '../state/experimentsStore';
import { ExperimentsList } from './experiments/ExperimentsList';
import { RunDetail } from './experiments/RunDetail';
import { RunsTable } from './experiments/RunsTable';

/** Experiments and their runs (metrics, params, lineage); a run's detail replaces the table until Esc. */
export function ExperimentsPane() {
  const ensureLoaded = useExperimentsStore((s) => s.ensureLoaded);
  const experiments = useExperimentsStore((s) => s.experiments);
  const selectedId = useExperimentsStore((s) => s.selectedId);
  const detail = useExperimentsStore((s) => s.detail);
  const closeRun = useExperimentsStore((s) => s.closeRun);
  useEffect(() => ensureLoaded(), [ensureLoaded]);
  const selected = experiments.find((e) => e.experimentId === selectedId);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && detail) {
      event.preventDefault();
      closeRun();
    }
  };

  return (
    <div className="experiments-pane" onKeyDown={onKeyDown}>
      <ExperimentsList />
      <div className="experiments-main">
        {detail ? (
          <RunDetail key={detail.runId} detail={detail} />
        ) : (
          selected && (
            <>
              <header className="pane-header">
                <h1>{selected.name}</h1>
              </header>
              <RunsTable />
            </>
          )
        )}
      </div>
    </div>
  );
}
