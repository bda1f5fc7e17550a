import { useMemo } from 'react';
import { markdownToHtml } from '../lib/markdown';
import { sanitizeHtml, type SanitizedHtml } from '../lib/sanitize';

/**
 * HTML that came from outside Lathe (a notebook output, a Markdown cell), always through
 * sanitizeHtml first (or given what it returned): the one place the renderer sets innerHTML.
 */
export function SafeHtml({ html, sanitized, className, testId }: { html?: string; sanitized?: SanitizedHtml; className?: string; testId?: string }) {
  const clean = useMemo(() => sanitized ?? sanitizeHtml(html ?? ''), [html, sanitized]);
  return <div className={className} data-testid={testId} dangerouslySetInnerHTML={{ __html: clean }} />;
}

/** Markdown rendered and sanitized. */
export function SafeMarkdown({ source, className, testId }: { source: string; className?: string; testId?: string }) {
  const clean = useMemo(() => sanitizeHtml(markdownToHtml(source)), [source]);
  return <SafeHtml sanitized={clean} className={className} testId={testId} />;
}
