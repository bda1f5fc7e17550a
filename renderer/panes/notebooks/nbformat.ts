/**
 * The notebook document (nbformat 4 JSON, as notebooks.open read it) and the edits Lathe makes to
 * it, pure. Every edit copies only what it changes: the cells, fields, metadata and outputs it
 * does not touch are the very objects that were read, so saving writes them back as they were.
 */

export type Json = Record<string, unknown>;
export type Notebook = Json;
export type Cell = Json;
export type Output = Json;
export type CellType = 'code' | 'markdown' | 'raw';

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function cellsOf(notebook: Notebook): Cell[] {
  return Array.isArray(notebook.cells) ? (notebook.cells as Cell[]) : [];
}

export function cellType(cell: Cell): CellType {
  return cell.cell_type === 'markdown' || cell.cell_type === 'raw' ? cell.cell_type : 'code';
}

/** nbformat's multiline strings: a string, or a list of lines to join. */
export function joinText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((part) => typeof part === 'string').join('');
  return '';
}

/** Lines with their "\n" kept, as nbformat writes a source list. */
export function splitLines(text: string): string[] {
  return text === '' ? [] : text.split(/(?<=\n)/);
}

export function sourceOf(cell: Cell): string {
  return joinText(cell.source);
}

export function outputsOf(cell: Cell): Output[] {
  return Array.isArray(cell.outputs) ? (cell.outputs as Output[]) : [];
}

export function executionCountOf(cell: Cell): number | null {
  return typeof cell.execution_count === 'number' ? cell.execution_count : null;
}

/** The notebook with `cells` as its cells (every other field as it was). */
export function withCells(notebook: Notebook, cells: Cell[]): Notebook {
  return { ...notebook, cells };
}

export function replaceCell(notebook: Notebook, index: number, cell: Cell): Notebook {
  const cells = cellsOf(notebook).slice();
  cells[index] = cell;
  return withCells(notebook, cells);
}

/** The cell with `text` as its source, in the shape its source had (a string or a list of lines). */
export function withSource(cell: Cell, text: string): Cell {
  if (sourceOf(cell) === text) return cell;
  return { ...cell, source: Array.isArray(cell.source) ? splitLines(text) : text };
}

/** nbformat 4.5 and later give every cell an id. */
export function needsCellIds(notebook: Notebook): boolean {
  const major = typeof notebook.nbformat === 'number' ? notebook.nbformat : 4;
  const minor = typeof notebook.nbformat_minor === 'number' ? notebook.nbformat_minor : 0;
  return major > 4 || (major === 4 && minor >= 5) || cellsOf(notebook).some((cell) => typeof cell.id === 'string');
}

export function newCellId(): string {
  return crypto.randomUUID();
}

export function newCell(type: CellType, notebook: Notebook, source = ''): Cell {
  const id = needsCellIds(notebook) ? { id: newCellId() } : {};
  if (type === 'code') return { cell_type: 'code', execution_count: null, ...id, metadata: {}, outputs: [], source };
  return { cell_type: type, ...id, metadata: {}, source };
}

/** The cell as `type`: a code cell gains outputs and a count; other cells lose them (and code cells have no attachments). */
export function withType(cell: Cell, type: CellType): Cell {
  if (cellType(cell) === type) return cell;
  const { outputs: _outputs, execution_count: _count, attachments, ...rest } = cell;
  if (type === 'code') return { ...rest, cell_type: 'code', execution_count: null, outputs: [] };
  return { ...rest, ...(attachments !== undefined ? { attachments } : {}), cell_type: type };
}

/** Outputs after one more from the kernel: a stream continues the stream before it of the same name. */
export function appendOutput(outputs: readonly Output[], output: Output): Output[] {
  const last = outputs[outputs.length - 1];
  if (output.output_type === 'stream' && last?.output_type === 'stream' && last.name === output.name) {
    return [...outputs.slice(0, -1), { ...last, text: joinText(last.text) + joinText(output.text) }];
  }
  return [...outputs, output];
}

/**
 * One kernel IOPub message as an nbformat output, or null for messages that are not outputs
 * (status, execute_input, clear_output, …). Keys in the order nbformat writes them.
 */
export function outputOf(type: string, content: Json): Output | null {
  switch (type) {
    case 'stream':
      return { name: content.name === 'stderr' ? 'stderr' : 'stdout', output_type: 'stream', text: joinText(content.text) };
    case 'display_data':
      return { data: isRecord(content.data) ? content.data : {}, metadata: isRecord(content.metadata) ? content.metadata : {}, output_type: 'display_data' };
    case 'execute_result':
      return {
        data: isRecord(content.data) ? content.data : {},
        execution_count: typeof content.execution_count === 'number' ? content.execution_count : null,
        metadata: isRecord(content.metadata) ? content.metadata : {},
        output_type: 'execute_result',
      };
    case 'error':
      return {
        ename: String(content.ename ?? 'Error'),
        evalue: String(content.evalue ?? ''),
        output_type: 'error',
        traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [],
      };
    default:
      return null;
  }
}

/** The kernelspec the notebook asks for, when the environment has it; else python3 or the first one. */
export function kernelNameOf(notebook: Notebook | null, available: readonly string[]): string {
  const metadata = isRecord(notebook?.metadata) ? notebook.metadata : {};
  const spec = isRecord(metadata.kernelspec) ? metadata.kernelspec : {};
  const wanted = typeof spec.name === 'string' ? spec.name : null;
  if (wanted && (available.length === 0 || available.includes(wanted))) return wanted;
  if (available.length === 0 || available.includes('python3')) return 'python3';
  return available[0]!;
}

/** The output text a person reads: "\r" rewrites its line, as in a terminal (progress bars). */
export function terminalText(text: string): string {
  if (!text.includes('\r')) return text;
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.slice(line.lastIndexOf('\r') + 1))
    .join('\n');
}
