import type { Router } from '../api/router';
import type { NotebookService } from './notebookService';

/** The notebooks channels of the contract. */
export function registerNotebookHandlers(router: Router, notebooks: NotebookService): void {
  const workspace = notebooks.workspace;
  router.handle('notebooks.environment', () => notebooks.environment());
  router.handle('notebooks.server', () => notebooks.status());
  router.handle('notebooks.start', () => notebooks.start());
  router.handle('notebooks.stop', () => notebooks.stop());
  router.handle('notebooks.list', (request) => workspace.list(request.Path ?? ''));
  router.handle('notebooks.open', (request) => workspace.open(request.Path));
  router.handle('notebooks.save', (request) => workspace.save(request.Path, request.Notebook, request.ExpectedModified));
  router.handle('notebooks.create', (request) => workspace.create(request.Path, request.Kind, request.Name));
  router.handle('notebooks.rename', (request) => workspace.rename(request.Path, request.NewPath));
  router.handle('notebooks.delete', (request) => workspace.delete(request.Path));
  router.handle('notebooks.upload', (request) => workspace.upload(request.Path, request.Name, request.ContentBase64, request.Overwrite ?? false));
  router.handle('notebooks.run', (request) => notebooks.run(request));
}
