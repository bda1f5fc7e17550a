import { useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type UIEvent } from 'react';
import { ArrowDownToLine, ChevronDown, ChevronUp } from 'lucide-react';
import { stripAnsi } from '../../lib/ansi';
import { AnsiText } from './AnsiText';

/** Height of one log line in pixels (CSS .log-line uses the same). */
export const LINE_HEIGHT = 18;
/** Lines rendered above and below the visible window. */
const OVERSCAN = 20;
/** Height assumed before the container has been measured (and in tests, where nothing has a size). */
const FALLBACK_HEIGHT = 600;

interface Props {
  lines: readonly string[];
  /** Line number (0-based) of lines[0] in the job's log. */
  first: number;
  /** The job is still writing. */
  live: boolean;
}

/** Pure: indices of the lines that contain `needle` (case-insensitive, colours ignored). */
export function matchingLines(lines: readonly string[], needle: string): number[] {
  const lower = needle.toLowerCase();
  const found: number[] = [];
  for (let i = 0; i < lines.length; i++) if (stripAnsi(lines[i]!).toLowerCase().includes(lower)) found.push(i);
  return found;
}

/** Pure: the rows to render for a scroll position: [start, end) of the shown list. */
export function windowOf(count: number, scrollTop: number, height: number): { start: number; end: number } {
  const start = Math.max(0, Math.floor(scrollTop / LINE_HEIGHT) - OVERSCAN);
  const end = Math.min(count, Math.ceil((scrollTop + height) / LINE_HEIGHT) + OVERSCAN);
  return { start, end };
}

/**
 * A job's log: only the lines in view are in the DOM, ANSI colours rendered, a search that
 * highlights (or keeps only) matching lines, and it follows new lines while scrolled to the bottom.
 */
export function LogView({ lines, first, live }: Props) {
  const [search, setSearch] = useState('');
  const [onlyMatches, setOnlyMatches] = useState(false);
  const [current, setCurrent] = useState(-1);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(FALLBACK_HEIGHT);
  const [following, setFollowing] = useState(true);
  const boxRef = useRef<HTMLDivElement>(null);

  const needle = search.trim();
  const matches = useMemo(() => (needle === '' ? null : matchingLines(lines, needle)), [lines, needle]);
  const shown = onlyMatches && matches ? matches : null;
  const count = shown ? shown.length : lines.length;
  const { start, end } = windowOf(count, scrollTop, height);

  useLayoutEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    if (box.clientHeight > 0) setHeight(box.clientHeight);
    if (following) box.scrollTop = box.scrollHeight;
  }, [count, following]);

  const onScroll = (event: UIEvent<HTMLDivElement>) => {
    const box = event.currentTarget;
    setScrollTop(box.scrollTop);
    if (box.clientHeight > 0) setHeight(box.clientHeight);
    setFollowing(box.scrollTop + box.clientHeight >= box.scrollHeight - LINE_HEIGHT);
  };

  const scrollToRow = (row: number) => {
    const box = boxRef.current;
    if (!box) return;
    setFollowing(false);
    box.scrollTop = Math.max(0, row * LINE_HEIGHT - box.clientHeight / 2);
    setScrollTop(box.scrollTop);
  };

  const jump = (direction: 1 | -1) => {
    if (!matches || matches.length === 0) return;
    const next = (current + direction + matches.length) % matches.length;
    setCurrent(next);
    scrollToRow(shown ? next : matches[next]!);
  };

  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    jump(event.shiftKey ? -1 : 1);
  };

  const rows = [];
  for (let row = start; row < end; row++) {
    const index = shown ? shown[row]! : row;
    const isCurrent = matches !== null && current >= 0 && matches[current] === index;
    const meta = lines[index]!.startsWith('#lathe ');
    rows.push(
      <div key={index} className={`log-line${isCurrent ? ' log-line-current' : ''}${meta ? ' log-line-meta' : ''}`} style={{ top: row * LINE_HEIGHT }} data-line={first + index + 1}>
        <span className="log-number" aria-hidden="true">
          {first + index + 1}
        </span>
        <span className="log-text">
          <AnsiText line={lines[index]!} needle={needle} />
        </span>
      </div>,
    );
  }

  return (
    <section className="log-view" aria-label="Log">
      <div className="log-toolbar">
        <label className="inline-field">
          <span className="visually-hidden">Search the log</span>
          <input
            type="search"
            placeholder="Search the log…"
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              setCurrent(-1);
            }}
            onKeyDown={onSearchKey}
            spellCheck={false}
            aria-label="Search the log"
          />
        </label>
        <button type="button" className="button button-icon" onClick={() => jump(-1)} disabled={!matches?.length} aria-label="Previous match" title="Previous match (Shift+Enter)">
          <ChevronUp size={14} aria-hidden="true" />
        </button>
        <button type="button" className="button button-icon" onClick={() => jump(1)} disabled={!matches?.length} aria-label="Next match" title="Next match (Enter)">
          <ChevronDown size={14} aria-hidden="true" />
        </button>
        <label className="checkbox">
          <input type="checkbox" checked={onlyMatches} onChange={(e) => setOnlyMatches(e.target.checked)} />
          Only matching lines
        </label>
        <span className="muted" role="status" data-testid="log-count">
          {matches ? `${matches.length} matching line${matches.length === 1 ? '' : 's'}` : `${lines.length} line${lines.length === 1 ? '' : 's'}`}
          {live ? ' · live' : ''}
        </span>
        {!following && (
          <button type="button" className="button button-small" onClick={() => setFollowing(true)}>
            <ArrowDownToLine size={12} aria-hidden="true" /> Follow
          </button>
        )}
      </div>
      <div className="log-box" ref={boxRef} onScroll={onScroll} tabIndex={0} data-testid="job-log" role="log" aria-label="Job log" aria-live="off">
        {count === 0 ? (
          <p className="muted log-empty">{lines.length === 0 ? (live ? 'Waiting for the first line…' : 'The log is empty.') : 'No line matches.'}</p>
        ) : (
          <div className="log-rows" style={{ height: count * LINE_HEIGHT }}>
            {rows}
          </div>
        )}
      </div>
    </section>
  );
}
