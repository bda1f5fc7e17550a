import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { emptyNotebook, locateJsonError, notebookProblem, serializeNotebook, splitLines } from '../../../main/notebooks/nbformat';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'notebooks');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

describe('notebook files as nbformat writes them', () => {
  it.each(['plot.ipynb', 'rich.ipynb', 'metadata.ipynb'])('writes %s (written by nbformat) back byte for byte', (name) => {
    const text = fixture(name);
    expect(serializeNotebook(JSON.parse(text))).toBe(text);
  });

  it('writes a notebook from another tool with the same content, in nbformat layout', () => {
    const text = fixture('handwritten.ipynb');
    const out = serializeNotebook(JSON.parse(text));
    expect(JSON.parse(out)).toEqual(JSON.parse(text));
    expect(out.startsWith('{\n "cells": [\n')).toBe(true);
    expect(out.endsWith('}\n')).toBe(true);
  });

  it('sorts keys as Python does (by code point, numbers as strings) with one-space indents', () => {
    const out = serializeNotebook({ b: 1, '10': { z: [], a: {} }, '9': 'x', A: [1, 'é\n\u001b'] });
    expect(out).toBe('{\n "10": {\n  "a": {},\n  "z": []\n },\n "9": "x",\n "A": [\n  1,\n  "é\\n\\u001b"\n ],\n "b": 1\n}\n');
  });

  it('splits text into lines the way str.splitlines(True) does', () => {
    expect(splitLines('a\nb\r\nc\rd')).toEqual(['a\n', 'b\r\n', 'c\r', 'd']);
    expect(splitLines('one\n')).toEqual(['one\n']);
    expect(splitLines('')).toEqual([]);
  });

  it.each([
    ['{"cells": [1, 2,]}', 1, 17, 'where a value was expected'],
    ['{\n "cells": []\n "metadata": {}\n}', 3, 2, "expected ',' or '}'"],
    ['{"a": tru}', 1, 10, 'expected `true`'],
    ['{"a": "x\ny"}', 1, 9, 'raw control character'],
    ['<html>', 1, 1, 'unexpected "<"'],
    ['{"a": 1', 1, 8, "expected ',' or '}'"],
  ])('finds where %j breaks', (text, line, column, what) => {
    expect(() => JSON.parse(text)).toThrow();
    const found = locateJsonError(text);
    expect(found).toMatchObject({ line, column });
    expect(found?.what).toContain(what);
  });

  it('finds nothing wrong with valid JSON', () => {
    expect(locateJsonError(fixture('rich.ipynb'))).toBeNull();
  });

  it.each([
    [[], 'not a notebook'],
    [{ cells: [] }, 'no "nbformat"'],
    [{ nbformat: 3, nbformat_minor: 0, worksheets: [] }, 'nbformat 3'],
    [{ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ source: 'x' }] }, 'cell 1 has no "cell_type"'],
  ])('says why %j is not an nbformat 4 notebook', (value, why) => {
    expect(notebookProblem(value)).toContain(why);
  });

  it('makes an empty nbformat 4.5 notebook for the python3 kernel', () => {
    const nb = emptyNotebook();
    expect(notebookProblem(nb)).toBeNull();
    expect(nb).toMatchObject({ nbformat: 4, nbformat_minor: 5, cells: [], metadata: { kernelspec: { name: 'python3', language: 'python' } } });
  });
});
