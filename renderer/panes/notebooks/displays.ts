/**
 * IPython's display(obj, display_id=…) and handle.update(…) / update_display(…): an output a later
 * update_display_data message replaces in place, in the cell that showed it or any other cell of
 * the notebook (a progress table, a live plot). Which outputs show which display is kept beside
 * the document, never in it: nbformat does not save display ids (they are transient).
 */
import { isRecord, type Json, type Output } from './nbformat';

/** The display id of each output object the store holds (outputs are immutable: a new object, a new entry). */
const idOfOutput = new WeakMap<object, string>();
/** By notebook path: display id → the keys of the cells that show it. */
const cellsOfDisplay = new Map<string, Map<string, Set<string>>>();

/** The display id a display_data, execute_result or update_display_data message carries, if any. */
export function displayIdOf(content: Json): string | null {
  const transient = isRecord(content.transient) ? content.transient : {};
  return typeof transient.display_id === 'string' && transient.display_id !== '' ? transient.display_id : null;
}

/** Notes that `output`, shown in cell `key`, is display `id`. */
export function rememberDisplay(path: string, key: string, id: string, output: Output): void {
  idOfOutput.set(output, id);
  const displays = cellsOfDisplay.get(path) ?? new Map<string, Set<string>>();
  cellsOfDisplay.set(path, displays);
  const cells = displays.get(id) ?? new Set<string>();
  displays.set(id, cells);
  cells.add(key);
}

/** The cells that may show display `id`. */
export function cellsShowing(path: string, id: string): string[] {
  return [...(cellsOfDisplay.get(path)?.get(id) ?? [])];
}

/** `outputs` with every output of display `id` given the update's data and metadata (the same array when none is). */
export function withDisplayUpdated(outputs: Output[], id: string, content: Json): Output[] {
  let changed = false;
  const next = outputs.map((output) => {
    if (idOfOutput.get(output) !== id) return output;
    changed = true;
    const updated = { ...output, data: isRecord(content.data) ? content.data : {}, metadata: isRecord(content.metadata) ? content.metadata : {} };
    idOfOutput.set(updated, id);
    return updated;
  });
  return changed ? next : outputs;
}

/** Forgets a notebook's displays (its tab closed, or its kernel restarted: the old ids mean nothing now). */
export function forgetDisplays(path: string): void {
  cellsOfDisplay.delete(path);
}
