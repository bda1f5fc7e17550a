import { useState, type KeyboardEvent } from 'react';
import { Plus, Trash2 } from 'lucide-react';
import { errorId, FieldError } from './FieldError';

interface Props {
  folders: readonly string[];
  error: string | undefined;
  onChange(folders: string[]): void;
}

/** Folders Lathe may read data from: a list with add and remove. Enter in the path box adds it. */
export function DataFoldersField({ folders, error, onChange }: Props) {
  const [path, setPath] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const shown = localError ?? error;

  const add = () => {
    const folder = path.trim();
    if (folder === '') return;
    if (folders.includes(folder)) {
      setLocalError(`${folder} is already in the list`);
      return;
    }
    onChange([...folders, folder]);
    setPath('');
    setLocalError(null);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    add();
  };

  return (
    <fieldset className="field">
      <legend>Data folders</legend>
      {folders.length === 0 ? (
        <p className="muted">No data folders yet.</p>
      ) : (
        <ul className="folder-list">
          {folders.map((folder) => (
            <li key={folder}>
              <code>{folder}</code>
              <button
                type="button"
                className="button button-icon"
                aria-label={`Remove ${folder}`}
                title={`Remove ${folder}`}
                onClick={() => onChange(folders.filter((f) => f !== folder))}
              >
                <Trash2 size={14} aria-hidden="true" />
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="field-row">
        <label htmlFor="settings-data-folder" className="visually-hidden">
          Folder to add
        </label>
        <input
          id="settings-data-folder"
          type="text"
          spellCheck={false}
          placeholder="/path/to/data"
          value={path}
          onChange={(e) => {
            setPath(e.target.value);
            setLocalError(null);
          }}
          onKeyDown={onKeyDown}
          aria-invalid={shown ? true : undefined}
          aria-describedby={shown ? errorId('dataFolders') : undefined}
        />
        <button type="button" className="button" onClick={add} disabled={path.trim() === ''}>
          <Plus size={14} aria-hidden="true" /> Add
        </button>
      </div>
      <FieldError id={errorId('dataFolders')} message={shown ?? undefined} />
    </fieldset>
  );
}
