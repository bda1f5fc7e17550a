import type { ReactNode } from 'react';
import { Box, Cpu, Plug, Terminal, Unplug } from 'lucide-react';
import type { ConnectionState } from '../api/client';
import { dockerSummary, gpuSummary, pythonSummary, selectedEnv } from '../lib/summaries';
import { useConnectionStore } from '../state/connectionStore';
import { useSystemStore } from '../state/systemStore';
import { useWorkbenchStore } from '../state/workbenchStore';

type Tone = 'ok' | 'warn' | 'muted';

function Item(props: { testId: string; label: string; title: string; tone: Tone; icon: ReactNode; onClick?: () => void }) {
  const content = (
    <>
      {props.icon}
      <span>{props.label}</span>
    </>
  );
  return props.onClick ? (
    <button type="button" className={`status-item tone-${props.tone}`} data-testid={props.testId} title={props.title} onClick={props.onClick}>
      {content}
    </button>
  ) : (
    <span className={`status-item tone-${props.tone}`} data-testid={props.testId} title={props.title}>
      {content}
    </span>
  );
}

const CONNECTION_LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
};

const ICON = { size: 13, 'aria-hidden': true } as const;

/** GPU, Python, Docker and connection at a glance; each machine item opens Home. */
export function StatusBar() {
  const info = useSystemStore((s) => s.info);
  const showPane = useWorkbenchStore((s) => s.showPane);
  const connection = useConnectionStore((s) => s.state);
  const transport = useConnectionStore((s) => s.transport);
  const goHome = () => showPane('home');
  const env = info ? selectedEnv(info.python) : null;

  return (
    <footer className="status-bar" aria-label="Status">
      {info ? (
        <>
          <Item
            testId="status-gpu"
            icon={<Cpu {...ICON} />}
            label={gpuSummary(info.gpu)}
            title={info.gpu.hint ? `${info.gpu.message}. ${info.gpu.hint}` : info.gpu.message}
            tone={info.gpu.status === 'error' ? 'warn' : info.gpu.status === 'ok' ? 'ok' : 'muted'}
            onClick={goHome}
          />
          <Item
            testId="status-python"
            icon={<Terminal {...ICON} />}
            label={pythonSummary(info.python)}
            title={env ? env.path : 'No Python interpreter was found'}
            tone={env?.ok ? 'ok' : 'warn'}
            onClick={() => showPane('settings')}
          />
          <Item
            testId="status-docker"
            icon={<Box {...ICON} />}
            label={dockerSummary(info.docker)}
            title={info.docker.hint ? `${info.docker.message}. ${info.docker.hint}` : info.docker.message}
            tone={info.docker.available ? 'ok' : 'muted'}
            onClick={goHome}
          />
        </>
      ) : (
        <span className="status-item tone-muted">Probing this machine…</span>
      )}
      <span className="status-spacer" />
      <Item
        testId="status-connection"
        icon={connection === 'open' ? <Plug {...ICON} /> : <Unplug {...ICON} />}
        label={transport === 'ipc' ? 'Desktop' : CONNECTION_LABELS[connection]}
        title={transport === 'ipc' ? 'Connected to Lathe in this window' : `Lathe server: ${CONNECTION_LABELS[connection]}`}
        tone={connection === 'open' ? 'ok' : 'warn'}
      />
    </footer>
  );
}
