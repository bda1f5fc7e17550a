import { memo, type CSSProperties } from 'react';
import { parseAnsi, type AnsiColor, type AnsiSegment } from '../../lib/ansi';

export interface Piece {
  text: string;
  segment: AnsiSegment;
  mark: boolean;
}

/** Segments cut where the case-insensitive `needle` matches in their joined text; matches marked. */
export function highlight(segments: readonly AnsiSegment[], needle: string): Piece[] {
  if (needle === '') return segments.map((segment) => ({ text: segment.text, segment, mark: false }));
  const text = segments.map((s) => s.text).join('').toLowerCase();
  const lower = needle.toLowerCase();
  const marked = new Uint8Array(text.length);
  for (let at = text.indexOf(lower); at !== -1; at = text.indexOf(lower, at + lower.length)) marked.fill(1, at, at + lower.length);
  const pieces: Piece[] = [];
  let offset = 0;
  for (const segment of segments) {
    let start = 0;
    for (let i = 1; i <= segment.text.length; i++) {
      if (i === segment.text.length || marked[offset + i] !== marked[offset + start]) {
        pieces.push({ text: segment.text.slice(start, i), segment, mark: marked[offset + start] === 1 });
        start = i;
      }
    }
    offset += segment.text.length;
  }
  return pieces;
}

function colorClass(prefix: 'fg' | 'bg', color: AnsiColor | undefined): string | null {
  return color && 'index' in color ? `ansi-${prefix}-${color.index}` : null;
}

function styleOf(segment: AnsiSegment): { className: string | undefined; style: CSSProperties | undefined } {
  const { style } = segment;
  const fg = style.inverse ? style.bg : style.fg;
  const bg = style.inverse ? (style.fg ?? { index: 7 }) : style.bg;
  const classes = [
    colorClass('fg', fg),
    colorClass('bg', bg),
    style.bold ? 'ansi-bold' : null,
    style.dim ? 'ansi-dim' : null,
    style.italic ? 'ansi-italic' : null,
    style.underline ? 'ansi-underline' : null,
  ].filter(Boolean);
  const css: CSSProperties = {};
  if (fg && 'css' in fg) css.color = fg.css;
  if (bg && 'css' in bg) css.backgroundColor = bg.css;
  return { className: classes.length > 0 ? classes.join(' ') : undefined, style: Object.keys(css).length > 0 ? css : undefined };
}

/** One log line with its ANSI colours as styled spans: always text, never markup. */
export const AnsiText = memo(function AnsiText({ line, needle = '' }: { line: string; needle?: string }) {
  const { segments } = parseAnsi(line);
  return (
    <>
      {highlight(segments, needle).map((piece, i) => {
        const { className, style } = styleOf(piece.segment);
        const content = piece.mark ? <mark className="log-match">{piece.text}</mark> : piece.text;
        return className || style ? (
          <span key={i} className={className} style={style}>
            {content}
          </span>
        ) : (
          <span key={i}>{content}</span>
        );
      })}
    </>
  );
});
