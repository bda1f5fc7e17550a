import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchedPage } from '../helpers/browser';
import { callServed } from '../helpers/http';
import { serveLathe, type ServedLathe } from '../helpers/serve';

const SHOTS = path.resolve('test-output', 'e2e');
/** The README's picture of a notebook: rewritten only when asked (LATHE_DOCS_SCREENSHOTS=1). */
const DOCS_SHOT = path.resolve('docs', 'notebooks.png');
const PYTHON = '/usr/bin/python3';
const NOTEBOOK = 'Untitled.ipynb';

let browser: Browser;
let lathe: ServedLathe;

const call = <T>(channel: string, request: unknown): Promise<T> => callServed<T>(lathe, channel, request);

beforeAll(async () => {
  if (!fs.existsSync(path.resolve('out', 'renderer', 'index.html'))) {
    throw new Error('the renderer is not built: run `npx electron-vite build` (scripts/test.sh does it)');
  }
  fs.mkdirSync(SHOTS, { recursive: true });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-e2e-notebooks-'));
  browser = await launchChromium();
  lathe = await serveLathe(home, { LATHE_PYTHON: PYTHON });
}, 180_000);

afterAll(async () => {
  await lathe?.stop();
  await browser?.close();
});

/** The index of the cell whose editor has the keyboard focus, or null. */
async function focusedCell(page: Page): Promise<string | null> {
  const cell = page.locator('.nb-cell:has(.nb-cell-input :focus)');
  return (await cell.count()) === 1 ? cell.getAttribute('data-cell-index') : null;
}

/** Types `code` into cell `index` (its Monaco editor has the focus) and checks it arrived whole. */
async function typeInto(page: Page, index: number, code: string): Promise<void> {
  const editor = page.getByTestId(`cell-editor-${index}`);
  await expect.poll(() => editor.getAttribute('data-engine'), { timeout: 30_000 }).toBe('monaco');
  await expect.poll(() => focusedCell(page), { timeout: 10_000 }).toBe(String(index));
  await page.keyboard.insertText(code);
  await expect.poll(() => editor.getAttribute('data-value')).toBe(code);
}

const MARKDOWN = '# Card fraud\nA first look at the **seed** data.';
const PRINT = 'print("hello from a Lathe notebook")';
const PLOT = 'import matplotlib.pyplot as plt; plt.plot([1, 2, 3]); plt.show()';

/** The notebook as the test wrote it: a Markdown heading, a print, a plot (cells 0, 1, 2). */
async function expectOutputs(page: Page, notebook: Locator): Promise<void> {
  const markdown = notebook.getByTestId('cell-markdown-0');
  await markdown.waitFor();
  expect(await markdown.locator('h1').innerText()).toBe('Card fraud');
  expect(await markdown.locator('strong').innerText()).toBe('seed');
  const text = notebook.getByTestId('cell-1').locator('[data-output-type="stream"]');
  await expect.poll(async () => (await text.innerText()).trim(), { timeout: 60_000 }).toBe('hello from a Lathe notebook');
  const plot = notebook.getByTestId('cell-2').locator('[data-output-type="display_data"] img');
  await plot.waitFor({ timeout: 60_000 });
  expect(await plot.getAttribute('src')).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
  // A real figure, decoded by the browser.
  const decodedWidth = () => plot.evaluate((element) => {
    const img = element as unknown as { complete: boolean; naturalWidth: number };
    return img.complete ? img.naturalWidth : 0;
  });
  await expect.poll(decodedWidth).toBeGreaterThan(100);
  expect(await notebook.getByTestId('cell-prompt-1').innerText()).toBe('[1]:');
  expect(await notebook.getByTestId('cell-prompt-2').innerText()).toBe('[2]:');
}

