/**
 * The one HTML sanitizer for content Lathe did not write (notebook HTML and Markdown output):
 * DOMPurify with no scripts, no event handlers, no frames, forms, style sheets or inline SVG,
 * images only from data: URLs and no inline style that loads anything (Lathe works offline and
 * loads nothing from elsewhere), ids prefixed so they cannot clobber the page's, and links that
 * open outside the app with rel=noopener.
 */
import DOMPurify, { type Config } from 'dompurify';

const purify = DOMPurify(window);

const SAFE_IMAGE = /^data:image\/(?:png|jpeg|gif|webp|svg\+xml)[;,]/i;

purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.hasAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
  if (node.tagName === 'IMG') {
    const src = node.getAttribute('src');
    if (src !== null && !SAFE_IMAGE.test(src.trim())) node.removeAttribute('src');
  }
});

// Inline styles stay (tables are styled with them) unless they could load something, or lift an
// output out of its box over the app (position: fixed or sticky).
const LOADS = /url\s*\(|image-set|@import|expression\s*\(|\\|position\s*:\s*(fixed|sticky)/i;
purify.addHook('uponSanitizeAttribute', (_node, data) => {
  if (data.attrName === 'style' && LOADS.test(data.attrValue)) data.keepAttr = false;
});

const CONFIG: Config = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ['style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'form', 'input', 'button', 'textarea', 'select', 'option', 'link', 'meta', 'base', 'audio', 'video', 'source', 'track', 'map', 'area'],
  // background (on tables) would load from our own origin; map/area links would navigate the app.
  FORBID_ATTR: ['srcset', 'action', 'formaction', 'ping', 'autofocus', 'background'],
  ALLOW_DATA_ATTR: false,
  SANITIZE_NAMED_PROPS: true,
};

/** HTML that went through sanitizeHtml (only it makes one). */
export type SanitizedHtml = string & { readonly __sanitized: true };

const TAG = /<[a-zA-Z][^<>]*>/g;
const HANDLER = /\s+on[a-z-]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+)/gi;

/**
 * Event-handler attributes dropped from the markup before it is parsed. Not the security
 * boundary (DOMPurify is): the browser checks an inline handler against the page's CSP as soon as
 * it parses one, even in an inert document, and would report a violation for each.
 */
export function withoutInlineHandlers(html: string): string {
  return html.includes('on') ? html.replace(TAG, (tag) => tag.replace(HANDLER, '')) : html;
}

/** `html` with everything that could run, load or escape its box removed. */
export function sanitizeHtml(html: string): SanitizedHtml {
  return purify.sanitize(withoutInlineHandlers(html), { ...CONFIG, RETURN_TRUSTED_TYPE: false }) as SanitizedHtml;
}

/** Whether sanitized HTML shows anything (text, an image, a table, a rule). */
export function showsSomething(sanitized: SanitizedHtml): boolean {
  if (sanitized.trim() === '') return false;
  const template = document.createElement('template');
  template.innerHTML = sanitized;
  return (template.content.textContent ?? '').trim() !== '' || template.content.querySelector('img, table, hr') !== null;
}
