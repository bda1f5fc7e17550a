import { useEffect } from 'react';
import { FileText, Folder } from 'lucide-react';
import { useShallow } from 'zustand/react/shallow';
import type { ArtifactEntry, ArtifactPreview } from '../../../main/contract/experiments';
import { ErrorState } from '../../components/ErrorState';
import { useArtifactsStore } from '../../state/artifactsStore';

/** Table rows a preview shows at most (the rest is counted). */
export const PREVIEW_ROWS = 200;
/** Image types an artifact preview may carry; anything else is not put into an <img>. */
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** 512 → "512 B", 1536 → "1.5 KiB", 10485760 → "10 MiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${Math.max(0, Math.round(bytes || 0))} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? Number(value.toFixed(1)) : Math.round(value)} ${units[unit]}`;
}

function TruncatedNote({ shown, what }: { shown: boolean; what: string }) {
  return shown ? <p className="muted artifact-note">{what}</p> : null;
}

/** The body of one preview, by kind. Text stays text: nothing here is parsed as HTML. */
export function PreviewBody({ preview }: { preview: ArtifactPreview }) {
  switch (preview.kind) {
    case 'text':
      return (
        <>
          <pre className="artifact-text">{preview.text}</pre>
          <TruncatedNote shown={preview.truncated} what={`Truncated: the file is ${formatBytes(preview.size)}; this is its beginning.`} />
        </>
      );
    case 'table': {
      const rows = preview.rows.slice(0, PREVIEW_ROWS);
      return (
        <>
          <div className="artifact-table-scroller">
            <table className="table compact-table artifact-table">
              <thead>
                <tr>
                  {preview.columns.map((column, i) => (
                    <th key={i} scope="col">
                      {column}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row, r) => (
                  <tr key={r}>
                    {row.map((cell, c) => (
                      <td key={c}>{cell}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <TruncatedNote shown={preview.truncated || rows.length < preview.rows.length} what={`Showing the first ${rows.length} rows.`} />
        </>
      );
    }
    case 'image':
      return IMAGE_TYPES.has(preview.mediaType) ? (
        <img className="artifact-image" src={`data:${preview.mediaType};base64,${preview.base64}`} alt={preview.path} />
      ) : (
        <p className="muted">Images of type {preview.mediaType} are not shown.</p>
      );
    case 'archive':
      return (
        <>
          <ul className="artifact-members">
            {preview.members.map((member) => (
              <li key={member.name}>
                <code>{member.name}</code> <span className="muted">{formatBytes(member.size)}</span>
              </li>
            ))}
          </ul>
          <TruncatedNote shown={preview.truncated} what={`Showing the first ${preview.members.length} members.`} />
        </>
      );
    case 'binary':
      return <p className="muted">{preview.reason}</p>;
  }
}

function EntryRow({ entry, selected, onOpen }: { entry: ArtifactEntry; selected: boolean; onOpen: (path: string) => void }) {
  const depth = entry.path.split('/').length - 1;
  const badge = entry.origin === 'job' && <span className="badge badge-accent">job output</span>;
  if (entry.kind === 'folder') {
    return (
      <li className="artifact-entry artifact-folder" style={{ paddingLeft: depth * 16 }}>
        <Folder size={14} aria-hidden="true" /> {entry.path.slice(entry.path.lastIndexOf('/') + 1)}/{badge}
      </li>
    );
  }
  return (
    <li className="artifact-entry" style={{ paddingLeft: depth * 16 }}>
      <button type="button" className={`artifact-item${selected ? ' artifact-selected' : ''}`} aria-pressed={selected} data-testid={`artifact-${entry.path}`} onClick={() => onOpen(entry.path)}>
        <FileText size={14} aria-hidden="true" />
        <span className="artifact-path" title={entry.path}>
          {entry.path.slice(entry.path.lastIndexOf('/') + 1)}
        </span>
        <span className="muted numeric">{formatBytes(entry.size)}</span>
        {badge}
      </button>
    </li>
  );
}

/** The open run's artifacts: a list (Enter or a click previews a file) and the preview beside it. */
export function ArtifactsSection({ runId }: { runId: string }) {
  const { listing, error, selectedPath, preview, previewError, load, openPreview } = useArtifactsStore(
    useShallow((s) => ({ listing: s.listing, error: s.error, selectedPath: s.selectedPath, preview: s.preview, previewError: s.previewError, load: s.load, openPreview: s.openPreview })),
  );
  useEffect(() => void load(runId), [runId, load]);

  let body;
  if (error) body = <ErrorState title="Could not list the artifacts" error={error} onRetry={() => void load(runId)} />;
  else if (!listing || listing.runId !== runId) body = <p className="muted">Loading the artifacts…</p>;
  else if (listing.entries.length === 0) {
    body = (
      <p className="muted" data-testid="artifacts-empty">
        No artifacts — log them with <code>lathe.tracking.log_artifact(path)</code> or <code>mlflow.log_artifact</code>
      </p>
    );
  } else {
    body = (
      <div className="artifacts-layout">
        <div>
          <ul className="artifact-list" aria-label="Artifact files">
            {listing.entries.map((entry) => (
              <EntryRow key={entry.path} entry={entry} selected={entry.path === selectedPath} onOpen={(path) => void openPreview(path)} />
            ))}
          </ul>
          <TruncatedNote shown={listing.truncated} what={`Showing the first ${listing.entries.length} entries.`} />
        </div>
        {selectedPath !== null && (
          <div className="artifact-preview" data-testid="artifact-preview" data-kind={preview?.kind ?? (previewError ? 'error' : 'loading')} aria-live="polite">
            <p className="artifact-preview-title">
              <code>{selectedPath}</code>
              {preview && <span className="muted"> · {formatBytes(preview.size)}</span>}
            </p>
            {previewError ? <ErrorState title={`Could not read ${selectedPath}`} error={previewError} /> : preview ? <PreviewBody preview={preview} /> : <p className="muted">Loading…</p>}
          </div>
        )}
      </div>
    );
  }

  return (
    <section className="run-artifacts" data-testid="run-artifacts" aria-label="Artifacts">
      <h2 className="section-title">Artifacts</h2>
      {listing && listing.runId === runId && listing.entries.length > 0 && (
        <p className="muted wrap-anywhere">
          In <code>{listing.root}</code>
        </p>
      )}
      {body}
    </section>
  );
}
