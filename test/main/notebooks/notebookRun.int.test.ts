/**
 * notebooks.run for real: a notebook run top to bottom in a fresh kernel in its own folder, the
 * outputs written back as nbformat has them (an inline matplotlib PNG included), the first error
 * stopping the run, the time limit interrupting it, and the `lathe` SDK pointed at this Lathe.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lathe } from '../../../main/app';
import type { NotebookChange } from '../../../main/contract/notebooks';
import { serializeNotebook } from '../../../main/notebooks/nbformat';
import { servedLathe } from './notebookTesting';

let lathe: Lathe;
let close: () => Promise<void>;
const changes: NotebookChange[] = [];
const ws = (rel: string) => path.join(lathe.home, 'workspace', rel);

const code = (source: string) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: source.split(/(?<=\n)/) });
const markdown = (source: string) => ({ cell_type: 'markdown', metadata: {}, source: [source] });
const notebook = (cells: unknown[]) => ({ cells, metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } }, nbformat: 4, nbformat_minor: 4 });

function write(rel: string, nb: unknown): void {
  fs.mkdirSync(path.dirname(ws(rel)), { recursive: true });
  fs.writeFileSync(ws(rel), serializeNotebook(nb));
}

beforeAll(async () => {
  ({ lathe, close } = await servedLathe());
  lathe.bus.onEvent((name, payload) => (name === 'notebooks.changed' ? void changes.push(payload as NotebookChange) : undefined));
});
afterAll(() => close());

describe('notebooks.run', () => {
  it('runs the cells in order, saves their outputs with the plot, and stops at the first error', async () => {
    write(
      'fraud/poc.ipynb',
      notebook([
        code("print('hello from', 'the kernel')\nprint('second line')"),
        code('import matplotlib.pyplot as plt\nplt.plot([1, 4, 9])\nplt.show()'),
        code('1 / 0'),
        markdown('# never reached'),
        code("print('not run')"),
      ]),
    );
    expect(lathe.notebooks.workspace.root).toBe(ws('').replace(/\/$/, ''));
    const result = await lathe.router.invoke('notebooks.run', { Path: 'fraud/poc.ipynb' });
    expect(result).toMatchObject({ Path: 'fraud/poc.ipynb', Status: 'error', Cells: 4, Executed: 3, Saved: true });
    expect(result.Error).toMatchObject({ CellIndex: 2, EName: 'ZeroDivisionError', EValue: 'division by zero' });
    expect(result.Error?.Traceback.join('\n')).toContain('ZeroDivisionError');
    const saved = JSON.parse(fs.readFileSync(ws('fraud/poc.ipynb'), 'utf8'));
    const [hello, plot, error, , notRun] = saved.cells;
    expect(hello.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: ['hello from the kernel\n', 'second line\n'] }]);
    expect(hello.execution_count).toBe(1);
    const figure = plot.outputs.find((o: { output_type: string }) => o.output_type === 'display_data');
    expect(Buffer.from(figure.data['image/png'], 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(figure.data['text/plain'].join('')).toMatch(/^<Figure size/);
    expect(plot.execution_count).toBe(2);
    expect(error.outputs).toEqual([expect.objectContaining({ output_type: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero' })]);
    expect(notRun).toEqual(code("print('not run')"));
    expect(changes).toContainEqual({ kind: 'run', path: 'fraud/poc.ipynb' });
    // The kernel was shut down afterwards.
    const status = await lathe.router.invoke('notebooks.server');
    const kernels = await fetch(`${status.Url}api/kernels`, { headers: { authorization: `token ${status.Token}` } });
    expect(await kernels.json()).toEqual([]);
  });

  it('saves a display as its last update, made from the same cell or a later one', async () => {
    write(
      'displays.ipynb',
      notebook([code("from IPython.display import display\nh = display('0 of 3', display_id=True)\nh.update('1 of 3')\nprint('started')"), code("h.update('3 of 3')")]),
    );
    expect(await lathe.router.invoke('notebooks.run', { Path: 'displays.ipynb' })).toMatchObject({ Status: 'ok', Executed: 2, Saved: true });
    const [shown, updating] = JSON.parse(fs.readFileSync(ws('displays.ipynb'), 'utf8')).cells;
    expect(shown.outputs).toEqual([
      { output_type: 'display_data', data: { 'text/plain': ["'3 of 3'"] }, metadata: {} },
      { output_type: 'stream', name: 'stdout', text: ['started\n'] },
    ]);
    expect(updating.outputs).toEqual([]);
  });

  it("runs in the notebook's folder, with the lathe SDK pointed at this Lathe", async () => {
    write('team/ana/sdk.ipynb', notebook([code("import os, lathe\nfrom lathe.tracking import _http\nprint(os.getcwd())\nprint(os.environ['LATHE_URL'])\nprint(lathe.__file__)\nprint('JUPYTER_TOKEN' in os.environ)\nopen('made-here.txt', 'w').write('x')")]));
    const result = await lathe.router.invoke('notebooks.run', { Path: 'team/ana/sdk.ipynb' });
    expect(result).toMatchObject({ Status: 'ok', Cells: 1, Executed: 1, Saved: true });
    const out = JSON.parse(fs.readFileSync(ws('team/ana/sdk.ipynb'), 'utf8')).cells[0].outputs[0].text;
    // The kernel has Lathe's address, and not the key to the Jupyter server that runs it.
    expect(out).toEqual([`${ws('team/ana')}\n`, `${lathe.url}\n`, expect.stringMatching(/resources\/python\/lathe\/__init__\.py\n$/), 'False\n']);
    expect(fs.existsSync(ws('team/ana/made-here.txt'))).toBe(true);
  });

  it('interrupts a run that passes its time limit, and keeps what the cell printed', async () => {
    write('slow.ipynb', notebook([code("import time\nprint('started', flush=True)\ntime.sleep(60)"), code("print('after')")]));
    const result = await lathe.router.invoke('notebooks.run', { Path: 'slow.ipynb', TimeoutSeconds: 10 });
    expect(result).toMatchObject({ Status: 'timeout', Executed: 1, Saved: true, Error: { CellIndex: 0, EName: 'TimeoutError' } });
    const cells = JSON.parse(fs.readFileSync(ws('slow.ipynb'), 'utf8')).cells;
    expect(cells[0].outputs[0]).toEqual({ output_type: 'stream', name: 'stdout', text: ['started\n'] });
    expect(cells[0].outputs.at(-1)).toMatchObject({ output_type: 'error', ename: 'KeyboardInterrupt' });
    expect(cells[1].outputs).toEqual([]);
  });

  it('leaves the file alone with Save false, and does not overwrite a file changed during the run', async () => {
    const nb = notebook([code("print('x')")]);
    write('keep.ipynb', nb);
    const before = fs.readFileSync(ws('keep.ipynb'));
    expect(await lathe.router.invoke('notebooks.run', { Path: 'keep.ipynb', Save: false })).toMatchObject({ Status: 'ok', Saved: false });
    expect(fs.readFileSync(ws('keep.ipynb'))).toEqual(before);
    write('edited.ipynb', notebook([code("import os, time\nos.utime('edited.ipynb', (time.time() + 60, time.time() + 60))")]));
    const result = await lathe.router.invoke('notebooks.run', { Path: 'edited.ipynb' });
    expect(result).toMatchObject({ Status: 'ok', Saved: false, SaveError: expect.stringContaining('changed on disk since you opened it') });
  });

  it('reports a kernel that dies during the run, and keeps running itself', async () => {
    write('dies.ipynb', notebook([code("print('before')"), code('import os\nos._exit(1)'), code("print('after')")]));
    const result = await lathe.router.invoke('notebooks.run', { Path: 'dies.ipynb' });
    expect(result).toMatchObject({ Status: 'error', Executed: 2, Saved: true, Error: { CellIndex: 1, EName: 'DeadKernel' } });
    expect(result.Error?.EValue).toContain('the kernel died while this cell ran');
    expect(await lathe.router.invoke('notebooks.run', { Path: 'dies.ipynb', Save: false }).then((r) => r.Error?.EName)).toBe('DeadKernel');
  });

  it('refuses a notebook that is not there, and a kernel that does not exist', async () => {
    expect(await lathe.router.call('notebooks.run', { Path: 'missing.ipynb' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    write('any.ipynb', notebook([code('1')]));
    expect(await lathe.router.call('notebooks.run', { Path: 'any.ipynb', Kernel: 'no-such-kernel' })).toMatchObject({ ok: false, error: { code: 'failed-precondition', message: expect.stringContaining('the no-such-kernel kernel could not start') } });
  });
});
