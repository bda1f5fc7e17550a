import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { resetRenderer } from './harness';
import { fakeKernels, notebooksBridge, openNotebook, resetNotebooks, sampleNotebook } from './notebooksFixtures';

afterEach(() => {
  resetRenderer();
  resetNotebooks();
  delete (window as unknown as Record<string, unknown>).__pwned;
});

/** 1×1 transparent PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** Opens a notebook whose one code cell has these outputs; answers that cell's outputs element. */
async function showOutputs(outputs: unknown[]) {
  const notebook = { ...sampleNotebook(), cells: [{ cell_type: 'code', execution_count: 1, id: 'c', metadata: {}, outputs, source: 'show()' }] };
  const { bridge } = notebooksBridge({ files: { 'fraud.ipynb': { kind: 'notebook', content: notebook, modified: '2026-03-01T10:00:00.000Z' } } });
  fakeKernels();
  await openNotebook(bridge);
  return screen.getByRole('group', { name: 'Output of cell 1' });
}

const display = (data: Record<string, unknown>, metadata: Record<string, unknown> = {}) => ({ data, metadata, output_type: 'display_data' });

describe('Notebooks pane: outputs', () => {
  it('shows a PNG as an image with a data: URL (line breaks in the base64 dropped)', async () => {
    const outputs = await showOutputs([display({ 'image/png': `${PNG.slice(0, 20)}\n${PNG.slice(20)}\n`, 'text/plain': '<Figure size 640x480 with 1 Axes>' }, { 'image/png': { width: 320, height: 240 } })]);
    const image = within(outputs).getByRole('img');
    expect(image.getAttribute('src')).toBe(`data:image/png;base64,${PNG}`);
    expect(image.getAttribute('width')).toBe('320');
    expect(outputs.textContent).not.toContain('Figure size');
  });

  it('shows SVG as an <img> with a data: URL, never as inline SVG markup', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>window.__pwned=1</script><rect width="10" height="10" onload="window.__pwned=2"/></svg>';
    const outputs = await showOutputs([display({ 'image/svg+xml': svg, 'text/plain': 'figure' })]);
    const image = within(outputs).getByRole('img');
    expect(image.getAttribute('src')).toBe(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
    expect(outputs.querySelector('svg')).toBeNull();
    expect(outputs.querySelector('script')).toBeNull();
  });

  it('sanitizes HTML: no script, no event handler, no iframe or form, and links open outside with noopener', async () => {
    const html = [
      '<table class="dataframe"><thead><tr><th>amount</th></tr></thead><tbody><tr><td>200.0</td></tr></tbody></table>',
      '<script>window.__pwned = 1</script>',
      '<img src="x" onerror="window.__pwned = 2">',
      '<p onclick="window.__pwned = 3">click me</p>',
      '<iframe src="http://example.com"></iframe><form action="http://example.com"><input name="q"></form>',
      '<a href="https://xgboost.readthedocs.io">docs</a><a href="javascript:window.__pwned=4">bad</a>',
      '<style>body { display: none }</style><div id="root">clobber</div>',
    ].join('');
    const outputs = await showOutputs([{ data: { 'text/html': html, 'text/plain': 'DataFrame' }, execution_count: 1, metadata: {}, output_type: 'execute_result' }]);
    const shown = within(outputs).getByTestId('output-execute_result');
    expect(within(shown).getByRole('table').textContent).toBe('amount200.0');
    expect(shown.querySelector('script, iframe, form, input, style')).toBeNull();
    expect(shown.innerHTML).not.toMatch(/onerror|onclick|javascript:|__pwned/);
    expect(shown.querySelector('img')!.hasAttribute('src')).toBe(false);
    const link = within(shown).getByRole('link', { name: 'docs' });
    expect(link.getAttribute('href')).toBe('https://xgboost.readthedocs.io');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(within(shown).getByText('bad').getAttribute('href')).toBeNull();
    // Ids cannot clobber the page's own.
    expect(shown.querySelector('div')!.id).toBe('user-content-root');
    expect((window as unknown as Record<string, unknown>).__pwned).toBeUndefined();
  });

  it('keeps an output in its box and off our origin: no fixed positioning, no table backgrounds, no image-map links', async () => {
    const html = [
      '<div style="position:fixed;inset:0;z-index:99999;color:red">Sign in again</div>',
      '<table background="/jupyter/api/contents"><tr><td background="/api/call/app.info">x</td></tr></table>',
      '<map name="m"><area href="http://example.com" shape="rect" coords="0,0,9,9"></map>',
    ].join('');
    const outputs = await showOutputs([display({ 'text/html': html, 'text/plain': 'overlay' })]);
    const shown = within(outputs).getByTestId('output-display_data');
    expect(shown.textContent).toContain('Sign in again');
    expect(shown.querySelector('[style]')).toBeNull();
    expect(shown.querySelector('[background], map, area')).toBeNull();
  });

  it('falls back to plain text when the HTML is nothing but a script (a widget Lathe will not run)', async () => {
    const outputs = await showOutputs([display({ 'text/html': '<script>require(["plotly"])</script>', 'text/plain': 'Figure({...})' })]);
    expect(outputs.querySelector('script')).toBeNull();
    expect(outputs.textContent).toBe('Figure({...})');
  });

  it('renders text/markdown sanitized, JSON pretty-printed, and text/plain with its ANSI colours escaped', async () => {
    const outputs = await showOutputs([
      display({ 'text/markdown': '## Result\n\n**AUC** is 0.97 <img src=x onerror="window.__pwned=5">', 'text/plain': 'md' }),
      display({ 'application/json': { auc: 0.97, features: ['amount'] }, 'text/plain': 'json' }),
      display({ 'text/plain': '\u001b[1;32mok\u001b[0m <b>not bold</b>' }),
    ]);
    const markdown = outputs.querySelector('.nb-markdown')!;
    expect(markdown.querySelector('h2')!.textContent).toBe('Result');
    expect(markdown.querySelector('strong')!.textContent).toBe('AUC');
    expect(markdown.innerHTML).not.toContain('onerror');
    expect(outputs.querySelector('[data-mime="application/json"]')!.textContent).toBe('{\n  "auc": 0.97,\n  "features": [\n    "amount"\n  ]\n}');
    const plain = outputs.querySelector('[data-mime="text/plain"]')!;
    expect(plain.textContent).toBe('ok <b>not bold</b>');
    expect(plain.querySelector('b')).toBeNull();
    const ok = within(plain as HTMLElement).getByText('ok');
    expect(ok.tagName).toBe('SPAN');
    expect(ok.className).toBe('ansi-fg-2 ansi-bold');
  });

  it('says so for an output it cannot show, and keeps it in the file', async () => {
    const outputs = await showOutputs([display({ 'application/vnd.jupyter.widget-view+json': { model_id: 'abc' } }), { output_type: 'future_type', extra: 1 }]);
    expect(outputs.textContent).toContain('Nothing Lathe can show safely (application/vnd.jupyter.widget-view+json).');
    expect(outputs.textContent).toContain('An output of type “future_type” (kept in the file as it is).');
  });
});
