import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBridge } from './fakeBridge';
import { renderApp, resetRenderer } from './harness';

afterEach(resetRenderer);

const palette = () => screen.queryByRole('dialog');
const input = () => screen.getByPlaceholderText('Type a command…');

describe('command palette', () => {
  it('opens on Ctrl+K, filters, and Enter on "Go to Settings" switches the pane', async () => {
    renderApp();
    await screen.findByTestId('cpu-cores');
    expect(palette()).toBeNull();

    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    expect(palette()).not.toBeNull();
    expect(screen.getByRole('option', { name: 'Go to Home' })).toBeTruthy();

    fireEvent.change(input(), { target: { value: 'go to sett' } });
    await waitFor(() => expect(screen.queryByRole('option', { name: 'Go to Home' })).toBeNull());
    expect(screen.getByRole('option', { name: 'Go to Settings' })).toBeTruthy();

    fireEvent.keyDown(input(), { key: 'Enter' });
    await waitFor(() => expect(palette()).toBeNull());
    expect(screen.getByRole('heading', { level: 1, name: 'Settings' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Settings' }).getAttribute('aria-current')).toBe('page');
  });

  it('opens on Ctrl+Shift+P and closes on Escape', async () => {
    renderApp();
    fireEvent.keyDown(window, { key: 'P', ctrlKey: true, shiftKey: true });
    expect(palette()).not.toBeNull();
    fireEvent.keyDown(input(), { key: 'Escape' });
    await waitFor(() => expect(palette()).toBeNull());
  });

  it('moves with the arrow keys and runs the highlighted command', async () => {
    const bridge = new FakeBridge();
    renderApp(bridge);
    await screen.findByTestId('cpu-cores');
    fireEvent.click(screen.getByRole('button', { name: 'Command palette (Ctrl+K)' }));
    fireEvent.change(input(), { target: { value: 'theme:' } });
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(3));
    expect(screen.getAllByRole('option')[0]!.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(input(), { key: 'ArrowDown' });
    expect(screen.getByRole('option', { name: 'Theme: Dark' }).getAttribute('aria-selected')).toBe('true');
    await act(async () => {
      fireEvent.keyDown(input(), { key: 'Enter' });
    });
    expect(bridge.callsTo('settings.update')).toEqual([{ patch: { theme: 'dark' } }]);
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
  });

  it('refreshes system info from the palette', async () => {
    const bridge = new FakeBridge();
    renderApp(bridge);
    await screen.findByTestId('cpu-cores');
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    fireEvent.change(input(), { target: { value: 'refresh' } });
    await act(async () => {
      fireEvent.keyDown(input(), { key: 'Enter' });
    });
    expect(bridge.callsTo('system.info').at(-1)).toEqual({ refresh: true });
  });
});
