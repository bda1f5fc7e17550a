import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../main/api/eventBus';
import type { Settings, SystemInfo } from '../../../main/contract/model';
import { createLogger } from '../../../main/log/logger';
import type { CommandRunner } from '../../../main/system/commandRunner';
import type { SystemSnapshots } from '../../../main/system/snapshotStore';
import { SystemService } from '../../../main/system/systemService';
import { tmpDir } from '../../helpers/tmp';
import { exit, fakeRunner, fixture, memorySnapshots, probeReport } from './fixtures';

const PROBE = JSON.stringify(probeReport());

function settings(overrides: Partial<Settings> = {}): Settings {
  return { pythonPath: null, theme: 'system', dataFolders: [], concurrency: { cpuSlots: 2, gpuSamplingSeconds: 1 }, ...overrides };
}

function setup(options: {
  gpu: 'h100' | 'none';
  settings?: () => Settings;
  wrapRunner?: (runner: CommandRunner) => CommandRunner;
  snapshots?: SystemSnapshots;
  snapshotRefreshDelayMs?: number;
  root?: string;
}) {
  const root = options.root ?? tmpDir();
  const bin = path.join(root, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const python = path.join(bin, 'python3');
  fs.writeFileSync(python, '', { mode: 0o755 });
  let utilization = 0;
  const runner = fakeRunner([
    {
      file: 'nvidia-smi',
      result: () =>
        options.gpu === 'h100'
          ? exit(0, fixture('nvidia-smi', 'h100-x1.query.txt').replace('81559, 0, 0,', `81559, 0, ${utilization},`))
          : { kind: 'enoent' },
    },
    { file: python, result: exit(0, `${PROBE}\n`) },
    { file: '/usr/bin/python3', result: exit(0, `${PROBE}\n`) },
  ]);
  const bus = new EventBus();
  const events: SystemInfo[] = [];
  bus.onEvent((name, payload) => {
    if (name === 'system.changed') events.push(payload as SystemInfo);
  });
  const service = new SystemService({
    logger: createLogger('system-test'),
    bus,
    settings: options.settings ?? (() => settings()),
    env: { PATH: bin },
    homeDir: path.join(root, 'home'),
    cwd: root,
    runner: options.wrapRunner ? options.wrapRunner(runner) : runner,
    dockerEndpoint: path.join(root, 'docker.sock'),
    graphics: async () => ({ controllers: [] }),
    snapshots: options.snapshots,
    snapshotRefreshDelayMs: options.snapshotRefreshDelayMs ?? 0,
  });
  return { service, runner, bus, events, python, root, setUtilization: (value: number) => (utilization = value) };
}

const smiCalls = (runner: ReturnType<typeof fakeRunner>) => runner.calls.filter((call) => call.file === 'nvidia-smi').length;

describe('SystemService', () => {
  it('describes the machine: CPU, memory, OS, GPU, Python and Docker', async () => {
    const { service, python, root } = setup({ gpu: 'h100' });
    const info = await service.info();
    expect(info.cpu.logicalCores).toBe(os.cpus().length);
    expect(info.cpu.physicalCores).toBeGreaterThan(0);
    expect(info.cpu.model.length).toBeGreaterThan(0);
    expect(info.memory.totalBytes).toBe(os.totalmem());
    expect(info.memory.availableBytes).toBeGreaterThan(0);
    expect(info.memory.availableBytes).toBeLessThanOrEqual(info.memory.totalBytes);
    expect(info.os).toMatchObject({ platform: process.platform, arch: os.arch(), hostname: os.hostname() });
    expect(info.gpu).toMatchObject({ status: 'ok', message: '1 × NVIDIA H100 80GB HBM3 (driver 550.54.15)' });
    expect(info.python.selected).toBe(python);
    expect(info.python.envs.map((env) => env.path)).toContain(python);
    expect(info.docker).toMatchObject({ available: false, message: `Docker engine not running (no socket at ${path.join(root, 'docker.sock')})` });
    expect(Number.isNaN(Date.parse(info.sampledAt))).toBe(false);
    await service.dispose();
  });

  it('probes once, shares a probe in flight, and probes again on refresh', async () => {
    const { service, runner } = setup({ gpu: 'h100' });
    const [a, b] = await Promise.all([service.info(), service.info()]);
    expect(a.gpu).toEqual(b.gpu);
    expect(smiCalls(runner)).toBe(1);
    await service.info();
    expect(smiCalls(runner)).toBe(1);
    await service.info({ refresh: true });
    expect(smiCalls(runner)).toBe(2);
    await service.dispose();
  });

  it('samples GPU utilization while started and pushes system.changed', async () => {
    const { service, runner, events, setUtilization } = setup({ gpu: 'h100' });
    service.start();
    await expect.poll(() => events.length).toBeGreaterThanOrEqual(1);
    setUtilization(87);
    await expect.poll(() => events.at(-1)?.gpu.gpus[0]?.utilizationPercent, { timeout: 5_000 }).toBe(87);
    const last = events.at(-1) as SystemInfo;
    expect(last.cpu.logicalCores).toBe(os.cpus().length);
    expect(last.python.selected).not.toBeNull();
    await service.dispose();
    const calls = smiCalls(runner);
    const seen = events.length;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(smiCalls(runner)).toBe(calls);
    expect(events.length).toBe(seen);
  });

  it('does not sample when there is no GPU', async () => {
    const { service, runner, events } = setup({ gpu: 'none' });
    service.start();
    await expect.poll(() => events.length).toBe(1);
    expect(events[0]?.gpu.message).toBe('No GPU detected');
    const calls = smiCalls(runner);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(smiCalls(runner)).toBe(calls);
    await service.dispose();
  });

  it('re-probes Python when Settings change the interpreter', async () => {
    let current = settings();
    const { service, bus, events, root } = setup({ gpu: 'none', settings: () => current });
    service.start();
    await expect.poll(() => events.length).toBe(1);
    const chosen = path.join(root, 'chosen', 'python');
    current = settings({ pythonPath: chosen });
    bus.emit('settings.changed', current);
    await expect.poll(() => events.length).toBe(2);
    expect(events[1]?.python.envs[0]).toMatchObject({ path: chosen, source: 'settings', ok: false });
    expect(events[1]?.python.envs[0]?.error).toBe(`could not run ${chosen}: ENOENT — check the path in Settings`);
    await service.dispose();
  });

  it('re-probes with the interpreter chosen in Settings while the first probe is still running', async () => {
    let current = settings();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let gated = true;
    const { service, bus, events, root, runner } = setup({
      gpu: 'none',
      settings: () => current,
      // The first probe waits on every command until released; later probes run at once.
      wrapRunner: (inner) => async (file, args, options) => {
        if (gated) await gate;
        return inner(file, args, options);
      },
    });
    service.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toHaveLength(0);
    const chosen = path.join(root, 'chosen', 'python');
    fs.mkdirSync(path.dirname(chosen));
    fs.writeFileSync(chosen, '', { mode: 0o755 });
    current = settings({ pythonPath: chosen });
    bus.emit('settings.changed', current);
    gated = false;
    release();
    await expect.poll(() => events.at(-1)?.python.envs.some((env) => env.source === 'settings' && env.path === chosen)).toBe(true);
    expect(events).toHaveLength(2);
    expect(events[0]?.python.envs.some((env) => env.source === 'settings')).toBe(false);
    expect(runner.calls.filter((call) => call.file === chosen)).toHaveLength(1);
    const info = await service.info();
    expect(info.python.envs.find((env) => env.source === 'settings')).toMatchObject({ path: chosen });
    await service.dispose();
  });

  it('probes a path the person typed', async () => {
    const { service, python } = setup({ gpu: 'none' });
    await expect(service.probePython(python)).resolves.toMatchObject({ path: python, source: 'manual', ok: true, pythonVersion: '3.11.2' });
    await expect(service.probePython('/nonexistent/python3')).rejects.toMatchObject({ code: 'not-found' });
    await service.dispose();
  });

  it('answers at once with the last run\'s probe after a restart, then pushes the fresh one', async () => {
    const snapshots = memorySnapshots();
    const root = tmpDir();
    const first = setup({ gpu: 'none', snapshots, root });
    const fresh = await first.service.info();
    expect(fresh.fromSnapshot).toBe(false);
    expect(snapshots.saved.size).toBe(1);
    await first.service.dispose();

    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const second = setup({ gpu: 'none', snapshots, root, wrapRunner: (inner) => async (file, args, options) => (await gate, inner(file, args, options)) });
    second.service.start();
    const early = await second.service.info();
    expect(early).toMatchObject({ fromSnapshot: true, probedAt: fresh.probedAt, python: { selected: fresh.python.selected } });
    expect(second.events).toHaveLength(0);
    release();
    await expect.poll(() => second.events.at(-1)?.fromSnapshot).toBe(false);
    expect((await second.service.info()).fromSnapshot).toBe(false);
    await second.service.dispose();
  });

  it('ignores a snapshot taken with another interpreter chosen', async () => {
    const snapshots = memorySnapshots();
    const root = tmpDir();
    const first = setup({ gpu: 'none', snapshots, root });
    await first.service.info();
    await first.service.dispose();
    const chosen = path.join(root, 'bin', 'python3');
    const second = setup({ gpu: 'none', snapshots, root, settings: () => settings({ pythonPath: chosen }) });
    const info = await second.service.info();
    expect(info.fromSnapshot).toBe(false);
    expect(info.python.envs.find((env) => env.source === 'settings')).toMatchObject({ path: chosen });
    await second.service.dispose();
  });

  it('with a snapshot to show, leaves the machine to the first screen before probing again', async () => {
    const snapshots = memorySnapshots();
    const root = tmpDir();
    const first = setup({ gpu: 'none', snapshots, root });
    await first.service.info();
    await first.service.dispose();
    const second = setup({ gpu: 'none', snapshots, root, snapshotRefreshDelayMs: 60_000 });
    second.service.start();
    expect((await second.service.info()).fromSnapshot).toBe(true);
    expect(second.runner.calls).toEqual([]);
    await second.service.dispose();
    expect(second.runner.calls).toEqual([]);
  });
});
