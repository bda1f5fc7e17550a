import { Plus, Trash2 } from 'lucide-react';
import { DataPreview } from './DataPreview';
import { addChannel, SCRIPT, type ChannelDraft, type FormErrors, type JobDraft } from './jobForm';
import { PathField } from './PathField';

interface Props {
  draft: JobDraft;
  errors: FormErrors;
  update(change: (draft: JobDraft) => JobDraft, touched?: string[]): void;
  onPickerChange(open: boolean): void;
}

/** The data channels (train, validation, …): each a file or folder, typed or picked, with its first rows. */
export function ChannelsField({ draft, errors, update, onPickerChange }: Props) {
  const script = draft.algorithm === SCRIPT;
  const change = (channel: ChannelDraft, patch: Partial<ChannelDraft>) =>
    update((d) => ({ ...d, channels: d.channels.map((c) => (c.id === channel.id ? { ...c, ...patch } : c)) }), [`channel.${channel.id}`]);

  return (
    <fieldset className="form-section">
      <legend>Data channels</legend>
      <p className="muted field-hint">A file or a folder for each channel: a path on this machine, file:///…, or s3://bucket/key in Lathe's local object store.</p>
      {draft.channels.map((channel) => {
        const key = `channel.${channel.id}`;
        const label = script ? (
          `Data for channel ${channel.name || '(unnamed)'}`
        ) : (
          <>
            <code>{channel.name}</code>
            {channel.required ? <span className="required-mark" aria-label="required"> *</span> : <span className="muted"> (optional)</span>}
          </>
        );
        return (
          <div key={channel.id} className="channel">
            {script && (
              <div className="form-row">
                <label htmlFor={`channel-name-${channel.id}`}>Channel name</label>
                <input id={`channel-name-${channel.id}`} type="text" className="channel-name" spellCheck={false} value={channel.name} onChange={(e) => change(channel, { name: e.target.value })} />
              </div>
            )}
            <PathField
              id={`channel-${channel.id}`}
              label={label}
              value={channel.path}
              onChange={(path) => change(channel, { path })}
              error={errors.fields[key]}
              invalid={key in errors.fields}
              pick="any"
              placeholder="/path/to/data.csv or folder"
              hint={channel.description || undefined}
              testId={`channel-path-${channel.name}`}
              browseLabel={`Browse for the ${channel.name || 'channel'} data`}
              onPickerChange={onPickerChange}
            >
              <DataPreview value={channel.path} testId={`channel-preview-${channel.name}`} />
            </PathField>
            {!channel.required && (
              <button
                type="button"
                className="button button-icon channel-remove"
                aria-label={`Remove the ${channel.name || 'unnamed'} channel`}
                title="Remove this channel"
                onClick={() => update((d) => ({ ...d, channels: d.channels.filter((c) => c.id !== channel.id) }), [key])}
              >
                <Trash2 size={14} aria-hidden="true" />
              </button>
            )}
          </div>
        );
      })}
      <div>
        <button type="button" className="button button-small" onClick={() => update(addChannel)}>
          <Plus size={12} aria-hidden="true" /> Add channel
        </button>
      </div>
    </fieldset>
  );
}
