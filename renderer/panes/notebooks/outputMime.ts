/**
 * Which of an output's representations to show: the richest one Lathe can show safely. HTML and
 * Markdown are sanitized (and skipped when nothing is left, e.g. a widget that is only a script),
 * SVG and bitmaps become <img> with a data: URL (an image cannot run anything), JSON is
 * pretty-printed, plain text is shown with its ANSI colours. JavaScript is never run.
 */
import { markdownToHtml } from '../../lib/markdown';
import { sanitizeHtml, showsSomething, type SanitizedHtml } from '../../lib/sanitize';
import { isRecord, joinText, type Json } from './nbformat';

export type ShownOutput =
  | { kind: 'image'; mime: string; src: string; width?: number; height?: number }
  | { kind: 'html'; mime: 'text/html' | 'text/markdown'; html: SanitizedHtml }
  | { kind: 'json'; text: string }
  | { kind: 'text'; mime: string; text: string }
  | { kind: 'none'; mimes: string[] };

export const MIME_ORDER = ['text/html', 'text/markdown', 'image/svg+xml', 'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/json', 'text/latex', 'text/plain'] as const;

const BITMAPS = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

function size(metadata: Json, mime: string): { width?: number; height?: number } {
  const own = isRecord(metadata[mime]) ? metadata[mime] : {};
  const width = typeof own.width === 'number' && own.width > 0 ? own.width : undefined;
  const height = typeof own.height === 'number' && own.height > 0 ? own.height : undefined;
  return { ...(width ? { width } : {}), ...(height ? { height } : {}) };
}

function shown(mime: string, value: unknown, metadata: Json): ShownOutput | null {
  if (mime === 'application/json') return { kind: 'json', text: JSON.stringify(value, null, 2) ?? 'null' };
  const text = joinText(value);
  if (mime === 'text/html' || mime === 'text/markdown') {
    const html = sanitizeHtml(mime === 'text/html' ? text : markdownToHtml(text));
    return showsSomething(html) ? { kind: 'html', mime, html } : null;
  }
  if (mime === 'image/svg+xml') return { kind: 'image', mime, src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`, ...size(metadata, mime) };
  if (BITMAPS.has(mime)) {
    const base64 = text.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return null;
    return { kind: 'image', mime, src: `data:${mime};base64,${base64}`, ...size(metadata, mime) };
  }
  return { kind: 'text', mime, text };
}

/** The representation to show of an execute_result's or display_data's `data`. */
export function chooseOutput(data: unknown, metadata: unknown): ShownOutput {
  const bundle = isRecord(data) ? data : {};
  const meta = isRecord(metadata) ? metadata : {};
  for (const mime of MIME_ORDER) {
    if (!(mime in bundle)) continue;
    const result = shown(mime, bundle[mime], meta);
    if (result) return result;
  }
  return { kind: 'none', mimes: Object.keys(bundle) };
}
