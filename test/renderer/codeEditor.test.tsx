import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CodeEditorProps } from '../../renderer/components/CodeEditor';

// Monaco itself cannot run in happy-dom: its setup module and @monaco-editor/react are stubs that
// record what CodeEditor hands them.
const monacoModule = vi.hoisted(() => ({ imports: 0, fail: false, editor: null as FakeEditor | null }));
vi.mock('../../renderer/components/codeEditorMonaco', () => ({
  get monaco() {
    monacoModule.imports++;
    if (monacoModule.fail) throw new Error('chunk failed to load');
    return { KeyMod: { CtrlCmd: 2048 }, KeyCode: { Enter: 3 } };
  },
}));
interface StubProps {
  value: string;
  language: string;
  theme: string;
  options: { ariaLabel?: string; readOnly?: boolean };
  onChange(value: string | undefined): void;
  onMount(editor: unknown): void;
}
vi.mock('@monaco-editor/react', async () => {
  const { useEffect } = await import('react');
  function Editor(props: StubProps) {
    const { onMount } = props;
    useEffect(() => {
      if (monacoModule.editor) onMount(monacoModule.editor);
    }, [onMount]);
    return (
      <div data-testid="monaco-stub" data-language={props.language} data-theme={props.theme} data-aria-label={props.options.ariaLabel} data-read-only={String(props.options.readOnly)}>
        <button type="button" onClick={() => props.onChange('typed in Monaco')}>
          type
        </button>
      </div>
    );
  }
  return { loader: { config: () => undefined }, Editor };
});

/** The part of a Monaco editor CodeEditor uses, recording what it registers and disposes. */
class FakeEditor {
  readonly input = document.createElement('div');
  readonly dom = document.createElement('div');
  readonly registered: string[] = [];
  readonly disposed: string[] = [];
  readonly actions: Array<{ id: string; keybindings?: number[]; run(): void }> = [];
  contentHeight = 10 * 18 + 12;
  sizeListener: ((e: { contentHeightChanged: boolean }) => void) | null = null;
  focused = false;
  position: unknown = null;
  constructor() {
    this.input.setAttribute('role', 'textbox');
    this.dom.append(this.input);
  }
  getDomNode = () => this.dom;
  getContentHeight = () => this.contentHeight;
  getModel = () => ({ getPositionAt: (offset: number) => ({ lineNumber: 1, column: offset + 1 }) });
  setPosition = (position: unknown) => (this.position = position);
  focus = () => (this.focused = true);
  private disposable = (name: string) => {
    this.registered.push(name);
    return { dispose: () => this.disposed.push(name) };
  };
  onDidContentSizeChange = (listener: (e: { contentHeightChanged: boolean }) => void) => {
    this.sizeListener = listener;
    return this.disposable('size listener');
  };
  addAction = (action: { id: string; keybindings?: number[]; run(): void }) => {
    this.actions.push(action);
    return this.disposable(`action ${action.id}`);
  };
  onDidChangeModel = () => this.disposable('model listener');
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.resetModules();
  monacoModule.imports = 0;
  monacoModule.fail = false;
  monacoModule.editor = null;
});

/** A fresh CodeEditor module (it decides at import whether Monaco can run), and the theme store it reads. */
async function load() {
  const [{ CodeEditor }, { useWorkbenchStore }] = await Promise.all([import('../../renderer/components/CodeEditor'), import('../../renderer/state/workbenchStore')]);
  return { CodeEditor, useWorkbenchStore };
}

function props(over: Partial<CodeEditorProps> = {}): CodeEditorProps {
  return { value: '200.0,14,0.85,5', onChange: vi.fn(), ariaLabel: 'Payload', id: 'payload', testId: 'editor', ...over };
}

describe('CodeEditor without Web Workers (no Monaco)', () => {
  it('is a textarea with the same contract: value, changes, label, description, validity, Ctrl+Enter', async () => {
    const { CodeEditor } = await load();
    const onChange = vi.fn();
    const onSubmit = vi.fn();
    render(<CodeEditor {...props({ onChange, onSubmit, language: 'json', ariaDescribedBy: 'payload-error payload-hint', ariaInvalid: true, minLines: 6, placeholder: '[[1, 2]]' })} />);
    const textarea = screen.getByLabelText('Payload') as HTMLTextAreaElement;
    expect(textarea.tagName).toBe('TEXTAREA');
    expect(textarea.id).toBe('payload');
    expect(textarea.value).toBe('200.0,14,0.85,5');
    expect(textarea.getAttribute('rows')).toBe('6');
    expect(textarea.placeholder).toBe('[[1, 2]]');
    expect(textarea.getAttribute('aria-describedby')).toBe('payload-error payload-hint');
    expect(textarea.getAttribute('aria-invalid')).toBe('true');
    const wrapper = screen.getByTestId('editor');
    expect(wrapper.dataset).toMatchObject({ engine: 'plain', language: 'json', value: '200.0,14,0.85,5', invalid: 'true' });

    fireEvent.change(textarea, { target: { value: '1,2,3,4' } });
    expect(onChange).toHaveBeenCalledWith('1,2,3,4');
    fireEvent.keyDown(textarea, { key: 'Enter' });
    fireEvent.keyDown(textarea, { key: 'Enter', ctrlKey: true, shiftKey: true });
    expect(onSubmit).not.toHaveBeenCalled();
    const ctrlEnter = new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true, cancelable: true });
    textarea.dispatchEvent(ctrlEnter);
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(ctrlEnter.defaultPrevented).toBe(true);
    await act(async () => {});
    expect(monacoModule.imports).toBe(0);
  });

  it('shows a read-only value and leaves Escape to the page', async () => {
    const { CodeEditor } = await load();
    render(<CodeEditor {...props({ readOnly: true })} />);
    const textarea = screen.getByLabelText('Payload') as HTMLTextAreaElement;
    expect(textarea.readOnly).toBe(true);
    const escape = new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true });
    textarea.dispatchEvent(escape);
    expect(escape.defaultPrevented).toBe(false);
  });
});