describe('Notebooks pane in the browser', () => {
  it('creates a notebook, runs text and a matplotlib plot, saves, and shows both again after reopening', { timeout: 300_000 }, async () => {
    const { page, offHost, consoleErrors } = await watchedPage(browser);
    await page.goto(lathe.browserUrl);
    await page.waitForSelector('html[data-app-state="ready"]', { timeout: 60_000 });
    await page.getByRole('button', { name: 'Notebooks', exact: true }).click();
    await page.getByTestId('notebook-environment').waitFor();
    await expect.poll(() => page.getByTestId('notebook-python').innerText(), { timeout: 30_000 }).toContain(PYTHON);

    // A new notebook opens at once; opening it starts the Jupyter server, then its kernel connects.
    await page.getByRole('button', { name: 'New notebook' }).click();
    await page.getByRole('tab', { name: NOTEBOOK }).waitFor();
    const notebook = page.getByTestId('notebook-editor');
    await expect
      .poll(
        async () => {
          const state = await page.getByTestId('server-state').innerText();
          if (state === 'Failed') throw new Error(`the Jupyter server failed: ${await page.getByTestId('server-failed').innerText()}`);
          return state;
        },
        { timeout: 60_000, interval: 250 },
      )
      .toMatch(/^Ready/);
    await expect.poll(() => notebook.getByTestId('kernel-status').getAttribute('data-status'), { timeout: 60_000 }).toBe('idle');

    // The first cell becomes Markdown with the keyboard: Esc, M, Enter; Shift+Enter renders it and
    // opens a code cell that prints; the next draws a plot.
    await notebook.getByTestId('cell-editor-0').locator('.monaco-editor .view-lines').click();
    await expect.poll(() => focusedCell(page), { timeout: 10_000 }).toBe('0');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.nb-cell:focus').getAttribute('data-cell-index')).toBe('0');
    await page.keyboard.press('m');
    await expect.poll(() => notebook.getByTestId('cell-0').getAttribute('data-cell-type')).toBe('markdown');
    await page.keyboard.press('Enter');
    await typeInto(page, 0, MARKDOWN);
    await page.keyboard.press('Shift+Enter');
    await typeInto(page, 1, PRINT);
    await page.keyboard.press('Shift+Enter');
    await typeInto(page, 2, PLOT);
    await page.keyboard.press('Shift+Enter');
    await expectOutputs(page, notebook);
    await expect.poll(() => notebook.getByTestId('kernel-status').getAttribute('data-status'), { timeout: 30_000 }).toBe('idle');

    // Ctrl+S saves: the dirty marker goes, and the file on disk holds the outputs.
    await page.keyboard.press('Control+s');
    await expect.poll(() => notebook.getByTestId('save-state').innerText(), { timeout: 10_000 }).toBe('Saved');
    expect(await page.getByTestId('dirty-marker').count()).toBe(0);
    const onDisk = await call<{ Notebook: { cells: Array<{ cell_type: string; source: unknown; outputs?: Array<Record<string, unknown>> }> } }>('notebooks.open', { Path: NOTEBOOK });
    const sourceOf = (cell: { source: unknown }) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);
    expect(onDisk.Notebook.cells.map((cell) => [cell.cell_type, sourceOf(cell)])).toEqual([
      ['markdown', MARKDOWN],
      ['code', PRINT],
      ['code', PLOT],
      ['code', ''],
    ]);
    expect(onDisk.Notebook.cells[1]!.outputs).toEqual([{ name: 'stdout', output_type: 'stream', text: expect.stringContaining('hello from a Lathe notebook') }]);
    expect(onDisk.Notebook.cells[2]!.outputs!.some((o) => o.output_type === 'display_data' && 'image/png' in (o.data as object))).toBe(true);
    await notebook.getByTestId('cell-2').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'notebooks-run.png') });
    if (process.env.LATHE_DOCS_SCREENSHOTS === '1') await page.screenshot({ path: DOCS_SHOT });

    // HTML output with a script and an event handler: sanitized, and neither runs in the real browser.
    await typeInto(page, 3, `from IPython.display import HTML, display; progress = display('0 of 3', display_id=True); HTML('<b id="rich">rich</b><img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>')`);
    await page.keyboard.press('Control+Enter');
    const html = notebook.getByTestId('cell-3').getByTestId('output-execute_result');
    await html.waitFor({ timeout: 60_000 });
    expect(await html.locator('b#user-content-rich').innerText()).toBe('rich');
    expect(await html.locator('script, [onerror]').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    // Its count comes with the kernel's reply, after the output: saved once that is in.
    await expect.poll(() => notebook.getByTestId('cell-prompt-3').innerText(), { timeout: 30_000 }).toBe('[3]:');
    // A display that cell 3 showed, updated from a new cell below it: it changes in place, in cell 3.
    const progress = notebook.getByTestId('cell-3').locator('pre[data-output-type="display_data"]');
    expect(await progress.innerText()).toBe("'0 of 3'");
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.nb-cell:focus').getAttribute('data-cell-index')).toBe('3');
    await page.keyboard.press('b');
    await expect.poll(() => page.locator('.nb-cell:focus').getAttribute('data-cell-index')).toBe('4');
    await page.keyboard.press('Enter');
    await typeInto(page, 4, "progress.update('3 of 3')");
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => progress.innerText(), { timeout: 30_000 }).toBe("'3 of 3'");
    await expect.poll(() => notebook.getByTestId('cell-prompt-4').innerText(), { timeout: 30_000 }).toBe('[4]:');
    expect(await notebook.getByTestId('cell-4').locator('.nb-output').count()).toBe(0);
    await page.keyboard.press('Control+s');
    await expect.poll(() => notebook.getByTestId('save-state').innerText(), { timeout: 10_000 }).toBe('Saved');

    // Closed and opened again from the workspace: the saved outputs are there.
    await page.getByRole('button', { name: `Close ${NOTEBOOK}` }).click();
    await page.getByTestId('notebooks-empty').waitFor();
    await page.getByRole('treeitem', { name: NOTEBOOK }).click();
    await page.getByRole('tab', { name: NOTEBOOK }).waitFor();
    await expectOutputs(page, page.getByTestId('notebook-editor'));
    await page.screenshot({ path: path.join(SHOTS, 'notebooks-reopened.png') });

    expect(offHost).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });
});
