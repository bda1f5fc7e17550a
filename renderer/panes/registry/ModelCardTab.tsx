import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { CircleCheck, Download, Save, Undo2 } from 'lucide-react';
import { MODEL_CARD_FIELDS, type ModelCardContent, type ModelCardExport, type ModelCardField } from '../../../main/contract/registry';
import type { LatheError } from '../../../main/contract/result';
import { ErrorState } from '../../components/ErrorState';
import { cardDirty, selectCardDraft, useRegistryVersionStore } from '../../state/registryVersionStore';
import { downloadText } from './download';
import { formatTime } from './registryFormat';

export const CARD_LABELS: Record<ModelCardField, string> = {
  IntendedUse: 'Intended use',
  TrainingData: 'Training data',
  Metrics: 'Metrics',
  Limitations: 'Limitations',
  EthicalConsiderations: 'Ethical considerations',
  Owner: 'Owner',
};

const CARD_HINTS: Record<ModelCardField, string> = {
  IntendedUse: 'What the model is for, who uses it, and what it must not be used for.',
  TrainingData: 'Where the training data came from, its time span and known gaps.',
  Metrics: 'How the model was measured, on which data, and the results.',
  Limitations: 'Where the model is known to do badly, and what to watch for.',
  EthicalConsiderations: 'Who could be harmed by a wrong prediction, and what was checked (bias report).',
  Owner: 'Who answers for this model.',
};

const MIME: Record<ModelCardExport['Format'], string> = { markdown: 'text/markdown', html: 'text/html' };

/** Sections with no text yet, in card order. */
export function missingOf(content: ModelCardContent): ModelCardField[] {
  return MODEL_CARD_FIELDS.filter((field) => content[field].trim() === '');
}

/**
 * The version's model card: six sections, saved with the button or Ctrl+S, exported as Markdown or
 * HTML. Unsaved edits stay with the version (leaving it does not lose them) until saved or discarded.
 */
export function ModelCardTab() {
  const card = useRegistryVersionStore((s) => s.card);
  const draft = useRegistryVersionStore(selectCardDraft);
  const saving = useRegistryVersionStore((s) => s.cardSaving);
  const saveError = useRegistryVersionStore((s) => s.cardSaveError);
  const edit = useRegistryVersionStore((s) => s.editCard);
  const save = useRegistryVersionStore((s) => s.saveCard);
  const discard = useRegistryVersionStore((s) => s.discardCard);
  const exportCard = useRegistryVersionStore((s) => s.exportCard);
  const reload = useRegistryVersionStore((s) => s.reload);
  const [exportError, setExportError] = useState<LatheError | null>(null);

  if (card.error && !card.value) return <ErrorState title="Could not read the model card" error={card.error} onRetry={() => void reload('card')} />;
  if (!card.value || !draft) return <p className="muted">Loading the model card…</p>;
  const dirty = cardDirty(card.value, draft);
  const missing = missingOf(draft);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!saving) void save();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 's') {
      event.preventDefault();
      if (!saving) void save();
    }
  };
  const download = async (format: ModelCardExport['Format']) => {
    setExportError(null);
    const result = await exportCard(format);
    if (!result.ok) setExportError(result.error);
    else downloadText(result.value.FileName, result.value.Text, MIME[format]);
  };

  const state = dirty ? 'Unsaved changes' : card.value.Saved ? `Saved${card.value.LastModifiedTime ? ` ${formatTime(card.value.LastModifiedTime)}` : ''}${card.value.LastModifiedBy ? ` by ${card.value.LastModifiedBy}` : ''}` : 'Not saved yet: prefilled from the training job and evaluation';

  return (
    <form className="model-card" aria-label="Model card" onSubmit={submit} onKeyDown={onKeyDown} noValidate>
      <header className="model-card-header">
        <p className={`model-card-state${dirty ? ' model-card-dirty' : ''}`} data-testid="card-state" role="status">
          {state}
        </p>
        <p data-testid="card-completeness" className={missing.length === 0 ? 'card-complete' : 'muted'}>
          {missing.length === 0 ? (
            <>
              <CircleCheck size={13} aria-hidden="true" /> Complete
            </>
          ) : (
            `Missing: ${missing.map((field) => CARD_LABELS[field]).join(', ')}`
          )}
        </p>
      </header>
      {card.error && <ErrorState title="Could not refresh the model card" error={card.error} onRetry={() => void reload('card')} />}
      {MODEL_CARD_FIELDS.map((field) => {
        const id = `card-${field}`;
        return (
          <div key={field} className="form-row model-card-row">
            <label htmlFor={id}>{CARD_LABELS[field]}</label>
            <div className="form-control">
              <textarea id={id} rows={field === 'Owner' ? 1 : 4} value={draft[field]} onChange={(e) => edit(field, e.target.value)} aria-describedby={`${id}-hint`} spellCheck />
              <p id={`${id}-hint`} className="muted field-hint">
                {CARD_HINTS[field]}
              </p>
            </div>
          </div>
        );
      })}
      {saveError && <ErrorState title="Could not save the model card" error={saveError} />}
      {exportError && <ErrorState title="Could not export the model card" error={exportError} />}
      <div className="toolbar">
        <button type="submit" className="button button-primary" disabled={saving || (!dirty && card.value.Saved)} title="Save (Ctrl+S)">
          <Save size={14} aria-hidden="true" /> {saving ? 'Saving…' : 'Save'}
        </button>
        {dirty && (
          <button type="button" className="button" onClick={discard} disabled={saving} title="Drop the unsaved edits and show the saved card">
            <Undo2 size={14} aria-hidden="true" /> Discard changes
          </button>
        )}
        <button type="button" className="button" onClick={() => void download('markdown')}>
          <Download size={14} aria-hidden="true" /> Export Markdown
        </button>
        <button type="button" className="button" onClick={() => void download('html')}>
          <Download size={14} aria-hidden="true" /> Export HTML
        </button>
        {dirty && <span className="muted">Exports hold the last saved card.</span>}
      </div>
    </form>
  );
}
