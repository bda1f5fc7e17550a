import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SystemInfo } from '../../main/contract/model';
import { fail, ok, type Result } from '../../main/contract/result';
import { FakeBridge } from './fakeBridge';
import { events, gpuInfo, systemInfo } from './fixtures';
import { renderApp, resetRenderer } from './harness';

afterEach(resetRenderer);

describe('Home pane', () => {
  it("shows this machine's cores and memory and marks the app ready", async () => {
    renderApp();
    await waitFor(() => expect(document.documentElement.dataset.appState).toBe('ready'));
    expect(screen.getByTestId('cpu-cores').textContent).toBe('2');
    expect(screen.getByTestId('memory-total').textContent).toBe('23.5 GiB');
    expect(screen.getByText('AMD EPYC 7B13')).toBeTruthy();
    expect(screen.getByText(/18\.6 GiB available/)).toBeTruthy();
  });

  it('shows the skeleton until system info arrives, and is not ready before', async () => {
    let answer: (result: Result<SystemInfo>) => void = () => {};
    const bridge = new FakeBridge({ 'system.info': () => new Promise((resolve) => (answer = resolve)) });
    renderApp(bridge);
    expect(await screen.findByTestId('home-skeleton')).toBeTruthy();
    expect(document.documentElement.dataset.appState).not.toBe('ready');
    await act(async () => answer(ok(systemInfo)));
    expect(screen.queryByTestId('home-skeleton')).toBeNull();
    expect(document.documentElement.dataset.appState).toBe('ready');
  });

  it('shows the exact install command for a missing package and copies it', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    renderApp();
    const command = await screen.findByText('/opt/venv/bin/python -m pip install xgboost');
    expect(command.tagName).toBe('CODE');
    fireEvent.click(screen.getByRole('button', { name: 'Copy command: /opt/venv/bin/python -m pip install xgboost' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith('/opt/venv/bin/python -m pip install xgboost'));
    expect(await screen.findByText('Copied')).toBeTruthy();
  });

  it('marks the selected interpreter with its version', async () => {
    renderApp();
    const row = await screen.findByTestId('python-env-selected');
    expect(row.textContent).toContain('/usr/bin/python3');
    expect(within(row).getByTestId('python-version').textContent).toBe('3.11.2');
    expect(within(row).getByText('in use')).toBeTruthy();
  });

  it('says clearly that there is no GPU, with the hint', async () => {
    renderApp();
    const none = await screen.findByTestId('gpu-none');
    expect(none.textContent).toContain('No GPU detected');
    expect(none.textContent).toContain('Install the NVIDIA driver to use a GPU.');
  });

  it('lists each GPU with memory, utilization, driver, compute capability and MIG', async () => {
    renderApp(new FakeBridge({ 'system.info': () => ok(gpuInfo) }));
    const gpu = await screen.findByTestId('gpu');
    expect(gpu.textContent).toContain('NVIDIA H100 80GB HBM3');
    expect(gpu.textContent).toContain('1.0 GiB used of 79.6 GiB');
    expect(gpu.textContent).toContain('7%');
    expect(gpu.textContent).toContain('550.54.15');
    expect(gpu.textContent).toContain('9.0');
    expect(gpu.textContent).toContain('disabled');
  });

  it("shows the Result error's message and marks the app as failed", async () => {
    const bridge = new FakeBridge({ 'system.info': () => fail('internal', 'system.info failed unexpectedly; the details are in the log') });
    renderApp(bridge);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('system.info failed unexpectedly; the details are in the log');
    await waitFor(() => expect(document.documentElement.dataset.appState).toBe('error'));
  });

  it('refreshes with system.info {refresh: true} and shows it is busy meanwhile', async () => {
    const bridge = new FakeBridge();
    renderApp(bridge);
    await screen.findByTestId('cpu-cores');
    let answer: (result: Result<SystemInfo>) => void = () => {};
    bridge.handlers['system.info'] = () => new Promise((resolve) => (answer = resolve));
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    const busy = await screen.findByRole('button', { name: 'Refreshing…' });
    expect((busy as HTMLButtonElement).disabled).toBe(true);
    expect(bridge.callsTo('system.info').at(-1)).toEqual({ refresh: true });
    await act(async () => answer(ok({ ...systemInfo, cpu: { ...systemInfo.cpu, logicalCores: 16 } })));
    expect(screen.getByTestId('cpu-cores').textContent).toBe('16');
    expect(screen.getByRole('button', { name: 'Refresh' })).toBeTruthy();
  });

  it('lists recent events with relative times and adds new ones as they happen', async () => {
    const bridge = new FakeBridge();
    renderApp(bridge);
    expect(await screen.findByText('settings.update · settings')).toBeTruthy();
    expect(screen.getByText('5 minutes ago')).toBeTruthy();
    expect(screen.getByText('2 hours ago')).toBeTruthy();
    expect(bridge.callsTo('events.list')[0]).toEqual({ limit: 20 });
    act(() => bridge.emit('events.changed', { ...events[0]!, id: 3, action: 'system.refresh', subject: 'machine', at: new Date().toISOString() }));
    const newest = screen.getByText('system.refresh · machine').closest('li')!;
    expect(newest.textContent).toContain('just now');
    expect(newest.parentElement!.firstElementChild).toBe(newest);
  });

  it("says it is checking again while showing the last run's probe, until the fresh one arrives", async () => {
    const bridge = new FakeBridge({ 'system.info': () => ok({ ...systemInfo, fromSnapshot: true }) });
    renderApp(bridge);
    expect((await screen.findByTestId('probe-pending')).textContent).toContain('checking again');
    expect(document.documentElement.dataset.appState).toBe('ready');
    act(() => bridge.emit('system.changed', { ...systemInfo, fromSnapshot: false }));
    await waitFor(() => expect(screen.queryByTestId('probe-pending')).toBeNull());
  });

  it('follows system.changed pushed by main', async () => {
    const bridge = new FakeBridge();
    renderApp(bridge);
    await screen.findByTestId('cpu-cores');
    act(() => bridge.emit('system.changed', { ...systemInfo, memory: { totalBytes: 2 ** 36, availableBytes: 2 ** 35 } }));
    expect(screen.getByTestId('memory-total').textContent).toBe('64.0 GiB');
  });
});
