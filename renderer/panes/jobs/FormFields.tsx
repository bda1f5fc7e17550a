import type { Ref } from 'react';
import { FieldError } from './FieldMessage';
import type { JobDraft } from './jobForm';

export interface TextFieldProps {
  id: string;
  label: string;
  field: keyof JobDraft & string;
  draft: JobDraft;
  errors: Record<string, string>;
  edit(change: Partial<JobDraft>): void;
  hint?: string;
  placeholder?: string;
  inputRef?: Ref<HTMLInputElement>;
  numeric?: boolean;
}

/** A labelled text input bound to one draft field, with its hint and error. */
export function TextField({ id, label, field, draft, errors, edit, hint, placeholder, inputRef, numeric }: TextFieldProps) {
  const message = errors[field];
  const describedBy = [message ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="form-row">
      <label htmlFor={id}>{label}</label>
      <div className="form-control">
        <input
          id={id}
          ref={inputRef}
          type="text"
          inputMode={numeric ? 'numeric' : undefined}
          spellCheck={false}
          value={String(draft[field])}
          placeholder={placeholder}
          onChange={(e) => edit({ [field]: e.target.value } as Partial<JobDraft>)}
          aria-invalid={field in errors ? true : undefined}
          aria-describedby={describedBy}
        />
        {hint && (
          <p id={`${id}-hint`} className="muted field-hint">
            {hint}
          </p>
        )}
        <FieldError id={`${id}-error`} message={message} />
      </div>
    </div>
  );
}
