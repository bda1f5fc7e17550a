import { describe, expect, it } from 'vitest';
import { formatGiB, relativeTime } from '../../renderer/lib/format';
import { dockerSummary, gpuSummary, pythonSummary, shortGpuName } from '../../renderer/lib/summaries';
import { appStateOf } from '../../renderer/state/appState';
import { resolveTheme } from '../../renderer/state/workbenchStore';
import { errorsFrom, patchFrom, type SettingsDraft } from '../../renderer/panes/settings/settingsForm';
import { isPaletteShortcut } from '../../renderer/components/useGlobalShortcuts';
import { brokenEnv, gpuInfo, healthyEnv, settings, systemInfo } from './fixtures';

describe('formatting', () => {
  it('formats bytes as GiB with one decimal', () => {
    expect(formatGiB(25_232_932_864)).toBe('23.5 GiB');
    expect(formatGiB(2 ** 30)).toBe('1.0 GiB');
  });

  it('says how long ago in words', () => {
    const now = Date.parse('2026-01-10T12:00:00Z');
    expect(relativeTime('2026-01-10T11:59:50Z', now)).toBe('just now');
    expect(relativeTime('2026-01-10T11:57:00Z', now)).toBe('3 minutes ago');
    expect(relativeTime('2026-01-09T12:00:00Z', now)).toBe('yesterday');
  });
});

describe('summaries', () => {
  it.each([
    ['NVIDIA H100 80GB HBM3', 'H100'],
    ['NVIDIA A100-SXM4-40GB', 'A100'],
    ['NVIDIA H100 PCIe', 'H100'],
    ['NVIDIA GeForce RTX 4090', 'GeForce RTX 4090'],
    ['Tesla T4', 'Tesla T4'],
  ])('shortens %s to %s', (name, short) => expect(shortGpuName(name)).toBe(short));

  it('summarises GPUs', () => {
    expect(gpuSummary(systemInfo.gpu)).toBe('No GPU');
    expect(gpuSummary(gpuInfo.gpu)).toBe('1 GPU · H100');
    const two = { ...gpuInfo.gpu, gpus: [gpuInfo.gpu.gpus[0]!, { ...gpuInfo.gpu.gpus[0]!, index: 1 }] };
    expect(gpuSummary(two)).toBe('2 GPUs · H100');
    expect(gpuSummary({ ...gpuInfo.gpu, status: 'error' })).toBe('GPU: error');
  });

  it('summarises Python and Docker', () => {
    expect(pythonSummary({ selected: healthyEnv.path, envs: [healthyEnv] })).toBe('Python 3.11 ✓');
    expect(pythonSummary({ selected: null, envs: [brokenEnv] })).toBe('Python: xgboost missing');
    expect(pythonSummary({ selected: null, envs: [] })).toBe('Python: not found');
    expect(dockerSummary(gpuInfo.docker)).toBe('Docker 28.2');
    expect(dockerSummary(systemInfo.docker)).toBe('Docker: not running');
  });
});

describe('state policy', () => {
  it('is ready only with both system info and settings', () => {
    expect(appStateOf({ info: null, error: null }, { settings: null, error: null })).toBe('loading');
    expect(appStateOf({ info: {}, error: null }, { settings: null, error: null })).toBe('loading');
    expect(appStateOf({ info: {}, error: null }, { settings: {}, error: null })).toBe('ready');
    expect(appStateOf({ info: null, error: {} }, { settings: {}, error: null })).toBe('error');
    expect(appStateOf({ info: {}, error: {} }, { settings: {}, error: null })).toBe('ready');
  });

  it('resolves the theme', () => {
    expect(resolveTheme('system', 'dark')).toBe('dark');
    expect(resolveTheme('light', 'dark')).toBe('light');
  });

  it('opens the palette on Ctrl+K and Ctrl+Shift+P only', () => {
    const key = (key: string, mods: Partial<KeyboardEvent> = {}) => ({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });
    expect(isPaletteShortcut(key('k', { ctrlKey: true }))).toBe(true);
    expect(isPaletteShortcut(key('k', { metaKey: true }))).toBe(true);
    expect(isPaletteShortcut(key('P', { ctrlKey: true, shiftKey: true }))).toBe(true);
    expect(isPaletteShortcut(key('p', { ctrlKey: true }))).toBe(false);
    expect(isPaletteShortcut(key('k'))).toBe(false);
  });
});

describe('settings form', () => {
  const draft: SettingsDraft = { pythonPath: null, pythonOther: false, theme: 'system', dataFolders: ['/data/train'], cpuSlots: '2', gpuSamplingSeconds: '5' };

  it('sends only what changed', () => {
    expect(patchFrom(draft, settings)).toEqual({});
    expect(patchFrom({ ...draft, gpuSamplingSeconds: '10', theme: 'light' }, settings)).toEqual({
      theme: 'light',
      concurrency: { gpuSamplingSeconds: 10 },
    });
  });

  it('finds the field an error names, by issue path or by message', () => {
    const issue = { path: ['patch', 'dataFolders', '0'], message: 'a data folder must not be empty' };
    expect(errorsFrom({ code: 'invalid-argument', message: 'settings.update: …', details: { issues: [issue] } })).toEqual({
      fields: { dataFolders: 'a data folder must not be empty' },
      form: null,
    });
    const byMessage = 'settings.update: patch.concurrency.gpuSamplingSeconds: too big';
    expect(errorsFrom({ code: 'invalid-argument', message: byMessage }).fields).toEqual({ gpuSamplingSeconds: byMessage });
    expect(errorsFrom({ code: 'internal', message: 'settings.update failed unexpectedly' })).toEqual({
      fields: {},
      form: 'settings.update failed unexpectedly',
    });
  });
});
