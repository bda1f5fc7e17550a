import { act, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ok } from '../../main/contract/result';
import type { Connection, ConnectionState } from '../../renderer/api/client';
import { FakeBridge } from './fakeBridge';
import { gpuInfo, systemInfo } from './fixtures';
import { renderApp, resetRenderer } from './harness';

afterEach(resetRenderer);

function controllableConnection() {
  let state: ConnectionState = 'connecting';
  const listeners = new Set<(s: ConnectionState) => void>();
  const connection: Connection = {
    transport: 'ws',
    state: () => state,
    onChange: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  const set = (next: ConnectionState) => {
    state = next;
    for (const listener of listeners) listener(next);
  };
  return { connection, set };
}

describe('status bar', () => {
  it('shows no GPU, a healthy Python and Docker not running', async () => {
    renderApp();
    await waitFor(() => expect(screen.getByTestId('status-gpu').textContent).toBe('No GPU'));
    expect(screen.getByTestId('status-python').textContent).toBe('Python 3.11 ✓');
    expect(screen.getByTestId('status-docker').textContent).toBe('Docker: not running');
  });

  it('shows the GPU model, the missing package and the Docker version', async () => {
    renderApp(new FakeBridge({ 'system.info': () => ok(gpuInfo) }));
    await waitFor(() => expect(screen.getByTestId('status-gpu').textContent).toBe('1 GPU · H100'));
    expect(screen.getByTestId('status-python').textContent).toBe('Python: xgboost missing');
    expect(screen.getByTestId('status-docker').textContent).toBe('Docker 28.2');
  });

  it('follows the connection and reloads everything after it comes back', async () => {
    const { connection, set } = controllableConnection();
    const bridge = new FakeBridge();
    renderApp(bridge, connection);
    expect(screen.getByTestId('status-connection').textContent).toBe('Connecting…');
    act(() => set('open'));
    expect(screen.getByTestId('status-connection').textContent).toBe('Connected');
    await screen.findByTestId('cpu-cores');
    expect(bridge.callsTo('system.info')).toHaveLength(1);

    act(() => set('reconnecting'));
    expect(screen.getByTestId('status-connection').textContent).toBe('Reconnecting…');
    bridge.handlers['system.info'] = () => ok({ ...systemInfo, cpu: { ...systemInfo.cpu, logicalCores: 8 } });
    act(() => set('open'));
    await waitFor(() => expect(screen.getByTestId('cpu-cores').textContent).toBe('8'));
    expect(bridge.callsTo('settings.get')).toHaveLength(2);
    expect(bridge.callsTo('events.list')).toHaveLength(2);
  });
});
