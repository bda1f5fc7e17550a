import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { Editor } from '@monaco-editor/react';
import type { editor as MonacoEditor, IDisposable } from 'monaco-editor/editor';
import { useWorkbenchStore } from '../state/workbenchStore';
import { isSubmitKey, editorHeight, monacoTheme, type CodeLanguage } from './codeEditorLib';
import type { Monaco } from './codeEditorMonaco';
import '../styles/codeEditor.css';

export interface CodeEditorProps {
  value: string;
  onChange: (value: string) => void;
  language?: CodeLanguage;
  /** The accessible name (Monaco's input cannot be reached by <label for>; the fallback gets it too). */
  ariaLabel: string;
  /** Put on the element that takes the keyboard focus, so <label for={id}> works for the fallback. */
  id?: string;
  ariaDescribedBy?: string;
  ariaInvalid?: boolean;
  /** The editor grows with its content from minLines to maxLines, then scrolls. */
  minLines?: number;
  maxLines?: number;
  readOnly?: boolean;
  /** Ctrl/Cmd+Enter. */
  onSubmit?: () => void;
  /** Shown while the editor is empty. */
  placeholder?: string;
  lineNumbers?: boolean;
  wordWrap?: boolean;
  /** Tab moves the focus out (a form field) instead of indenting (a code cell). */
  tabMovesFocus?: boolean;
  className?: string;
  testId?: string;
}

const LINE_HEIGHT = 18;
const PADDING = { top: 6, bottom: 6 };

/** ready.caret: where the textarea's caret was if it had the focus when Monaco arrived, else null. */
type MonacoState = { state: 'loading' } | { state: 'ready'; monaco: Monaco; caret: number | null } | { state: 'unavailable' };

/**
 * Monaco runs its language services in Web Workers; where there are none (a DOM emulation under
 * test) it is not loaded and the plain textarea stays, with the same props contract.
 */
const CAN_RUN_MONACO = typeof Worker === 'function';
let loaded: Monaco | null = null;
let loading: Promise<Monaco> | null = null;

function loadMonaco(): Promise<Monaco> {
  loading ??= import('./codeEditorMonaco').then((module) => (loaded = module.monaco));
  return loading;
}

/** The caret of the textarea in `wrapper` if it has the focus (Monaco takes the focus over). */
function focusedCaret(wrapper: HTMLElement | null): number | null {
  const active = document.activeElement;
  return active instanceof HTMLTextAreaElement && wrapper?.contains(active) ? active.selectionStart : null;
}

/** The bundled Monaco, loaded on first use and shared by every editor afterwards. */
function useBundledMonaco(wrapper: RefObject<HTMLDivElement | null>): MonacoState {
  const [state, setState] = useState<MonacoState>(() => {
    if (loaded) return { state: 'ready', monaco: loaded, caret: null };
    return CAN_RUN_MONACO ? { state: 'loading' } : { state: 'unavailable' };
  });
  const pending = state.state === 'loading';
  useEffect(() => {
    if (!pending) return;
    let live = true;
    loadMonaco().then(
      (monaco) => live && setState({ state: 'ready', monaco, caret: focusedCaret(wrapper.current) }),
      (error: unknown) => {
        console.error('the code editor could not be loaded; editing as plain text', error);
        if (live) setState({ state: 'unavailable' });
      },
    );
    return () => {
      live = false;
    };
  }, [pending, wrapper]);
  return state;
}

/**
 * A code or payload editor: Monaco, bundled and loaded lazily, following the app's theme. Until
 * Monaco is there (or where it cannot run) it is a plain textarea that behaves the same. The
 * wrapper's data-value is the current text, data-language its language, and data-engine says
 * which editor is showing ('monaco' or 'plain').
 */
export function CodeEditor(props: CodeEditorProps) {
  const wrapper = useRef<HTMLDivElement>(null);
  const monaco = useBundledMonaco(wrapper);
  const classes = ['code-editor', props.className].filter(Boolean).join(' ');
  const engine = monaco.state === 'ready' ? 'monaco' : 'plain';
  // Escape inside Monaco belongs to the editor (its find widget, its hovers), as it does in a
  // textarea, which pane "Esc goes back" handlers already skip; Monaco's input is not a textarea,
  // so say it here the way those handlers understand.
  const onKeyDown = (event: KeyboardEvent) => {
    if (engine === 'monaco' && event.key === 'Escape') event.preventDefault();
  };
  return (
    <div
      ref={wrapper}
      className={classes}
      data-engine={engine}
      data-language={props.language ?? 'plaintext'}
      data-value={props.value}
      data-invalid={props.ariaInvalid ? 'true' : undefined}
      data-testid={props.testId}
      onKeyDown={onKeyDown}
    >
      {monaco.state === 'ready' ? <MonacoView monaco={monaco.monaco} caret={monaco.caret} {...props} /> : <PlainEditor {...props} />}
    </div>
  );
}

/** The textarea: while Monaco loads, and where it cannot run. */
function PlainEditor({ value, onChange, id, ariaLabel, ariaDescribedBy, ariaInvalid, minLines = 4, readOnly, onSubmit, placeholder, wordWrap = true }: CodeEditorProps) {
  const onKeyDown = (event: KeyboardEvent) => {
    if (onSubmit && isSubmitKey(event)) {
      event.preventDefault();
      onSubmit();
    }
  };
  return (
    <textarea
      id={id}
      className="code-editor-plain"
      rows={minLines}
      spellCheck={false}
      wrap={wordWrap ? 'soft' : 'off'}
      value={value}
      readOnly={readOnly}
      placeholder={placeholder}
      aria-label={ariaLabel}
      aria-describedby={ariaDescribedBy || undefined}
      aria-invalid={ariaInvalid ? true : undefined}
      onChange={(e) => onChange(e.target.value)}
      onKeyDown={onKeyDown}
    />
  );
}

