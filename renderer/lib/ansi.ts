/**
 * ANSI escape sequences in log lines, parsed into styled text segments (pure). SGR codes (`ESC[…m`)
 * become styles; every other escape sequence (cursor moves, OSC titles, …) is dropped. The renderer
 * turns segments into React elements, so a log line is always text, never markup.
 */

/** One of the 16 standard colours by index (0–7 normal, 8–15 bright), or a CSS colour. */
export type AnsiColor = { index: number } | { css: string };

export interface AnsiStyle {
  fg?: AnsiColor;
  bg?: AnsiColor;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  inverse?: boolean;
}

export interface AnsiSegment {
  text: string;
  style: AnsiStyle;
}

// CSI (ESC [ params intermediates final), OSC (ESC ] … BEL or ESC \), and two-character escapes.
// eslint-disable-next-line no-control-regex
const ESCAPE = /\u001b\[([0-?]*)([ -/]*)([@-~])|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]?|\u009b[0-?]*[ -/]*[@-~]/g;

/** The 256-colour palette beyond the first 16: a 6×6×6 cube, then 24 greys. */
function xterm256(n: number): AnsiColor {
  if (n < 16) return { index: n };
  if (n < 232) {
    const c = n - 16;
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    return { css: `rgb(${level(Math.floor(c / 36))}, ${level(Math.floor(c / 6) % 6)}, ${level(c % 6)})` };
  }
  const grey = 8 + (n - 232) * 10;
  return { css: `rgb(${grey}, ${grey}, ${grey})` };
}

const byte = (value: number | undefined) => (value !== undefined && Number.isInteger(value) && value >= 0 && value <= 255 ? value : null);

/** `38;5;n` or `38;2;r;g;b` starting at codes[i]; answers the colour and how many codes it used. */
function extendedColor(codes: number[], i: number): { color: AnsiColor | null; used: number } {
  const mode = codes[i + 1];
  if (mode === 5) {
    const n = byte(codes[i + 2]);
    return { color: n === null ? null : xterm256(n), used: 3 };
  }
  if (mode === 2) {
    const [r, g, b] = [byte(codes[i + 2]), byte(codes[i + 3]), byte(codes[i + 4])];
    return { color: r === null || g === null || b === null ? null : { css: `rgb(${r}, ${g}, ${b})` }, used: 5 };
  }
  return { color: null, used: 1 };
}

/** Applies one SGR parameter list to `style` and answers the new style. */
export function applySgr(style: AnsiStyle, params: string): AnsiStyle {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((part) => (part === '' ? 0 : Number(part)));
  let next: AnsiStyle = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code === 0) next = {};
    else if (code === 1) next.bold = true;
    else if (code === 2) next.dim = true;
    else if (code === 3) next.italic = true;
    else if (code === 4) next.underline = true;
    else if (code === 7) next.inverse = true;
    else if (code === 22) next = { ...next, bold: undefined, dim: undefined };
    else if (code === 23) next.italic = undefined;
    else if (code === 24) next.underline = undefined;
    else if (code === 27) next.inverse = undefined;
    else if (code >= 30 && code <= 37) next.fg = { index: code - 30 };
    else if (code >= 90 && code <= 97) next.fg = { index: code - 90 + 8 };
    else if (code >= 40 && code <= 47) next.bg = { index: code - 40 };
    else if (code >= 100 && code <= 107) next.bg = { index: code - 100 + 8 };
    else if (code === 39) next.fg = undefined;
    else if (code === 49) next.bg = undefined;
    else if (code === 38 || code === 48) {
      const { color, used } = extendedColor(codes, i);
      if (color) next[code === 38 ? 'fg' : 'bg'] = color;
      i += used - 1;
    }
  }
  return next;
}

function clean(style: AnsiStyle): AnsiStyle {
  return Object.fromEntries(Object.entries(style).filter(([, value]) => value !== undefined)) as AnsiStyle;
}

/**
 * `line` as styled segments, starting from `initial` (a style carried over from earlier lines).
 * Adjacent text with the same style is merged; empty segments are left out.
 */
export function parseAnsi(line: string, initial: AnsiStyle = {}): { segments: AnsiSegment[]; style: AnsiStyle } {
  const segments: AnsiSegment[] = [];
  let style = clean(initial);
  let last = 0;
  const push = (text: string) => {
    if (text === '') return;
    const previous = segments[segments.length - 1];
    if (previous && JSON.stringify(previous.style) === JSON.stringify(style)) previous.text += text;
    else segments.push({ text, style });
  };
  for (const match of line.matchAll(ESCAPE)) {
    push(line.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[3] === 'm' && match[2] === '') style = clean(applySgr(style, match[1] ?? ''));
  }
  push(line.slice(last));
  return { segments, style };
}

/** The text of `line` without any escape sequence (for search and copying). */
export function stripAnsi(line: string): string {
  return line.replace(ESCAPE, '');
}
