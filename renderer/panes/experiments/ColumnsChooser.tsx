import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { Columns3 } from 'lucide-react';
import { METRIC_STATS, isColumnShown, metricColumnId, paramColumnId, tagColumnId, type ColumnOptions, type ColumnPrefs } from './runColumns';

interface Props {
  options: ColumnOptions;
  prefs: ColumnPrefs;
  onChange(columnId: string, shown: boolean): void;
  onReset(): void;
}

const NAV_KEYS: Record<string, number> = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };

/**
 * "Columns": a popover of checkboxes, per metric key one each for its last, min and max value,
 * one per param and one per tag. Keyboard: the find box takes focus; arrows move between
 * checkboxes, Space ticks, Escape closes and gives focus back to the button.
 */
export function ColumnsChooser({ options, prefs, onChange, onReset }: Props) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const find = useRef<HTMLInputElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    find.current?.focus();
    const onPointerDown = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close();
      return;
    }
    const step = NAV_KEYS[event.key];
    const target = event.target as HTMLElement;
    // In the find box, left and right move the caret.
    if (step === undefined || (target === find.current && (event.key === 'ArrowLeft' || event.key === 'ArrowRight'))) return;
    const inputs = [...event.currentTarget.querySelectorAll<HTMLInputElement>('input')];
    const next = inputs[inputs.indexOf(target as HTMLInputElement) + step];
    if (next) {
      event.preventDefault();
      next.focus();
    }
  };

  const needle = query.trim().toLowerCase();
  const matches = (key: string) => !needle || key.toLowerCase().includes(needle);
  const metrics = options.metrics.filter(matches);
  const params = options.params.filter(matches);
  const tags = options.tags.filter(matches);

  const box = (columnId: string, label: string, text: string) => (
    <label key={columnId} className="columns-option">
      <input type="checkbox" aria-label={label} checked={isColumnShown(columnId, prefs)} onChange={(e) => onChange(columnId, e.target.checked)} />
      <span>{text}</span>
    </label>
  );

  return (
    <div className="columns-chooser" ref={root}>
      <button ref={button} type="button" className="button" aria-haspopup="dialog" aria-expanded={open} aria-controls={open ? panelId : undefined} onClick={() => setOpen(!open)}>
        <Columns3 size={14} aria-hidden="true" /> Columns
      </button>
      {open && (
        <div id={panelId} className="columns-popover" role="dialog" aria-label="Choose columns" data-testid="columns-chooser" onKeyDown={onKeyDown}>
          <input ref={find} type="search" aria-label="Find columns" placeholder="Find a metric, param or tag…" value={query} onChange={(e) => setQuery(e.target.value)} spellCheck={false} />
          {metrics.length > 0 && (
            <fieldset>
              <legend>Metrics</legend>
              {metrics.map((key) => (
                <div key={key} className="columns-metric" role="group" aria-label={`metric ${key}`}>
                  <span className="columns-key" title={key}>
                    {key}
                  </span>
                  {METRIC_STATS.map((stat) => box(metricColumnId(key, stat), `${key} ${stat}`, stat))}
                </div>
              ))}
            </fieldset>
          )}
          {params.length > 0 && (
            <fieldset>
              <legend>Params</legend>
              {params.map((key) => box(paramColumnId(key), `param ${key}`, key))}
            </fieldset>
          )}
          {tags.length > 0 && (
            <fieldset>
              <legend>Tags</legend>
              {tags.map((key) => box(tagColumnId(key), `tag ${key}`, key))}
            </fieldset>
          )}
          {metrics.length + params.length + tags.length === 0 && <p className="muted">{needle ? `No column matches “${query}”.` : 'These runs have no metrics, params or tags.'}</p>}
          <div className="columns-footer">
            <button type="button" className="button button-small" onClick={onReset}>
              Show the defaults
            </button>
            <button type="button" className="button button-small" onClick={close}>
              Done
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
