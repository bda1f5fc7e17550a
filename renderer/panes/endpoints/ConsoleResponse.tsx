import { CircleCheck, CircleX } from 'lucide-react';
import type { ConsoleAnswer, HistoryEntry } from '../../state/endpointsConsoleStore';
import { invokeErrorDetails } from './endpointFormat';
import { formatMs } from './latency';

/** The last answer: body and timings, or the error with SageMaker's type and the model's status. */
export function ConsoleResponse({ answer }: { answer: ConsoleAnswer }) {
  const { result } = answer;
  if (!result.ok) {
    const { errorType, originalStatusCode, originalMessage } = invokeErrorDetails(result.error);
    return (
      <section className="console-response console-response-error" aria-label="Response" data-testid="console-response" data-ok="false">
        <div className="console-response-head">
          <span className="badge status-badge badge-danger" data-testid="console-status">
            <CircleX size={11} aria-hidden="true" />
            {errorType ?? result.error.code}
          </span>
          {originalStatusCode !== null && (
            <span data-testid="console-original-status">
              model answered <strong>HTTP {originalStatusCode}</strong>
            </span>
          )}
          <span className="muted">round trip {formatMs(answer.roundTripMs)}</span>
        </div>
        <p className="error-message" data-testid="console-error-message">
          {result.error.message}
        </p>
        {originalMessage && (
          <>
            <h3 className="console-subtitle">The model&apos;s message</h3>
            <pre className="console-body" data-testid="console-original-message">
              {originalMessage}
            </pre>
          </>
        )}
      </section>
    );
  }
  const value = result.value;
  return (
    <section className="console-response" aria-label="Response" data-testid="console-response" data-ok="true">
      <div className="console-response-head">
        <span className="badge status-badge badge-ok" data-testid="console-status">
          <CircleCheck size={11} aria-hidden="true" />
          200 OK
        </span>
        <dl className="console-timings">
          <div>
            <dt>Variant</dt>
            <dd data-testid="console-variant">{value.InvokedProductionVariant || '—'}</dd>
          </div>
          <div>
            <dt>Model latency</dt>
            <dd className="numeric" data-testid="console-model-latency">
              {formatMs(value.ModelLatencyMs)}
            </dd>
          </div>
          <div>
            <dt>Overhead latency</dt>
            <dd className="numeric" data-testid="console-overhead-latency">
              {formatMs(value.OverheadLatencyMs)}
            </dd>
          </div>
          <div>
            <dt>Round trip</dt>
            <dd className="numeric">{formatMs(answer.roundTripMs)}</dd>
          </div>
          <div>
            <dt>Content type</dt>
            <dd>
              <code>{value.ContentType}</code>
              {value.BodyEncoding === 'base64' && <span className="muted"> (binary, shown as base64)</span>}
            </dd>
          </div>
        </dl>
      </div>
      <pre className="console-body" data-testid="console-body">
        {value.Body}
      </pre>
    </section>
  );
}

/** The last requests, newest first; a row puts its request back in the form. */
export function ConsoleHistory({ entries, onRestore }: { entries: HistoryEntry[]; onRestore(id: number): void }) {
  if (entries.length === 0) return null;
  return (
    <section className="console-history" aria-label="History">
      <h3 className="console-subtitle">
        History <span className="muted">· last {entries.length}, newest first · click a row to restore its payload</span>
      </h3>
      <table className="table compact-table" data-testid="console-history">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Status</th>
            <th scope="col" className="numeric">
              Latency
            </th>
            <th scope="col">Payload</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr
              key={entry.id}
              className="console-history-row"
              tabIndex={0}
              title="Restore this request"
              onClick={() => onRestore(entry.id)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' || event.key === ' ') {
                  event.preventDefault();
                  onRestore(entry.id);
                }
              }}
            >
              <td className="numeric">
                <time dateTime={entry.at}>{new Date(entry.at).toLocaleTimeString()}</time>
              </td>
              <td>
                <span className={`badge status-badge badge-${entry.ok ? 'ok' : 'danger'}`}>{entry.status}</span>
              </td>
              <td className="numeric">{formatMs(entry.latencyMs)}</td>
              <td>
                <code className="cell-code console-preview">{entry.preview}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
