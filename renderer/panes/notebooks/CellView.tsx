import { memo, type FocusEvent, type MouseEvent } from 'react';
import { ArrowDown, ArrowUp, Loader2, Play, Trash2 } from 'lucide-react';
import { CodeEditor } from '../../components/CodeEditor';
import { SafeMarkdown } from '../../components/SafeHtml';
import { CellOutputs } from './CellOutputs';
import { cellType, executionCountOf, outputsOf, sourceOf, type Cell } from './nbformat';

export interface CellActions {
  select(index: number, mode?: 'command' | 'edit'): void;
  setSource(index: number, text: string): void;
  /** Edit mode on the cell (a Markdown cell shows its source). */
  edit(index: number): void;
  run(index: number): void;
  move(index: number, delta: -1 | 1): void;
  remove(index: number): void;
}

interface Props {
  index: number;
  count: number;
  cell: Cell;
  selected: boolean;
  /** A Markdown cell shown as its source. */
  editing: boolean;
  running: 'queued' | 'running' | undefined;
  actions: CellActions;
}

const TYPE_NAMES = { code: 'Code', markdown: 'Markdown', raw: 'Raw' } as const;

function prompt(type: string, running: Props['running'], count: number | null): string {
  if (type !== 'code') return '';
  if (running) return '[*]:';
  return `[${count ?? ' '}]:`;
}

/**
 * One cell: its prompt, its editor (Monaco for code; Markdown rendered until edited), its outputs,
 * and, when selected, its toolbar. The cell itself takes the focus in command mode.
 */
export const CellView = memo(function CellView({ index, count, cell, selected, editing, running, actions }: Props) {
  const type = cellType(cell);
  const source = sourceOf(cell);
  const number = index + 1;
  const showSource = type !== 'markdown' || editing;

  const onFocus = (event: FocusEvent<HTMLDivElement>) => {
    const inEditor = event.target instanceof Element && event.target.closest('.nb-cell-input') !== null;
    if (inEditor) actions.select(index, 'edit');
    else if (event.target === event.currentTarget) actions.select(index, 'command');
  };
  const onMouseDown = (event: MouseEvent<HTMLDivElement>) => {
    const target = event.target as Element;
    if (target.closest('.nb-cell-input, button, a, input, select, textarea')) return;
    actions.select(index, 'command');
  };

  return (
    <div
      className="nb-cell"
      role="group"
      aria-label={`Cell ${number} of ${count}, ${TYPE_NAMES[type]}`}
      aria-current={selected ? 'true' : undefined}
      tabIndex={selected ? 0 : -1}
      data-cell-index={index}
      data-cell-type={type}
      data-selected={selected ? 'true' : undefined}
      data-running={running}
      data-testid={`cell-${index}`}
      onFocus={onFocus}
      onMouseDown={onMouseDown}
    >
      <div className="nb-cell-gutter" aria-hidden={type !== 'code'}>
        <span className="nb-prompt" data-testid={`cell-prompt-${index}`}>
          {prompt(type, running, executionCountOf(cell))}
        </span>
        {running === 'running' && <Loader2 size={12} className="spin" aria-label="Running" />}
      </div>
      <div className="nb-cell-body">
        {showSource ? (
          <div className="nb-cell-input">
            <CodeEditor
              value={source}
              onChange={(text) => actions.setSource(index, text)}
              language={type === 'code' ? 'python' : 'plaintext'}
              ariaLabel={`${TYPE_NAMES[type]} cell ${number}`}
              minLines={1}
              maxLines={60}
              wordWrap={type !== 'code'}
              placeholder={type === 'markdown' ? 'Markdown: # Heading, **bold**, - lists, [links](…)' : undefined}
              testId={`cell-editor-${index}`}
            />
          </div>
        ) : (
          <div className="nb-cell-rendered" onDoubleClick={() => actions.edit(index)} title="Double-click or press Enter to edit">
            {source.trim() === '' ? (
              <p className="muted nb-empty-markdown">Empty Markdown cell: double-click or press Enter to write.</p>
            ) : (
              <SafeMarkdown source={source} className="nb-markdown" testId={`cell-markdown-${index}`} />
            )}
          </div>
        )}
        {type === 'code' && <CellOutputs outputs={outputsOf(cell)} label={`Output of cell ${number}`} />}
      </div>
      {selected && (
        <div className="nb-cell-toolbar" role="toolbar" aria-label={`Cell ${number} actions`}>
          <button type="button" className="button button-small button-icon" aria-label={`Run cell ${number}`} title="Run (Ctrl+Enter)" onClick={() => actions.run(index)}>
            <Play size={12} aria-hidden="true" />
          </button>
          <button type="button" className="button button-small button-icon" aria-label={`Move cell ${number} up`} title="Move up" disabled={index === 0} onClick={() => actions.move(index, -1)}>
            <ArrowUp size={12} aria-hidden="true" />
          </button>
          <button type="button" className="button button-small button-icon" aria-label={`Move cell ${number} down`} title="Move down" disabled={index === count - 1} onClick={() => actions.move(index, 1)}>
            <ArrowDown size={12} aria-hidden="true" />
          </button>
          <button type="button" className="button button-small button-icon" aria-label={`Delete cell ${number}`} title="Delete (D D)" onClick={() => actions.remove(index)}>
            <Trash2 size={12} aria-hidden="true" />
          </button>
        </div>
      )}
    </div>
  );
});
