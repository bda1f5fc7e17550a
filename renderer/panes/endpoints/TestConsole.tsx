import { useEffect, useId, type FormEvent, type KeyboardEvent } from 'react';
import { Send } from 'lucide-react';
import type { EndpointDescription } from '../../../main/contract/endpoints';
import { CodeEditor } from '../../components/CodeEditor';
import { isSubmitKey, languageForContentType } from '../../components/codeEditorLib';
import { ACCEPTS, CONTENT_TYPES, EMPTY_CONSOLE, useEndpointsConsoleStore, type ConsoleContentType } from '../../state/endpointsConsoleStore';
import { FieldError } from '../jobs/FieldMessage';
import { ConsoleHistory, ConsoleResponse } from './ConsoleResponse';

const CONTENT_LABELS: Record<ConsoleContentType, string> = {
  'text/csv': 'text/csv',
  'application/json': 'application/json',
  'application/x-npy': 'application/x-npy (base64)',
};

const NO_HISTORY: never[] = [];

function isContentType(value: string): value is ConsoleContentType {
  return (CONTENT_TYPES as readonly string[]).includes(value);
}

/** Where the payload came from, or why it could not be prefilled. */
function SampleNote({ endpoint, id }: { endpoint: string; id: string }) {
  const sample = useEndpointsConsoleStore((s) => s.samples[endpoint]);
  if (!sample) return null;
  if (sample.state === 'loading') return <p id={id} className="muted field-hint">Reading a row of the training data…</p>;
  if (sample.state === 'ready') {
    return (
      <p id={id} className="muted field-hint" data-testid="console-sample-source">
        Prefilled from {sample.source}.
      </p>
    );
  }
  return (
    <p id={id} className="muted field-hint" data-testid="console-sample-hint">
      No sample payload: {sample.hint}
    </p>
  );
}

/**
 * Send one request to the endpoint and read the answer: content type, Accept, payload (a Monaco
 * editor prefilled from the training data: JSON highlighted and checked, CSV and base64 as plain
 * text), target variant. Ctrl+Enter sends; the history restores a payload.
 */
export function TestConsole({ endpoint, description }: { endpoint: string; description: EndpointDescription }) {
  const draft = useEndpointsConsoleStore((s) => s.drafts[endpoint]) ?? EMPTY_CONSOLE;
  const sending = useEndpointsConsoleStore((s) => s.sending[endpoint] ?? false);
  const answer = useEndpointsConsoleStore((s) => s.answers[endpoint]);
  const history = useEndpointsConsoleStore((s) => s.history[endpoint]) ?? NO_HISTORY;
  const bodyError = useEndpointsConsoleStore((s) => s.bodyErrors[endpoint]);
  const edit = useEndpointsConsoleStore((s) => s.edit);
  const loadSample = useEndpointsConsoleStore((s) => s.loadSample);
  const send = useEndpointsConsoleStore((s) => s.send);
  const restore = useEndpointsConsoleStore((s) => s.restore);
  const base = useId();
  useEffect(() => void loadSample(endpoint), [loadSample, endpoint]);

  const variants = description.ProductionVariants?.map((v) => v.VariantName) ?? [];
  const serving = description.EndpointStatus === 'InService' || description.EndpointStatus === 'Updating' || description.EndpointStatus === 'RollingBack';

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void send(endpoint);
  };
  // Ctrl+Enter from any field of the form; the payload editor handles (and prevents) its own.
  const onKeyDown = (event: KeyboardEvent) => {
    if (!event.defaultPrevented && isSubmitKey(event)) {
      event.preventDefault();
      void send(endpoint);
    }
  };
  const payloadLabel = `Payload${draft.contentType === 'application/x-npy' ? ' (the .npy bytes as base64)' : ''}`;

  return (
    <div className="test-console" data-testid="test-console">
      <form className="console-form" aria-label="Test request" onSubmit={onSubmit} onKeyDown={onKeyDown} noValidate>
        <div className="console-options">
          <label className="inline-field">
            <span>Content type</span>
            <select
              aria-label="Content type"
              value={draft.contentType}
              onChange={(e) => {
                if (isContentType(e.target.value)) edit(endpoint, { contentType: e.target.value });
              }}
            >
              {CONTENT_TYPES.map((type) => (
                <option key={type} value={type}>
                  {CONTENT_LABELS[type]}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-field">
            <span>Accept</span>
            <select aria-label="Accept" value={draft.accept} onChange={(e) => edit(endpoint, { accept: e.target.value })}>
              {ACCEPTS.map((type) => (
                <option key={type} value={type}>
                  {type || 'model default'}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-field">
            <span>Target variant</span>
            <select aria-label="Target variant" value={draft.targetVariant} onChange={(e) => edit(endpoint, { targetVariant: e.target.value })}>
              <option value="">By weight</option>
              {variants.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
              {draft.targetVariant && !variants.includes(draft.targetVariant) && <option value={draft.targetVariant}>{draft.targetVariant}</option>}
            </select>
          </label>
        </div>
        <label htmlFor={`${base}-payload`} className="console-label">
          {payloadLabel}
        </label>
        <CodeEditor
          id={`${base}-payload`}
          testId="console-payload"
          ariaLabel={payloadLabel}
          language={languageForContentType(draft.contentType)}
          value={draft.body}
          onChange={(body) => edit(endpoint, { body })}
          onSubmit={() => void send(endpoint)}
          placeholder={draft.contentType === 'application/json' ? '{"instances": [[200.0, 14, 0.85, 5]]}' : '200.0,14,0.85,5'}
          minLines={6}
          maxLines={16}
          tabMovesFocus
          ariaInvalid={Boolean(bodyError)}
          ariaDescribedBy={[bodyError ? `${base}-payload-error` : null, `${base}-payload-hint`].filter(Boolean).join(' ')}
        />
        <FieldError id={`${base}-payload-error`} message={bodyError} />
        <SampleNote endpoint={endpoint} id={`${base}-payload-hint`} />
        <div className="console-actions">
          <button type="submit" className="button button-primary" disabled={sending} aria-keyshortcuts="Control+Enter" title="Send (Ctrl+Enter)">
            <Send size={14} aria-hidden="true" /> {sending ? 'Sending…' : 'Send'}
          </button>
          <span className="muted">Ctrl+Enter sends{serving ? '' : ` · the endpoint is ${description.EndpointStatus}: it may not answer`}</span>
        </div>
      </form>
      {answer && <ConsoleResponse answer={answer} />}
      <ConsoleHistory entries={history} onRestore={(id) => restore(endpoint, id)} />
    </div>
  );
}
