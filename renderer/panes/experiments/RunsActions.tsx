import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { GitCompare, RotateCcw, Trash2 } from 'lucide-react';
import { ErrorState } from '../../components/ErrorState';
import { MAX_COMPARED, useCompareStore } from '../../state/compareStore';
import { useExperimentsStore, type RunsAction } from '../../state/experimentsStore';

function runsWord(count: number): string {
  return `${count} run${count === 1 ? '' : 's'}`;
}

/**
 * What to do with the selected runs (in table order): compare or delete them; in the trash,
 * restore them or delete them forever after an inline "Really…?" (Escape backs out).
 */
export function RunsActions({ selectedIds }: { selectedIds: string[] }) {
  const showDeleted = useExperimentsStore((s) => s.showDeleted);
  const actionError = useExperimentsStore((s) => s.actionError);
  const runsAction = useExperimentsStore((s) => s.runsAction);
  const reloadRuns = useExperimentsStore((s) => s.reloadRuns);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const purgeButton = useRef<HTMLButtonElement>(null);
  const count = selectedIds.length;

  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);
  // Nothing left to confirm for, or the trash closed: the question goes.
  if (confirming && (count === 0 || !showDeleted)) setConfirming(false);

  const act = async (channel: RunsAction) => {
    setBusy(true);
    setConfirming(false);
    await runsAction(channel, selectedIds);
    setBusy(false);
  };
  const cancel = () => {
    setConfirming(false);
    purgeButton.current?.focus();
  };
  const onConfirmKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      cancel();
    }
  };

  return (
    <>
      <div className="runs-actions" aria-label="Selected runs" role="group" aria-busy={busy}>
        <span className="muted" data-testid="runs-selected">
          {count === 0 ? 'None selected' : `${count} selected`}
        </span>
        {showDeleted ? (
          <>
            <button type="button" className="button" disabled={count === 0 || busy} onClick={() => void act('runs.restore')}>
              <RotateCcw size={14} aria-hidden="true" /> Restore
            </button>
            {confirming ? (
              <span className="confirm" onKeyDown={onConfirmKey}>
                <button ref={confirmButton} type="button" className="button button-danger" disabled={busy} onClick={() => void act('runs.purge')}>
                  Really delete {runsWord(count)} forever?
                </button>
                <button type="button" className="button" onClick={cancel}>
                  Cancel
                </button>
              </span>
            ) : (
              <button ref={purgeButton} type="button" className="button" disabled={count === 0 || busy} onClick={() => setConfirming(true)} title="Their metrics, params and artifact files go; this cannot be undone">
                <Trash2 size={14} aria-hidden="true" /> Delete forever
              </button>
            )}
          </>
        ) : (
          <>
            <button
              type="button"
              className="button"
              disabled={count < 2 || count > MAX_COMPARED}
              onClick={() => useCompareStore.getState().open(selectedIds)}
              title={count > MAX_COMPARED ? `Compare takes at most ${MAX_COMPARED} runs: ${count} are selected` : 'Compare the selected runs side by side (2 or more)'}
            >
              <GitCompare size={14} aria-hidden="true" /> Compare ({count})
            </button>
            <button type="button" className="button" disabled={count === 0 || busy} onClick={() => void act('runs.delete')} title="Move the selected runs to the trash (Show deleted restores them)">
              <Trash2 size={14} aria-hidden="true" /> Delete
            </button>
          </>
        )}
      </div>
      {actionError && <ErrorState title={actionError.title} error={actionError.error} onRetry={actionError.reload ? () => void reloadRuns() : undefined} />}
    </>
  );
}
