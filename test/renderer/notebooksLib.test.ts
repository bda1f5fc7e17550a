import './happyDomFixes';
import { describe, expect, it } from 'vitest';
import { markdownToHtml } from '../../renderer/lib/markdown';
import { sanitizeHtml, withoutInlineHandlers } from '../../renderer/lib/sanitize';
import { folderFor, movedPath, visibleRows } from '../../renderer/panes/notebooks/fileTree';
import { serverUrls, statusOf } from '../../renderer/panes/notebooks/kernel';
import { appendOutput, kernelNameOf, newCell, outputOf, splitLines, terminalText, withSource, withType } from '../../renderer/panes/notebooks/nbformat';
import { commandModeCommand, CHORD_MS, editModeCommand } from '../../renderer/panes/notebooks/notebookKeys';
import { chooseOutput } from '../../renderer/panes/notebooks/outputMime';

const key = (k: string, extra: Partial<{ shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({ key: k, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, ...extra });

describe('markdownToHtml', () => {
  it.each([
    ['# Title', '<h1>Title</h1>'],
    ['Some **bold**, *italic*, `a < b` and ~~gone~~', '<p>Some <strong>bold</strong>, <em>italic</em>, <code>a &lt; b</code> and <del>gone</del></p>'],
    ['snake_case_name and __strong__', '<p>snake_case_name and <strong>strong</strong></p>'],
    ['$x_1 * y_2$ stays math', '<p><span class="nb-math">x_1 * y_2</span> stays math</p>'],
    ['[docs](https://x.io "X") ![plot](data:image/png;base64,AA)', '<p><a href="https://x.io" title="X">docs</a> <img src="data:image/png;base64,AA" alt="plot"></p>'],
    ['- a\n- b\n  - c\n\n1. one\n2. two', '<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul><ol><li>one</li><li>two</li></ol>'],
    ['| a | b |\n|---|--:|\n| 1 | 2 |', '<table><thead><tr><th>a</th><th style="text-align: right">b</th></tr></thead><tbody><tr><td>1</td><td style="text-align: right">2</td></tr></tbody></table>'],
    ['```python\nif a < b:\n    pass\n```', '<pre><code class="language-python">if a &lt; b:\n    pass</code></pre>'],
    ['> quoted', '<blockquote><p>quoted</p></blockquote>'],
    ['a  \nb\n\n---', '<p>a<br>\nb</p><hr>'],
    ['5 > 3 & "quotes"', '<p>5 &gt; 3 &amp; &quot;quotes&quot;</p>'],
  ])('%j', (source, html) => expect(markdownToHtml(source)).toBe(html));

  it('keeps raw HTML for the sanitizer, which removes what could run', () => {
    expect(markdownToHtml('Hi <img src=x onerror="alert(1)"> <b>there</b>')).toBe('<p>Hi <img src=x onerror="alert(1)"> <b>there</b></p>');
    expect(sanitizeHtml(markdownToHtml('Hi <img src=x onerror="alert(1)"> <b>there</b>\n\n<script>alert(2)</script>'))).toBe('<p>Hi <img> <b>there</b></p>');
  });
});

describe('sanitizeHtml', () => {
  it('keeps inline styles unless they load something', () => {
    expect(sanitizeHtml('<td style="color: red">1</td><p style="background: url(https://t.example/p.gif)">2</p><p style="background:\\75rl(x)">3</p>')).toBe('1<p>2</p><p>3</p>');
    expect(sanitizeHtml('<table><tbody><tr><td style="text-align: right">1</td></tr></tbody></table>')).toBe('<table><tbody><tr><td style="text-align: right">1</td></tr></tbody></table>');
  });

  it('drops event handlers before parsing, leaving text that only looks like one', () => {
    expect(withoutInlineHandlers('<img src=x onerror="a()" alt=\'onload=b\'><b ONCLICK=c>on=d</b>')).toBe("<img src=x alt='onload=b'><b>on=d</b>");
  });
});

describe('nbformat edits', () => {
  it('keeps a source list a list, and an unchanged cell the same object', () => {
    expect(splitLines('a\nb\n')).toEqual(['a\n', 'b\n']);
    expect(splitLines('')).toEqual([]);
    const cell = { cell_type: 'code', source: ['a\n', 'b'], metadata: { x: 1 } };
    expect(withSource(cell, 'a\nb')).toBe(cell);
    expect(withSource(cell, 'a\nc')).toEqual({ cell_type: 'code', source: ['a\n', 'c'], metadata: { x: 1 } });
    expect(withSource({ cell_type: 'code', source: 'x' }, 'y\nz')).toEqual({ cell_type: 'code', source: 'y\nz' });
  });

  it('changes a cell type with the fields nbformat wants, keeping id and metadata', () => {
    const code = { cell_type: 'code', execution_count: 4, id: 'a', metadata: { m: 1 }, outputs: [{ output_type: 'stream' }], source: 's' };
    expect(withType(code, 'markdown')).toEqual({ cell_type: 'markdown', id: 'a', metadata: { m: 1 }, source: 's' });
    expect(withType({ cell_type: 'markdown', attachments: { 'a.png': {} }, metadata: {}, source: 's' }, 'code')).toEqual({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: 's' });
    expect(withType(code, 'code')).toBe(code);
  });

  it('gives new cells an id from nbformat 4.5 on, and none before', () => {
    expect(newCell('code', { nbformat: 4, nbformat_minor: 4, cells: [] })).toEqual({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: '' });
    expect(newCell('markdown', { nbformat: 4, nbformat_minor: 5, cells: [] })).toMatchObject({ cell_type: 'markdown', id: expect.stringMatching(/^[\w-]+$/) });
  });

  it('turns kernel messages into nbformat outputs and merges streams', () => {
    expect(outputOf('status', { execution_state: 'busy' })).toBeNull();
    expect(outputOf('execute_result', { data: { 'text/plain': '2' }, execution_count: 3, metadata: {} })).toEqual({ data: { 'text/plain': '2' }, execution_count: 3, metadata: {}, output_type: 'execute_result' });
    const first = [outputOf('stream', { name: 'stdout', text: 'a' })!];
    expect(appendOutput(first, outputOf('stream', { name: 'stdout', text: 'b' })!)).toEqual([{ name: 'stdout', output_type: 'stream', text: 'ab' }]);
    expect(appendOutput(first, outputOf('stream', { name: 'stderr', text: 'b' })!)).toHaveLength(2);
  });

  it('picks the kernel the notebook asks for when the environment has it', () => {
    const nb = { metadata: { kernelspec: { name: 'lathe-venv' } } };
    expect(kernelNameOf(nb, ['python3', 'lathe-venv'])).toBe('lathe-venv');
    expect(kernelNameOf(nb, ['python3'])).toBe('python3');
    expect(kernelNameOf({}, ['conda'])).toBe('conda');
  });

  it('shows carriage returns as a terminal would', () => {
    expect(terminalText('10%\r50%\r100%\ndone\r\n')).toBe('100%\ndone\n');
  });
});

describe('choosing an output representation', () => {
  it('prefers the richest safe one', () => {
    expect(chooseOutput({ 'text/plain': 'x', 'image/png': 'AAAA' }, {})).toMatchObject({ kind: 'image', src: 'data:image/png;base64,AAAA' });
    expect(chooseOutput({ 'text/plain': 'x', 'text/html': '<b>x</b>' }, {})).toMatchObject({ kind: 'html', html: '<b>x</b>' });
    expect(chooseOutput({ 'text/plain': ['a', 'b'] }, {})).toEqual({ kind: 'text', mime: 'text/plain', text: 'ab' });
    expect(chooseOutput({ 'image/png': 'not base64 "><script>' }, {})).toEqual({ kind: 'none', mimes: ['image/png'] });
    expect(chooseOutput({ 'application/javascript': 'alert(1)' }, {})).toEqual({ kind: 'none', mimes: ['application/javascript'] });
  });
});

describe('the keyboard', () => {
  it('maps command-mode keys, with D D, I I and 0 0 as chords', () => {
    expect(commandModeCommand(key('a'), null, 0).command).toBe('insert-above');
    expect(commandModeCommand(key('B'), null, 0).command).toBe('insert-below');
    expect(commandModeCommand(key('Enter', { shiftKey: true }), null, 0).command).toBe('run-advance');
    expect(commandModeCommand(key('a', { ctrlKey: true }), null, 0).command).toBeNull();
    const first = commandModeCommand(key('d'), null, 1000);
    expect(first).toEqual({ command: null, chord: { key: 'd', at: 1000 } });
    expect(commandModeCommand(key('d'), first.chord, 1000 + CHORD_MS).command).toBe('delete');
    expect(commandModeCommand(key('d'), first.chord, 1001 + CHORD_MS).command).toBeNull();
    expect(commandModeCommand(key('m'), first.chord, 1100).command).toBe('to-markdown');
  });

  it('leaves typing alone in edit mode', () => {
    expect(editModeCommand(key('a'))).toBeNull();
    expect(editModeCommand(key('Enter'))).toBeNull();
    expect(editModeCommand(key('Enter', { ctrlKey: true }))).toBe('run');
    expect(editModeCommand(key('Enter', { altKey: true }))).toBe('run-insert');
    expect(editModeCommand(key('Escape'))).toBe('command');
  });
});

describe('the workspace tree', () => {
  const entry = (Path: string, Kind: 'directory' | 'notebook' | 'file') => ({ Path, Name: Path.split('/').pop()!, Kind, Size: 0, Modified: '' });
  const folders = {
    '': { entries: [entry('data', 'directory'), entry('a.ipynb', 'notebook')], loading: false, error: null },
    data: { entries: [entry('data/x.csv', 'file')], loading: false, error: null },
  };

  it('shows open folders depth first, and puts new files in the selected folder', () => {
    const rows = visibleRows(folders, { data: true });
    expect(rows.map((r) => `${r.depth}:${r.entry.Path}`)).toEqual(['0:data', '1:data/x.csv', '0:a.ipynb']);
    expect(visibleRows(folders, {}).map((r) => r.entry.Path)).toEqual(['data', 'a.ipynb']);
    expect(folderFor('data', rows)).toBe('data');
    expect(folderFor('data/x.csv', rows)).toBe('data');
    expect(folderFor('a.ipynb', rows)).toBe('');
    expect(folderFor(null, rows)).toBe('');
  });

  it('follows renames of a notebook or of a folder above it', () => {
    expect(movedPath('a.ipynb', 'a.ipynb', 'b.ipynb')).toBe('b.ipynb');
    expect(movedPath('data/n.ipynb', 'data', 'input')).toBe('input/n.ipynb');
    expect(movedPath('database/n.ipynb', 'data', 'input')).toBeNull();
  });
});

describe('the Jupyter connection', () => {
  it('makes the proxy URL absolute with its ws: twin', () => {
    expect(serverUrls('http://127.0.0.1:4100/jupyter', 'http://127.0.0.1:4100/')).toEqual({ baseUrl: 'http://127.0.0.1:4100/jupyter/', wsUrl: 'ws://127.0.0.1:4100/jupyter/' });
    expect(serverUrls('/jupyter/', 'http://127.0.0.1:9/index.html')).toEqual({ baseUrl: 'http://127.0.0.1:9/jupyter/', wsUrl: 'ws://127.0.0.1:9/jupyter/' });
  });

  it('reads one status from the kernel and its connection', () => {
    expect(statusOf('idle', 'connected')).toBe('idle');
    expect(statusOf('busy', 'connected')).toBe('busy');
    expect(statusOf('idle', 'connecting')).toBe('connecting');
    expect(statusOf('idle', 'disconnected')).toBe('disconnected');
    expect(statusOf('dead', 'disconnected')).toBe('dead');
    expect(statusOf('autorestarting', 'connected')).toBe('restarting');
  });
});
