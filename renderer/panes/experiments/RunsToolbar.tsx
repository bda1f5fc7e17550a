import { Download } from 'lucide-react';
import { useExperimentsStore } from '../../state/experimentsStore';
import { ColumnsChooser } from './ColumnsChooser';
import { RunFilterInput } from './RunFilterInput';
import { csvFileName, runsCsv } from './runsCsv';
import type { RunsView } from './useRunsView';

/** Wiring: the text as a file the browser downloads (Blob + a temporary <a download>). */
function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked after the click has been handled, not before the download starts.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Filters (run name, MLflow filter), and how the runs show: group by, columns, the trash, CSV. */
export function RunsToolbar({ view, experimentName }: { view: RunsView; experimentName: string }) {
  const runs = useExperimentsStore((s) => s.runs);
  const partial = useExperimentsStore((s) => s.runsPartial);
  const filter = useExperimentsStore((s) => s.filter);
  const showDeleted = useExperimentsStore((s) => s.showDeleted);
  const groupBy = useExperimentsStore((s) => s.groupBy);
  const columnPrefs = useExperimentsStore((s) => s.columnPrefs);
  const setFilter = useExperimentsStore((s) => s.setFilter);
  const setShowDeleted = useExperimentsStore((s) => s.setShowDeleted);
  const setGroupBy = useExperimentsStore((s) => s.setGroupBy);
  const setColumnShown = useExperimentsStore((s) => s.setColumnShown);
  const resetColumns = useExperimentsStore((s) => s.resetColumns);
  const { visible, ordered, columns, options, now } = view;
  const noun = showDeleted ? 'deleted runs' : 'runs';
  // A param the runs no longer have (after a filter) stays choosable, so the select shows the choice.
  const groupKeys = groupBy !== null && !options.params.includes(groupBy) ? [...options.params, groupBy] : options.params;

  return (
    <>
      <div className="runs-filters" role="search" aria-label="Filter runs">
        <label className="inline-field">
          <span>Run name</span>
          <input type="search" aria-label="Filter runs by name" value={filter} placeholder="contains…" onChange={(e) => setFilter(e.target.value)} spellCheck={false} />
        </label>
        <RunFilterInput />
      </div>
      <div className="runs-toolbar">
        <label className="inline-field">
          <span>Group by</span>
          <select aria-label="Group by" value={groupBy ?? ''} onChange={(e) => setGroupBy(e.target.value || null)}>
            <option value="">None</option>
            {groupKeys.map((key) => (
              <option key={key} value={key}>
                {key}
              </option>
            ))}
          </select>
        </label>
        <ColumnsChooser options={options} prefs={columnPrefs} onChange={setColumnShown} onReset={resetColumns} />
        <label className="checkbox">
          <input type="checkbox" aria-label="Show deleted runs" checked={showDeleted} onChange={(e) => void setShowDeleted(e.target.checked)} />
          Show deleted
        </label>
        <button
          type="button"
          className="button"
          disabled={ordered.length === 0}
          onClick={() => downloadText(runsCsv(ordered, columns, now), csvFileName(experimentName), 'text/csv;charset=utf-8')}
          title="The runs shown (filtered, sorted) with the columns shown, as CSV"
        >
          <Download size={14} aria-hidden="true" /> Export CSV
        </button>
        <span className="muted runs-count" data-testid="runs-count">
          {visible.length === runs.length ? `${runs.length} ${noun}` : `${visible.length} of ${runs.length} ${noun}`}
          {partial ? ' so far, loading the rest…' : ''}
        </span>
      </div>
    </>
  );
}
