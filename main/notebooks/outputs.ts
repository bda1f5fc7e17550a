/**
 * A code cell's outputs as a kernel sends them on IOPub, turned into nbformat 4 outputs the way
 * Jupyter stores them: consecutive stream text of one name merged, display updates applied by
 * display_id, clear_output honoured (also its wait form), and multi-line text split into lines.
 */
import { splitLines } from './nbformat';

type Bundle = Record<string, unknown>;

interface IOPubMessage {
  header: { msg_type: string };
  content: Record<string, unknown>;
}

/** nbformat's split_lines for a MIME bundle: text/* (and JavaScript, SVG) as line lists. */
function splitBundle(data: Bundle): Bundle {
  const out: Bundle = {};
  for (const [mime, value] of Object.entries(data)) {
    out[mime] = typeof value === 'string' && (mime.startsWith('text/') || mime === 'application/javascript' || mime === 'image/svg+xml') ? splitLines(value) : value;
  }
  return out;
}

const asBundle = (value: unknown): Bundle => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Bundle) : {});

/** Display id → the outputs showing it, shared by the cells of one run (an update may come from a later cell). */
export type DisplayRegistry = Map<string, Bundle[]>;

/**
 * An update_display_data message's content applied to every output showing its display. The
 * kernel library hands such an update only to the request that showed the display, and drops it
 * once that request is done: a runner applies the updates it sees on the kernel's IOPub stream.
 */
export function applyDisplayUpdate(displays: DisplayRegistry, content: Record<string, unknown>): void {
  const id = asBundle(content.transient).display_id;
  for (const output of typeof id === 'string' ? (displays.get(id) ?? []) : []) {
    output.data = asBundle(content.data);
    output.metadata = asBundle(content.metadata);
  }
}

export class OutputCollector {
  private outputs: Bundle[] = [];
  private clearOnNext = false;

  constructor(private readonly displays: DisplayRegistry = new Map()) {}
  /** From execute_input, in case the reply never comes (interrupted, dead kernel). */
  executionCount: number | null = null;

  private add(output: Bundle): void {
    if (this.clearOnNext) {
      this.outputs = [];
      this.clearOnNext = false;
    }
    this.outputs.push(output);
  }

  handle(message: IOPubMessage): void {
    const content = message.content;
    switch (message.header.msg_type) {
      case 'execute_input':
        if (typeof content.execution_count === 'number') this.executionCount = content.execution_count;
        return;
      case 'stream': {
        const last = this.outputs[this.outputs.length - 1];
        const text = String(content.text ?? '');
        if (!this.clearOnNext && last?.output_type === 'stream' && last.name === content.name) last.text = String(last.text) + text;
        else this.add({ output_type: 'stream', name: content.name, text });
        return;
      }
      case 'display_data':
      case 'execute_result': {
        const output: Bundle =
          message.header.msg_type === 'execute_result'
            ? { output_type: 'execute_result', execution_count: content.execution_count ?? null, data: asBundle(content.data), metadata: asBundle(content.metadata) }
            : { output_type: 'display_data', data: asBundle(content.data), metadata: asBundle(content.metadata) };
        this.add(output);
        const id = asBundle(content.transient).display_id;
        if (typeof id === 'string') this.displays.set(id, [...(this.displays.get(id) ?? []), output]);
        return;
      }
      case 'update_display_data':
        applyDisplayUpdate(this.displays, content);
        return;
      case 'error':
        this.add({ output_type: 'error', ename: String(content.ename ?? ''), evalue: String(content.evalue ?? ''), traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [] });
        return;
      case 'clear_output':
        if (content.wait) this.clearOnNext = true;
        else this.outputs = [];
        return;
      default:
        return;
    }
  }

  /** The outputs as nbformat writes them. */
  toNbformat(): Bundle[] {
    return this.outputs.map((output) => {
      if (output.output_type === 'stream') return { ...output, text: splitLines(String(output.text)) };
      if (output.output_type === 'display_data' || output.output_type === 'execute_result') return { ...output, data: splitBundle(asBundle(output.data)) };
      return output;
    });
  }
}