function monoFont(): string {
  const font = getComputedStyle(document.documentElement).getPropertyValue('--font-mono').trim();
  return font || 'monospace';
}

/** Monaco's focusable input (a textarea, or an EditContext div), the element its ariaLabel names. */
function inputOf(editor: MonacoEditor.IStandaloneCodeEditor): HTMLElement | null {
  return editor.getDomNode()?.querySelector<HTMLElement>('[role="textbox"]') ?? null;
}

function MonacoView({ monaco, caret, value, onChange, language = 'plaintext', id, ariaLabel, ariaDescribedBy, ariaInvalid, minLines = 4, maxLines = 20, readOnly = false, onSubmit, placeholder, lineNumbers = false, wordWrap = true, tabMovesFocus = false }: CodeEditorProps & { monaco: Monaco; caret: number | null }) {
  const theme = useWorkbenchStore((s) => s.resolvedTheme);
  const [editor, setEditor] = useState<MonacoEditor.IStandaloneCodeEditor | null>(null);
  const padding = PADDING.top + PADDING.bottom;
  const [height, setHeight] = useState(() => editorHeight({ contentHeight: 0, lineHeight: LINE_HEIGHT, padding, minLines, maxLines }));

  const onChangeRef = useRef(onChange);
  const onSubmitRef = useRef(onSubmit);
  useEffect(() => {
    onChangeRef.current = onChange;
    onSubmitRef.current = onSubmit;
  });
  const handleChange = useCallback((next: string | undefined) => onChangeRef.current(next ?? ''), []);

  const options = useMemo<MonacoEditor.IStandaloneEditorConstructionOptions>(
    () => ({
      ariaLabel,
      readOnly,
      placeholder,
      lineNumbers: lineNumbers ? 'on' : 'off',
      wordWrap: wordWrap ? 'on' : 'off',
      tabFocusMode: tabMovesFocus,
      fontFamily: monoFont(),
      fontSize: 12,
      lineHeight: LINE_HEIGHT,
      padding: PADDING,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      overviewRulerLanes: 0,
      hideCursorInOverviewRuler: true,
      renderLineHighlight: 'none',
      folding: lineNumbers,
      glyphMargin: false,
      lineDecorationsWidth: lineNumbers ? 8 : 4,
      lineNumbersMinChars: 3,
      // Hovers (a JSON error's message) float above the pane instead of being clipped by it.
      fixedOverflowWidgets: true,
      scrollbar: { alwaysConsumeMouseWheel: false, verticalScrollbarSize: 10, horizontalScrollbarSize: 10 },
      automaticLayout: true,
    }),
    [ariaLabel, readOnly, placeholder, lineNumbers, wordWrap, tabMovesFocus],
  );

  // What this editor adds to Monaco (the submit key, the size listener) is disposed with it; the
  // editor and its model are disposed by <Editor> when it unmounts.
  const submits = Boolean(onSubmit);
  useEffect(() => {
    if (!editor) return;
    const owned: IDisposable[] = [];
    const fit = () => setHeight(editorHeight({ contentHeight: editor.getContentHeight(), lineHeight: LINE_HEIGHT, padding, minLines, maxLines }));
    owned.push(
      editor.onDidContentSizeChange((e) => {
        if (e.contentHeightChanged) fit();
      }),
    );
    fit();
    if (submits) {
      owned.push(
        editor.addAction({
          id: 'lathe.submit',
          label: 'Submit',
          keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter],
          run: () => onSubmitRef.current?.(),
        }),
      );
    }
    return () => {
      for (const disposable of owned.reverse()) disposable.dispose();
    };
  }, [editor, monaco, submits, padding, minLines, maxLines]);

  // Someone typing in the textarea while Monaco loaded goes on typing in Monaco, at the same place.
  useEffect(() => {
    const model = editor?.getModel();
    if (!editor || !model || caret === null) return;
    editor.setPosition(model.getPositionAt(caret));
    editor.focus();
  }, [editor, caret]);

  // Monaco names its input from ariaLabel; the id, description and validity are ours to add,
  // again whenever Monaco builds a new view (a new model).
  useEffect(() => {
    if (!editor) return;
    const apply = () => {
      const input = inputOf(editor);
      if (!input) return;
      if (id) input.id = id;
      if (ariaDescribedBy) input.setAttribute('aria-describedby', ariaDescribedBy);
      else input.removeAttribute('aria-describedby');
      if (ariaInvalid) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    };
    apply();
    const listener = editor.onDidChangeModel(apply);
    return () => listener.dispose();
  }, [editor, id, ariaDescribedBy, ariaInvalid]);

  return (
    <div className="code-editor-monaco">
      {/* The editor's own height (its content, within minLines..maxLines); the border is outside it. */}
      <div style={{ height }}>
        <Editor
          value={value}
          language={language}
          theme={monacoTheme(theme)}
          options={options}
          onChange={handleChange}
          onMount={setEditor}
          loading={null}
          height="100%"
        />
      </div>
    </div>
  );
}
