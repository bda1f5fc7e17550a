/** Pure helpers behind CodeEditor: which language a payload is, which Monaco theme, how tall. */

/** The languages CodeEditor highlights. plaintext is Monaco's own; the others are bundled. */
export const CODE_LANGUAGES = ['plaintext', 'json', 'python'] as const;
export type CodeLanguage = (typeof CODE_LANGUAGES)[number];

/** Monaco's built-in themes, one for each app theme. */
export type MonacoTheme = 'vs' | 'vs-dark';

/**
 * The language to edit a body of this media type in: JSON for application/json and the +json
 * types, Python for Python source, plain text for everything else (CSV, base64 .npy, …).
 */
export function languageForContentType(contentType: string): CodeLanguage {
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (type === 'application/json' || type === 'text/json' || type.endsWith('+json')) return 'json';
  if (type === 'text/x-python' || type === 'text/x-script.python' || type === 'application/x-python-code') return 'python';
  return 'plaintext';
}

export function monacoTheme(theme: 'light' | 'dark'): MonacoTheme {
  return theme === 'dark' ? 'vs-dark' : 'vs';
}

export interface EditorSize {
  /** The editor's content height in px (Monaco's getContentHeight: lines plus vertical padding). */
  contentHeight: number;
  lineHeight: number;
  /** Vertical padding inside the editor, top plus bottom, in px. */
  padding: number;
  minLines: number;
  maxLines: number;
}

/** The editor's height in px: its content, but never fewer than minLines nor more than maxLines. */
export function editorHeight({ contentHeight, lineHeight, padding, minLines, maxLines }: EditorSize): number {
  const min = Math.max(1, minLines) * lineHeight + padding;
  const max = Math.max(minLines, maxLines) * lineHeight + padding;
  return Math.round(Math.min(max, Math.max(min, contentHeight)));
}

/** Ctrl+Enter, or Cmd+Enter on a Mac: what submits from an editor. */
export function isSubmitKey(event: { key: string; ctrlKey: boolean; metaKey: boolean; altKey?: boolean; shiftKey?: boolean }): boolean {
  return event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey;
}
