/**
 * Requests of the notebooks channels. Workspace paths are relative to the workspace, with / between
 * folders; ".." is refused here and everything is resolved inside the workspace again by main.
 */
import { z } from 'zod';

const workspacePath = z
  .string()
  .max(4096)
  .refine((value) => !value.split(/[\\/]/).includes('..'), 'a workspace path may not contain ".."')
  .refine((value) => !value.includes('\0'), 'a workspace path may not contain a NUL character');
const required = workspacePath.refine((value) => value.trim() !== '', 'give a path in the workspace');
const fileName = z
  .string()
  .min(1, 'give a name')
  .max(255)
  .refine((value) => !/[\\/\0]/.test(value) && value !== '.' && value !== '..', 'a name may not contain / or \\ and may not be . or ..');

export const emptySchema = z.strictObject({});
export const listWorkspaceSchema = z.strictObject({ Path: workspacePath.optional() });
export const notebookPathSchema = z.strictObject({ Path: required });
export const saveNotebookSchema = z.strictObject({
  Path: required,
  Notebook: z.record(z.string(), z.unknown()),
  /** notebooks.open's Modified: the save is refused when the file changed on disk since. */
  ExpectedModified: z.string().max(64).optional(),
});
export const createEntrySchema = z.strictObject({
  /** The folder to create it in; the workspace when left out. */
  Path: workspacePath.optional(),
  Kind: z.enum(['notebook', 'directory', 'file']),
  Name: fileName.optional(),
});
export const renameEntrySchema = z.strictObject({ Path: required, NewPath: required });
export const uploadEntrySchema = z.strictObject({
  Path: workspacePath.optional(),
  Name: fileName,
  ContentBase64: z.string(),
  Overwrite: z.boolean().optional(),
});
export const runNotebookSchema = z.strictObject({
  Path: required,
  TimeoutSeconds: z.number().int().min(1).max(86_400).optional(),
  /** Write the outputs back into the notebook. */
  Save: z.boolean().optional(),
  Kernel: z.string().min(1).max(255).optional(),
});
