import { useRef, type KeyboardEvent } from 'react';
import { Command as CommandIcon } from 'lucide-react';
import { PANES, type PaneDefinition, type PaneId } from '../panes/registry';
import { useWorkbenchStore } from '../state/workbenchStore';

/** The vertical strip of panes on the left. Tab reaches it; arrow keys move between its buttons. */
export function ActivityBar() {
  const active = useWorkbenchStore((s) => s.activePane);
  const showPane = useWorkbenchStore((s) => s.showPane);
  const setPaletteOpen = useWorkbenchStore((s) => s.setPaletteOpen);
  const navRef = useRef<HTMLElement>(null);

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const buttons = [...(navRef.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (index < 0) return;
    event.preventDefault();
    const next = (index + (event.key === 'ArrowDown' ? 1 : -1) + buttons.length) % buttons.length;
    buttons[next]?.focus();
  };

  const button = (pane: PaneDefinition) => {
    const Icon = pane.icon;
    const isActive = pane.id === active;
    return (
      <button
        key={pane.id}
        type="button"
        className="activity-button"
        aria-label={pane.title}
        aria-current={isActive ? 'page' : undefined}
        title={pane.title}
        onClick={() => showPane(pane.id as PaneId)}
      >
        <Icon size={22} strokeWidth={1.6} aria-hidden="true" />
        <span className="activity-label">{pane.title}</span>
      </button>
    );
  };

  return (
    <nav className="activity-bar" aria-label="Panes" ref={navRef} onKeyDown={onKeyDown}>
      <div className="activity-group">{PANES.filter((p) => p.placement === 'top').map(button)}</div>
      <div className="activity-group">
        <button
          type="button"
          className="activity-button"
          aria-label="Command palette (Ctrl+K)"
          title="Command palette (Ctrl+K)"
          onClick={() => setPaletteOpen(true)}
        >
          <CommandIcon size={20} strokeWidth={1.6} aria-hidden="true" />
          <span className="activity-label">Commands</span>
        </button>
        {PANES.filter((p) => p.placement === 'bottom').map(button)}
      </div>
    </nav>
  );
}