describe('CodeEditor with Web Workers', () => {
  it('shows the textarea while Monaco loads, then Monaco with the language, label and app theme', async () => {
    vi.stubGlobal('Worker', class {});
    const { CodeEditor, useWorkbenchStore } = await load();
    useWorkbenchStore.setState({ resolvedTheme: 'dark' });
    const onChange = vi.fn();
    render(<CodeEditor {...props({ onChange, language: 'python', readOnly: true })} />);
    expect(screen.getByTestId('editor').dataset.engine).toBe('plain');
    expect((screen.getByLabelText('Payload') as HTMLTextAreaElement).value).toBe('200.0,14,0.85,5');

    const monaco = await screen.findByTestId('monaco-stub');
    expect(screen.getByTestId('editor').dataset.engine).toBe('monaco');
    expect(monaco.dataset).toMatchObject({ language: 'python', theme: 'vs-dark', ariaLabel: 'Payload', readOnly: 'true' });
    expect(screen.queryByRole('textbox')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'type' }));
    expect(onChange).toHaveBeenCalledWith('typed in Monaco');

    act(() => useWorkbenchStore.setState({ resolvedTheme: 'light' }));
    // The store subscription is attached by a passive effect of the lazily mounted view; on a busy
    // machine that effect may still be pending here, so wait for the re-render rather than assume it.
    await waitFor(() => expect(screen.getByTestId('monaco-stub').dataset.theme).toBe('vs'));
    // Escape in Monaco is the editor's, not a pane's "back".
    const escape = new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true });
    monaco.dispatchEvent(escape);
    expect(escape.defaultPrevented).toBe(true);
  });

  it('binds Ctrl+Enter, sizes itself to its lines, labels its input, and disposes what it added on unmount', async () => {
    vi.stubGlobal('Worker', class {});
    const editor = (monacoModule.editor = new FakeEditor());
    const { CodeEditor } = await load();
    const first = vi.fn();
    const second = vi.fn();
    const view = render(<CodeEditor {...props({ onSubmit: first, minLines: 6, maxLines: 16, ariaDescribedBy: 'payload-hint', ariaInvalid: true })} />);
    await waitFor(() => expect(editor.actions.map((a) => [a.id, a.keybindings])).toEqual([['lathe.submit', [2048 | 3]]]));
    view.rerender(<CodeEditor {...props({ onSubmit: second, minLines: 6, maxLines: 16, ariaDescribedBy: 'payload-hint' })} />);
    editor.actions[0]!.run();
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);

    const box = screen.getByTestId('editor').querySelector<HTMLElement>('.code-editor-monaco > div')!;
    expect(box.style.height).toBe(`${10 * 18 + 12}px`);
    editor.contentHeight = 40 * 18 + 12;
    act(() => editor.sizeListener!({ contentHeightChanged: true }));
    expect(box.style.height).toBe(`${16 * 18 + 12}px`);

    expect(editor.input.id).toBe('payload');
    expect(editor.input.getAttribute('aria-describedby')).toBe('payload-hint');
    expect(editor.input.hasAttribute('aria-invalid')).toBe(false);
    expect(editor.focused).toBe(false);

    // The attribute effect ran again for the new validity, after disposing its first listener.
    expect(editor.disposed).toEqual(['model listener']);
    view.unmount();
    expect(editor.registered.sort()).toEqual(['action lathe.submit', 'model listener', 'model listener', 'size listener']);
    expect(editor.disposed.sort()).toEqual(editor.registered);
  });

  it('hands the focus and the caret over from the textarea when Monaco arrives', async () => {
    vi.stubGlobal('Worker', class {});
    const editor = (monacoModule.editor = new FakeEditor());
    const { CodeEditor } = await load();
    render(<CodeEditor {...props()} />);
    const textarea = screen.getByLabelText('Payload') as HTMLTextAreaElement;
    textarea.focus();
    textarea.setSelectionRange(5, 5);
    await waitFor(() => expect(editor.focused).toBe(true));
    expect(editor.position).toEqual({ lineNumber: 1, column: 6 });
  });

  it('loads Monaco once for every editor, and a later editor starts as Monaco', async () => {
    vi.stubGlobal('Worker', class {});
    const { CodeEditor } = await load();
    const first = render(<CodeEditor {...props({ testId: 'one' })} />);
    render(<CodeEditor {...props({ testId: 'two', ariaLabel: 'Other' })} />);
    await vi.waitFor(() => expect(screen.getAllByTestId('monaco-stub')).toHaveLength(2));
    first.unmount();
    render(<CodeEditor {...props({ testId: 'three', ariaLabel: 'Third' })} />);
    expect(screen.getByTestId('three').dataset.engine).toBe('monaco');
    expect(monacoModule.imports).toBe(1);
  });

  it('stays a textarea, and says why in the console, when Monaco cannot be loaded', async () => {
    vi.stubGlobal('Worker', class {});
    monacoModule.fail = true;
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { CodeEditor } = await load();
    render(<CodeEditor {...props()} />);
    await vi.waitFor(() => expect(errors).toHaveBeenCalled());
    expect(String(errors.mock.calls[0]![0])).toContain('the code editor could not be loaded');
    expect(screen.getByTestId('editor').dataset.engine).toBe('plain');
    expect((screen.getByLabelText('Payload') as HTMLTextAreaElement).value).toBe('200.0,14,0.85,5');
    errors.mockRestore();
  });
});
