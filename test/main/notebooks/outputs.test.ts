import { describe, expect, it } from 'vitest';
import { OutputCollector } from '../../../main/notebooks/outputs';

const msg = (msg_type: string, content: Record<string, unknown>) => ({ header: { msg_type }, content });

describe("a cell's outputs in nbformat form", () => {
  it('merges consecutive stream text of one name and splits it into lines', () => {
    const c = new OutputCollector();
    c.handle(msg('execute_input', { execution_count: 4 }));
    c.handle(msg('stream', { name: 'stdout', text: 'a\nb' }));
    c.handle(msg('stream', { name: 'stdout', text: 'c\n' }));
    c.handle(msg('stream', { name: 'stderr', text: 'warn\n' }));
    c.handle(msg('stream', { name: 'stdout', text: 'd' }));
    expect(c.executionCount).toBe(4);
    expect(c.toNbformat()).toEqual([
      { output_type: 'stream', name: 'stdout', text: ['a\n', 'bc\n'] },
      { output_type: 'stream', name: 'stderr', text: ['warn\n'] },
      { output_type: 'stream', name: 'stdout', text: ['d'] },
    ]);
  });

  it('keeps results, displays and errors, with text MIME types as lines and images as they came', () => {
    const c = new OutputCollector();
    c.handle(msg('display_data', { data: { 'image/png': 'iVBOR\n', 'text/plain': '<Figure>' }, metadata: { 'image/png': { width: 640 } } }));
    c.handle(msg('execute_result', { execution_count: 2, data: { 'text/html': '<b>x</b>\n<i>y</i>', 'application/vnd.lathe+json': { a: 1 } }, metadata: {} }));
    c.handle(msg('error', { ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: ['line 1', 'line 2'] }));
    expect(c.toNbformat()).toEqual([
      { output_type: 'display_data', data: { 'image/png': 'iVBOR\n', 'text/plain': ['<Figure>'] }, metadata: { 'image/png': { width: 640 } } },
      { output_type: 'execute_result', execution_count: 2, data: { 'text/html': ['<b>x</b>\n', '<i>y</i>'], 'application/vnd.lathe+json': { a: 1 } }, metadata: {} },
      { output_type: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: ['line 1', 'line 2'] },
    ]);
  });

  it('applies display updates by display_id and clear_output, also when it waits for the next output', () => {
    const c = new OutputCollector();
    c.handle(msg('display_data', { data: { 'text/plain': '0%' }, metadata: {}, transient: { display_id: 'bar' } }));
    c.handle(msg('update_display_data', { data: { 'text/plain': '100%' }, metadata: {}, transient: { display_id: 'bar' } }));
    expect(c.toNbformat()).toEqual([{ output_type: 'display_data', data: { 'text/plain': ['100%'] }, metadata: {} }]);
    c.handle(msg('clear_output', { wait: true }));
    expect(c.toNbformat()).toHaveLength(1);
    c.handle(msg('stream', { name: 'stdout', text: 'after\n' }));
    expect(c.toNbformat()).toEqual([{ output_type: 'stream', name: 'stdout', text: ['after\n'] }]);
    c.handle(msg('clear_output', { wait: false }));
    expect(c.toNbformat()).toEqual([]);
  });
});
