import { useEffect, useRef, type KeyboardEvent } from 'react';
import { useCompareStore } from '../state/compareStore';
import { useExperimentsStore } from '../state/experimentsStore';
import { CompareView } from './experiments/CompareView';
import { ExperimentsList } from './experiments/ExperimentsList';
import { RunDetail } from './experiments/RunDetail';
import { RunsTable } from './experiments/RunsTable';

/**
 * Experiments and their runs (metrics, params, lineage). A comparison of runs, or else a run's
 * detail, replaces the table until Esc (or its back button).
 */
export function ExperimentsPane() {
  const ensureLoaded = useExperimentsStore((s) => s.ensureLoaded);
  const experiments = useExperimentsStore((s) => s.experiments);
  const selectedId = useExperimentsStore((s) => s.selectedId);
  const detail = useExperimentsStore((s) => s.detail);
  const closeRun = useExperimentsStore((s) => s.closeRun);
  const comparing = useCompareStore((s) => s.runIds !== null);
  const closeCompare = useCompareStore((s) => s.close);
  useEffect(() => ensureLoaded(), [ensureLoaded]);
  const selected = experiments.find((e) => e.experimentId === selectedId);

  // Picking another experiment ends a comparison of the previous one's runs.
  const shownExperiment = useRef(selectedId);
  useEffect(() => {
    if (shownExperiment.current !== null && shownExperiment.current !== selectedId) closeCompare();
    shownExperiment.current = selectedId;
  }, [selectedId, closeCompare]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    if (comparing) {
      event.preventDefault();
      closeCompare();
    } else if (detail) {
      event.preventDefault();
      closeRun();
    }
  };

  let main;
  if (comparing) main = <CompareView />;
  else if (detail) main = <RunDetail key={detail.runId} detail={detail} />;
  else if (selected) {
    main = (
      <>
        <header className="pane-header">
          <h1>{selected.name}</h1>
        </header>
        <RunsTable />
      </>
    );
  }

  return (
    <div className="experiments-pane" onKeyDown={onKeyDown}>
      <ExperimentsList />
      <div className="experiments-main">{main}</div>
    </div>
  );
}
