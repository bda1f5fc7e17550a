/**
 * Monaco, bundled with the app: the editor core with its features (no language but those below),
 * and the languages Lathe edits (JSON, Python; plaintext is built in). Its workers are our own
 * files (worker-src 'self'), and @monaco-editor/react is told to use this copy instead of fetching
 * one from its CDN. Loaded with a dynamic import by CodeEditor, so nothing pays for it until an
 * editor is shown.
 */
import { loader } from '@monaco-editor/react';
import * as monaco from 'monaco-editor/editor';
// Every editor feature, registered before the first editor is made. The JSON language's worker
// client pulls them all in anyway (monaco's internal/common/workers imports each contribution); if
// they arrived with it instead, after the first editor had fixed the editor services, the next
// editor would fail with "depends on UNKNOWN service ICodeLensCache" and the like.
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/features/json/register';
import 'monaco-editor/languages/definitions/python/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/languages/features/json/json.worker?worker';

self.MonacoEnvironment = {
  // The JSON language service runs in its own worker; everything else in the editor worker.
  getWorker: (_workerId: string, label: string) => (label === 'json' ? new JsonWorker() : new EditorWorker()),
};

loader.config({ monaco });

export { monaco };
export type Monaco = typeof monaco;
