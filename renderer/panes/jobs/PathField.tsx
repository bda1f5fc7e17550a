import { useState, type ReactNode } from 'react';
import { FolderOpen } from 'lucide-react';
import { localPathOf } from '../../lib/jobs';
import { FieldError } from './FieldMessage';
import { FilePicker, type PickKind } from './FilePicker';

interface Props {
  id: string;
  label: ReactNode;
  value: string;
  onChange(value: string): void;
  /** Key in the form's errors: present = invalid. */
  error: string | undefined;
  invalid: boolean;
  pick: PickKind;
  placeholder?: string;
  hint?: ReactNode;
  testId?: string;
  /** The Browse… button's accessible name. */
  browseLabel: string;
  /** Tells the form a picker is open (Escape then closes the picker, not the form). */
  onPickerChange?(open: boolean): void;
  children?: ReactNode;
}

/** A path typed in or chosen with the file picker (Browse…). */
export function PathField({ id, label, value, onChange, error, invalid, pick, placeholder, hint, testId, browseLabel, onPickerChange, children }: Props) {
  const [picking, setPicking] = useState(false);
  const setOpen = (open: boolean) => {
    setPicking(open);
    onPickerChange?.(open);
  };
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  return (
    <div className="form-row">
      <label htmlFor={id}>{label}</label>
      <div className="form-control">
        <div className="field-row">
          <input
            id={id}
            type="text"
            spellCheck={false}
            value={value}
            placeholder={placeholder}
            onChange={(e) => onChange(e.target.value)}
            aria-invalid={invalid ? true : undefined}
            aria-describedby={[error ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined}
            data-testid={testId}
          />
          <button type="button" className="button" onClick={() => setOpen(true)} aria-label={browseLabel}>
            <FolderOpen size={14} aria-hidden="true" /> Browse…
          </button>
        </div>
        {hint && (
          <p id={hintId} className="muted field-hint">
            {hint}
          </p>
        )}
        <FieldError id={errorId} message={error} />
        {children}
      </div>
      {picking && (
        <FilePicker
          title={pick === 'folder' ? 'Choose a folder' : pick === 'file' ? 'Choose a file' : 'Choose a file or folder'}
          kind={pick}
          start={localPathOf(value)}
          onPick={(path) => {
            onChange(path);
            setOpen(false);
          }}
          onClose={() => setOpen(false)}
        />
      )}
    </div>
  );
}
