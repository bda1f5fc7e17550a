import { useMemo } from 'react';
import { Command } from 'cmdk';
import { useWorkbenchStore } from '../state/workbenchStore';
import { buildCommands, type Command as PaletteCommand } from './commands';

const GROUPS: Array<PaletteCommand['group']> = ['Go to', 'Jobs', 'Notebooks', 'System', 'Theme'];

/** Ctrl+K / Ctrl+Shift+P. cmdk filters and handles arrows and Enter; Radix's dialog handles Escape and focus. */
export function CommandPalette() {
  const open = useWorkbenchStore((s) => s.paletteOpen);
  const setOpen = useWorkbenchStore((s) => s.setPaletteOpen);
  const commands = useMemo(() => buildCommands(), []);

  const run = (command: PaletteCommand) => {
    setOpen(false);
    command.run();
  };

  return (
    <Command.Dialog
      open={open}
      onOpenChange={setOpen}
      label="Command palette"
      loop
      overlayClassName="palette-overlay"
      contentClassName="palette"
    >
      <Command.Input className="palette-input" placeholder="Type a command…" aria-label="Command" />
      <Command.List className="palette-list">
        <Command.Empty className="palette-empty">No matching command.</Command.Empty>
        {GROUPS.map((group) => (
          <Command.Group key={group} heading={group} className="palette-group">
            {commands
              .filter((command) => command.group === group)
              .map((command) => (
                <Command.Item
                  key={command.id}
                  value={command.title}
                  keywords={command.keywords}
                  onSelect={() => run(command)}
                  className="palette-item"
                >
                  {command.title}
                </Command.Item>
              ))}
          </Command.Group>
        ))}
      </Command.List>
    </Command.Dialog>
  );
}
