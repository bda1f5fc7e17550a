import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fail, ok } from '../../main/contract/result';
import { useWorkbenchStore } from '../../renderer/state/workbenchStore';
import { FakeBridge } from './fakeBridge';
import { brokenEnv, settings } from './fixtures';
import { renderApp, resetRenderer } from './harness';

afterEach(resetRenderer);

async function openSettings(bridge = new FakeBridge()) {
  renderApp(bridge);
  await waitFor(() => expect(document.documentElement.dataset.appState).toBe('ready'));
  act(() => useWorkbenchStore.getState().showPane('settings'));
  await screen.findByRole('heading', { level: 1, name: 'Settings' });
  return bridge;
}

const save = () => screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement;
const cpuSlots = () => screen.getByLabelText('CPU slots') as HTMLInputElement;

describe('Settings pane', () => {
  it('says where this Lathe keeps its data, store and logs', async () => {
    await openSettings();
    const about = await screen.findByTestId('about');
    expect(about.textContent).toContain('Lathe 0.1.0');
    expect(about.textContent).toContain('/tmp/lathe/lathe.db');
    expect(about.textContent).toContain('/tmp/lathe/logs');
  });

  it('disables Save until something changed', async () => {
    await openSettings();
    expect(cpuSlots().value).toBe('2');
    expect(save().disabled).toBe(true);
    fireEvent.change(cpuSlots(), { target: { value: '3' } });
    expect(save().disabled).toBe(false);
    fireEvent.change(cpuSlots(), { target: { value: '2' } });
    expect(save().disabled).toBe(true);
  });

  it('shows the error next to the field the failed settings.update names', async () => {
    const bridge = await openSettings(
      new FakeBridge({
        'settings.update': () =>
          fail('invalid-argument', 'settings.update: patch.concurrency.cpuSlots: cpuSlots must be at least 1', {
            issues: [{ path: ['patch', 'concurrency', 'cpuSlots'], message: 'cpuSlots must be at least 1' }],
          }),
      }),
    );
    fireEvent.change(cpuSlots(), { target: { value: '0' } });
    await act(async () => {
      fireEvent.submit(cpuSlots().form!);
    });
    expect(bridge.callsTo('settings.update')).toEqual([{ patch: { concurrency: { cpuSlots: 0 } } }]);
    const error = await screen.findByText('cpuSlots must be at least 1');
    expect(cpuSlots().getAttribute('aria-invalid')).toBe('true');
    expect(cpuSlots().getAttribute('aria-describedby')).toBe(error.id);
    expect(screen.queryByText('Saved')).toBeNull();
  });

  it('puts an error without issue details under the field its message names', async () => {
    await openSettings(
      new FakeBridge({ 'settings.update': () => fail('failed-precondition', 'pythonPath: /nope/python does not exist') }),
    );
    fireEvent.change(screen.getByLabelText('Python interpreter'), { target: { value: '__other__' } });
    fireEvent.change(screen.getByLabelText('Interpreter path'), { target: { value: '/nope/python' } });
    await act(async () => {
      fireEvent.click(save());
    });
    const error = await screen.findByText('pythonPath: /nope/python does not exist');
    expect(screen.getByLabelText('Interpreter path').getAttribute('aria-describedby')).toBe(error.id);
  });

  it('saves with Enter and says "Saved"', async () => {
    const bridge = await openSettings();
    fireEvent.change(cpuSlots(), { target: { value: '4' } });
    fireEvent.click(screen.getByLabelText('Dark'));
    await act(async () => {
      fireEvent.submit(cpuSlots().form!);
    });
    expect(bridge.callsTo('settings.update')).toEqual([{ patch: { theme: 'dark', concurrency: { cpuSlots: 4 } } }]);
    expect(await screen.findByText('Saved')).toBeTruthy();
    expect(save().disabled).toBe(true);
    fireEvent.change(cpuSlots(), { target: { value: '5' } });
    expect(screen.queryByText('Saved')).toBeNull();
  });

  it('adds and removes data folders', async () => {
    const bridge = await openSettings();
    const folder = screen.getByLabelText('Folder to add');
    fireEvent.change(folder, { target: { value: '/data/more' } });
    fireEvent.keyDown(folder, { key: 'Enter' });
    fireEvent.click(screen.getByRole('button', { name: 'Remove /data/train' }));
    await act(async () => {
      fireEvent.click(save());
    });
    expect(bridge.callsTo('settings.update')).toEqual([{ patch: { dataFolders: ['/data/more'] } }]);
  });

  it('checks an interpreter typed in and shows how to fix it', async () => {
    const bridge = await openSettings(new FakeBridge({ 'system.probePython': () => ok(brokenEnv) }));
    fireEvent.change(screen.getByLabelText('Python interpreter'), { target: { value: '__other__' } });
    fireEvent.change(screen.getByLabelText('Interpreter path'), { target: { value: '/opt/venv/bin/python' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    });
    expect(bridge.callsTo('system.probePython')).toEqual([{ path: '/opt/venv/bin/python' }]);
    const result = await screen.findByTestId('probe-result');
    expect(result.textContent).toContain('/opt/venv/bin/python -m pip install xgboost');
    expect(result.textContent).toContain('1 missing');
  });

  it('follows settings.changed from elsewhere while the form is clean', async () => {
    const bridge = await openSettings();
    act(() => bridge.emit('settings.changed', { ...settings, concurrency: { cpuSlots: 12, gpuSamplingSeconds: 5 } }));
    await waitFor(() => expect(cpuSlots().value).toBe('12'));
  });
});
