import { LoaderCircle, PanelRightClose, PanelRightOpen, RefreshCw } from 'lucide-react';
import type { SystemInfo } from '../../../main/contract/model';
import { useNow } from '../../components/useNow';
import { relativeTime } from '../../lib/format';

interface Props {
  info: SystemInfo | null;
  busy: boolean;
  onRefresh(): void;
  activityOpen: boolean;
  onToggleActivity(): void;
}

export function HomeHeader({ info, busy, onRefresh, activityOpen, onToggleActivity }: Props) {
  const now = useNow();
  return (
    <header className="pane-header">
      <div>
        <h1>This machine</h1>
        {info && (
          <p className="muted">
            {info.os.hostname} · probed{' '}
            <time dateTime={info.probedAt} title={new Date(info.probedAt).toLocaleString()}>
              {relativeTime(info.probedAt, now)}
            </time>
            {info.fromSnapshot && <span data-testid="probe-pending"> · checking again…</span>}
          </p>
        )}
      </div>
      <div className="toolbar">
        <button type="button" className="button" onClick={onRefresh} disabled={busy} aria-busy={busy}>
          {busy ? <LoaderCircle size={14} className="spin" aria-hidden="true" /> : <RefreshCw size={14} aria-hidden="true" />}
          {busy ? 'Refreshing…' : 'Refresh'}
        </button>
        <button
          type="button"
          className="button button-icon"
          onClick={onToggleActivity}
          aria-pressed={activityOpen}
          aria-label={activityOpen ? 'Hide recent activity' : 'Show recent activity'}
          title={activityOpen ? 'Hide recent activity' : 'Show recent activity'}
        >
          {activityOpen ? <PanelRightClose size={14} aria-hidden="true" /> : <PanelRightOpen size={14} aria-hidden="true" />}
        </button>
      </div>
    </header>
  );
}
