import { useEffect, useState } from 'react';
import type { LatheError } from '../../../main/contract/result';
import type { DataPreview as Preview } from '../../../main/contract/training';
import { localPathOf } from '../../lib/jobs';
import { useFilesStore } from '../../state/filesStore';

/** Typing pauses this long before the preview is asked for. */
const DEBOUNCE_MS = 400;
const ROWS = 5;

type State = { path: string } & ({ state: 'busy' } | { state: 'done'; preview: Preview } | { state: 'failed'; error: LatheError });

function bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

/** The first rows of the file or folder a channel names, under its field (local paths only). */
export function DataPreview({ value, testId }: { value: string; testId?: string }) {
  const preview = useFilesStore((s) => s.preview);
  const [answer, setAnswer] = useState<State | null>(null);
  const path = localPathOf(value);

  useEffect(() => {
    if (!path) return;
    let current = true;
    const timer = setTimeout(() => {
      setAnswer({ path, state: 'busy' });
      void preview(path, ROWS).then((result) => {
        if (current) setAnswer(result.ok ? { path, state: 'done', preview: result.value } : { path, state: 'failed', error: result.error });
      });
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [path, preview]);

  if (!path || !answer) return null;
  const state: State = answer.path === path ? answer : { path, state: 'busy' };
  if (state.state === 'busy') return <p className="muted preview-note">Reading the first rows…</p>;
  if (state.state === 'failed') {
    return (
      <p className="field-error preview-note" data-testid={testId}>
        {state.error.message}
      </p>
    );
  }
  const { preview: data } = state;
  const width = Math.max(0, ...data.rows.map((row) => row.length));
  return (
    <div className="data-preview" data-testid={testId}>
      <p className="muted preview-note">
        {data.kind === 'directory' ? `Folder · ${data.files} file${data.files === 1 ? '' : 's'} · ${bytes(data.bytes)}` : `File · ${bytes(data.bytes)}`}
        {data.path && data.kind === 'directory' ? ` · first rows of ${data.path}` : ''}
        {data.delimiter === '\t' ? ' · tab-separated' : data.delimiter ? ` · separated by "${data.delimiter}"` : ''}
      </p>
      {data.rows.length === 0 ? (
        <p className="muted preview-note">{data.path === null ? 'No data file in this folder.' : 'The file is empty.'}</p>
      ) : (
        <div className="preview-scroll">
          <table className="table preview-table" aria-label="First rows">
            <tbody>
              {data.rows.map((row, r) => (
                <tr key={r}>
                  {Array.from({ length: width }, (_, c) => (
                    <td key={c}>{row[c] ?? ''}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
