/**
 * Jupyter's keyboard, pure: which command a key stands for in command mode (the cell has the
 * focus) and in edit mode (its editor has). Two-key commands (D D, I I, 0 0) need the same key
 * twice within CHORD_MS.
 */

export type NotebookCommand =
  | 'edit'
  | 'command'
  | 'select-previous'
  | 'select-next'
  | 'select-first'
  | 'select-last'
  | 'insert-above'
  | 'insert-below'
  | 'delete'
  | 'to-markdown'
  | 'to-code'
  | 'run'
  | 'run-advance'
  | 'run-insert'
  | 'interrupt'
  | 'restart'
  | 'save';

export interface KeyPress {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

export const CHORD_MS = 1000;

/** Shift/Ctrl/Alt+Enter: the run keys, the same in both modes. */
function runKey(event: KeyPress): NotebookCommand | null {
  if (event.key !== 'Enter') return null;
  if (event.shiftKey && !event.ctrlKey && !event.metaKey && !event.altKey) return 'run-advance';
  if ((event.ctrlKey || event.metaKey) && !event.shiftKey && !event.altKey) return 'run';
  if (event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey) return 'run-insert';
  return null;
}

export function isSaveKey(event: KeyPress): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 's';
}

/** In an editor: the run keys and Esc; everything else is typing. */
export function editModeCommand(event: KeyPress): NotebookCommand | null {
  if (event.key === 'Escape' && !event.ctrlKey && !event.metaKey && !event.altKey) return 'command';
  return runKey(event);
}

export interface Chord {
  key: string;
  at: number;
}

/**
 * In command mode: the command for `event`, and the chord to remember (a first D, I or 0), given
 * the one remembered from the key before.
 */
export function commandModeCommand(event: KeyPress, previous: Chord | null, now: number): { command: NotebookCommand | null; chord: Chord | null } {
  const run = runKey(event);
  if (run) return { command: run, chord: null };
  if (event.ctrlKey || event.metaKey || event.altKey) return { command: null, chord: null };
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  const single: Record<string, NotebookCommand> = {
    Enter: 'edit',
    ArrowUp: 'select-previous',
    k: 'select-previous',
    ArrowDown: 'select-next',
    j: 'select-next',
    Home: 'select-first',
    End: 'select-last',
    a: 'insert-above',
    b: 'insert-below',
    m: 'to-markdown',
    y: 'to-code',
  };
  if (!event.shiftKey && key in single) return { command: single[key]!, chord: null };
  const chords: Record<string, NotebookCommand> = { d: 'delete', i: 'interrupt', '0': 'restart' };
  if (!event.shiftKey && key in chords) {
    if (previous && previous.key === key && now - previous.at <= CHORD_MS) return { command: chords[key]!, chord: null };
    return { command: null, chord: { key, at: now } };
  }
  return { command: null, chord: null };
}
