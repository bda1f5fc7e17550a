/**
 * A small Markdown renderer for notebook cells and text/markdown outputs (pure): headings,
 * paragraphs, emphasis, code spans and fenced blocks, lists, block quotes, rules, GitHub tables,
 * links, images and $math$ (shown as text). Every piece of text is escaped; raw HTML written in the
 * Markdown is passed on as Jupyter does, so the result MUST go through sanitizeHtml (SafeHtml does)
 * before it reaches the DOM.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const LIST_ITEM = /^( {0,12})([-*+]|\d{1,9}[.)])(?:\s+(.*))?$/;
const TABLE_RULE = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;
const HTML_BLOCK = /^ {0,3}<\/?[a-zA-Z][\w-]*(?:\s[^>]*)?\/?>/;

/** Placeholders for finished pieces of inline HTML while the text around them is escaped. */
const MARK = '\u0000';

function inline(text: string): string {
  const pieces: string[] = [];
  const hold = (html: string) => `${MARK}${pieces.push(html) - 1}${MARK}`;
  let rest = text.replaceAll(MARK, '');
  // Code spans and math first: nothing inside them is Markdown.
  rest = rest.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (_, __, code: string) => hold(`<code>${escapeHtml(code.trim())}</code>`));
  rest = rest.replace(/\$\$([\s\S]+?)\$\$|\$(?=\S)([^$\n]*?\S)\$/g, (_, block?: string, span?: string) => hold(`<span class="nb-math">${escapeHtml(block ?? span ?? '')}</span>`));
  rest = rest.replace(/\\([\\`*_{}[\]()#+\-.!|~<>$])/g, (_, c: string) => hold(escapeHtml(c)));
  rest = rest.replace(/!\[([^\]]*)\]\(\s*<?([^\s)>]*)>?(?:\s+"([^"]*)")?\s*\)/g, (_, alt: string, src: string, title?: string) =>
    hold(`<img src="${escapeHtml(src)}" alt="${escapeHtml(alt)}"${title ? ` title="${escapeHtml(title)}"` : ''}>`),
  );
  rest = rest.replace(/\[([^\]]+)\]\(\s*<?([^\s)>]*)>?(?:\s+"([^"]*)")?\s*\)/g, (_, label: string, href: string, title?: string) =>
    hold(`<a href="${escapeHtml(href)}"${title ? ` title="${escapeHtml(title)}"` : ''}>${inline(label)}</a>`),
  );
  rest = rest.replace(/<((?:https?|mailto):[^\s<>]+)>/g, (_, href: string) => hold(`<a href="${escapeHtml(href)}">${escapeHtml(href)}</a>`));
  // Raw HTML tags are kept (the sanitizer decides what survives).
  rest = rest.replace(/<\/?[a-zA-Z][\w-]*(?:\s[^<>]*)?\/?>/g, (tag) => hold(tag));
  let html = escapeHtml(rest);
  html = html
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, '$1<strong>$2</strong>')
    .replace(/\*(?=\S)([\s\S]*?\S)\*/g, '<em>$1</em>')
    .replace(/(^|[^\w])_(?=\S)([\s\S]*?\S)_(?!\w)/g, '$1<em>$2</em>')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '<del>$1</del>')
    .replace(/(?: {2,}|\\)\n/g, '<br>\n');
  // Pieces may hold pieces (a link's label): restore until none is left.
  const restore = new RegExp(`${MARK}(\\d+)${MARK}`, 'g');
  for (let depth = 0; depth < 8 && html.includes(MARK); depth++) html = html.replace(restore, (_, i: string) => pieces[Number(i)] ?? '');
  return html;
}

function cells(row: string): string[] {
  const trimmed = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  return trimmed.split(/(?<!\\)\|/).map((cell) => cell.trim());
}

function table(header: string, rule: string, rows: string[]): string {
  const aligns = cells(rule).map((c) => (c.startsWith(':') && c.endsWith(':') ? 'center' : c.endsWith(':') ? 'right' : c.startsWith(':') ? 'left' : null));
  const cell = (tag: 'th' | 'td', text: string, i: number) => `<${tag}${aligns[i] ? ` style="text-align: ${aligns[i]}"` : ''}>${inline(text)}</${tag}>`;
  const head = `<thead><tr>${cells(header).map((c, i) => cell('th', c, i)).join('')}</tr></thead>`;
  const body = rows.length > 0 ? `<tbody>${rows.map((r) => `<tr>${cells(r).map((c, i) => cell('td', c, i)).join('')}</tr>`).join('')}</tbody>` : '';
  return `<table>${head}${body}</table>`;
}

function startsBlock(line: string, next: string | undefined): boolean {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || LIST_ITEM.test(line) || HTML_BLOCK.test(line) || (line.includes('|') && next !== undefined && TABLE_RULE.test(next) && next.includes('-'));
}

/** The lines of one list item (its first line without the marker) and where the list goes on. */
function listItem(lines: string[], start: number, indent: number): { body: string[]; end: number } {
  const first = LIST_ITEM.exec(lines[start]!)!;
  const body = [first[3] ?? ''];
  const inner = indent + first[2]!.length + 1;
  let i = start + 1;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') {
      const next = lines[i + 1];
      if (next === undefined || next.search(/\S/) < inner) break;
      body.push('');
      continue;
    }
    const leading = line.search(/\S/);
    const item = LIST_ITEM.exec(line);
    if (item && item[1]!.length <= indent) break;
    if (leading < inner && !item && startsBlock(line, lines[i + 1])) break;
    body.push(line.slice(Math.min(leading, inner)));
  }
  return { body, end: i };
}

function list(lines: string[], start: number): { html: string; end: number } {
  const first = LIST_ITEM.exec(lines[start]!)!;
  const indent = first[1]!.length;
  const ordered = /\d/.test(first[2]!);
  const items: string[] = [];
  let i = start;
  while (i < lines.length) {
    const match = LIST_ITEM.exec(lines[i]!);
    if (!match || match[1]!.length !== indent || /\d/.test(match[2]!) !== ordered) break;
    const { body, end } = listItem(lines, i, indent);
    const html = markdownToHtml(body.join('\n'));
    // A tight item (one paragraph) is shown without its <p>.
    const tight = /^<p>((?:(?!<p>)[\s\S])*)<\/p>(?=<ul>|<ol>|$)/.exec(html);
    items.push(`<li>${tight ? html.replace(/^<p>([\s\S]*?)<\/p>/, '$1') : html}</li>`);
    i = end;
    while (i < lines.length && lines[i]!.trim() === '' && LIST_ITEM.test(lines[i + 1] ?? '')) i++;
  }
  const startAt = ordered && Number.parseInt(first[2]!, 10) !== 1 ? ` start="${Number.parseInt(first[2]!, 10)}"` : '';
  return { html: ordered ? `<ol${startAt}>${items.join('')}</ol>` : `<ul>${items.join('')}</ul>`, end: i };
}

/** Markdown to HTML: text escaped, raw HTML kept for the sanitizer. */
export function markdownToHtml(source: string): string {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i]!.trim().startsWith(marker); i++) body.push(lines[i]!);
      i++;
      const language = fence[2] ? ` class="language-${escapeHtml(fence[2])}"` : '';
      out.push(`<pre><code${language}>${escapeHtml(body.join('\n'))}</code></pre>`);
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      out.push(`<h${level}>${inline(heading[2] ?? '')}</h${level}>`);
      i++;
      continue;
    }
    if (RULE.test(line)) {
      out.push('<hr>');
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const body: string[] = [];
      for (; i < lines.length && lines[i]!.trim() !== ''; i++) body.push(QUOTE.exec(lines[i]!)?.[1] ?? lines[i]!);
      out.push(`<blockquote>${markdownToHtml(body.join('\n'))}</blockquote>`);
      continue;
    }
    if (LIST_ITEM.test(line)) {
      const { html, end } = list(lines, i);
      out.push(html);
      i = end;
      continue;
    }
    if (line.includes('|') && TABLE_RULE.test(lines[i + 1] ?? '') && (lines[i + 1] ?? '').includes('-')) {
      const rows: string[] = [];
      let j = i + 2;
      for (; j < lines.length && lines[j]!.trim() !== '' && lines[j]!.includes('|'); j++) rows.push(lines[j]!);
      out.push(table(line, lines[i + 1]!, rows));
      i = j;
      continue;
    }
    if (HTML_BLOCK.test(line)) {
      const body: string[] = [];
      for (; i < lines.length && lines[i]!.trim() !== ''; i++) body.push(lines[i]!);
      out.push(body.join('\n'));
      continue;
    }
    const paragraph = [line];
    for (i++; i < lines.length && lines[i]!.trim() !== '' && !startsBlock(lines[i]!, lines[i + 1]); i++) paragraph.push(lines[i]!);
    out.push(`<p>${inline(paragraph.join('\n').trim())}</p>`);
  }
  return out.join('');
}
