import { describe, expect, it } from 'vitest';
import { editorHeight, isSubmitKey, languageForContentType, monacoTheme } from '../../renderer/components/codeEditorLib';

describe('languageForContentType', () => {
  it.each([
    ['application/json', 'json'],
    ['application/json; charset=utf-8', 'json'],
    ['Application/JSON', 'json'],
    ['application/vnd.api+json', 'json'],
    ['text/json', 'json'],
    ['text/x-python', 'python'],
    ['text/csv', 'plaintext'],
    ['application/x-npy', 'plaintext'],
    ['application/jsonlines', 'plaintext'],
    ['', 'plaintext'],
  ])('edits %j as %s', (contentType, language) => {
    expect(languageForContentType(contentType)).toBe(language);
  });
});

describe('monacoTheme', () => {
  it('follows the app theme with the matching built-in Monaco theme', () => {
    expect(monacoTheme('light')).toBe('vs');
    expect(monacoTheme('dark')).toBe('vs-dark');
  });
});

describe('editorHeight', () => {
  const size = { lineHeight: 18, padding: 12, minLines: 6, maxLines: 16 };
  it.each([
    ['an empty editor is minLines tall', 0, 6 * 18 + 12],
    ['one line still shows minLines', 18 + 12, 6 * 18 + 12],
    ['it grows with its content', 9 * 18 + 12, 9 * 18 + 12],
    ['it stops at maxLines and scrolls', 40 * 18 + 12, 16 * 18 + 12],
    ['a fractional content height is rounded', 9 * 18 + 12.4, 9 * 18 + 12],
  ])('%s', (_name, contentHeight, expected) => {
    expect(editorHeight({ ...size, contentHeight })).toBe(expected);
  });

  it('never goes below one line, nor below minLines when maxLines is smaller', () => {
    expect(editorHeight({ ...size, minLines: 0, maxLines: 3, contentHeight: 0 })).toBe(18 + 12);
    expect(editorHeight({ ...size, minLines: 4, maxLines: 2, contentHeight: 500 })).toBe(4 * 18 + 12);
  });
});

describe('isSubmitKey', () => {
  const key = (over: Partial<{ key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }>) => ({ key: 'Enter', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...over });
  it('is Ctrl+Enter or Cmd+Enter only', () => {
    expect(isSubmitKey(key({ ctrlKey: true }))).toBe(true);
    expect(isSubmitKey(key({ metaKey: true }))).toBe(true);
    expect(isSubmitKey(key({}))).toBe(false);
    expect(isSubmitKey(key({ ctrlKey: true, shiftKey: true }))).toBe(false);
    expect(isSubmitKey(key({ ctrlKey: true, altKey: true }))).toBe(false);
    expect(isSubmitKey(key({ key: 'a', ctrlKey: true }))).toBe(false);
  });
});
