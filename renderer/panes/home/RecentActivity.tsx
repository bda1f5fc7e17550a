import type { EventLogEntry } from '../../../main/contract/model';
import { ErrorState } from '../../components/ErrorState';
import { useNow } from '../../components/useNow';
import { relativeTime } from '../../lib/format';
import { useEventsStore } from '../../state/eventsStore';

function describe(entry: EventLogEntry): string {
  return entry.subject && entry.subject !== entry.action ? `${entry.action} · ${entry.subject}` : entry.action;
}

/** The newest entries of the event log, live. */
export function RecentActivity() {
  const entries = useEventsStore((s) => s.entries);
  const loaded = useEventsStore((s) => s.loaded);
  const error = useEventsStore((s) => s.error);
  const load = useEventsStore((s) => s.load);
  const now = useNow();

  return (
    <aside className="side-panel" aria-labelledby="activity-heading">
      <h2 id="activity-heading" className="side-panel-title">
        Recent activity
      </h2>
      {error && !loaded ? (
        <ErrorState title="Could not read the event log" error={error} onRetry={() => void load()} />
      ) : !loaded ? (
        <p className="muted">Loading…</p>
      ) : entries.length === 0 ? (
        <p className="muted">Nothing has happened yet.</p>
      ) : (
        <ol className="activity-list">
          {entries.map((entry) => (
            <li key={entry.id}>
              <span className="activity-what">{describe(entry)}</span>
              <span className="activity-meta">
                {entry.actor} ·{' '}
                <time dateTime={entry.at} title={new Date(entry.at).toLocaleString()}>
                  {relativeTime(entry.at, now)}
                </time>
              </span>
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}
