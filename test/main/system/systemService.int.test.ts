import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../main/api/eventBus';
import { createLogger } from '../../../main/log/logger';
import { defaultSettings } from '../../../main/settings/settingsService';
import { SystemService } from '../../../main/system/systemService';
import { tmpDir } from '../../helpers/tmp';

describe('SystemService on this machine', () => {
  it('reports the real CPU, memory, OS, GPU, Python and Docker', async () => {
    const socket = path.join(tmpDir(), 'no-docker.sock');
    const service = new SystemService({
      logger: createLogger('system-int'),
      bus: new EventBus(),
      settings: () => ({ ...defaultSettings(), pythonPath: '/usr/bin/python3' }),
      dockerEndpoint: socket,
    });
    try {
      const info = await service.info();
      expect(info.cpu.logicalCores).toBe(os.cpus().length);
      expect(info.memory.totalBytes).toBe(os.totalmem());
      expect(info.memory.availableBytes).toBeGreaterThan(0);
      expect(info.os.hostname).toBe(os.hostname());
      expect(info.os.platform).toBe(process.platform);
      expect(info.os.distro.length).toBeGreaterThan(0);
      expect(['none', 'ok', 'error']).toContain(info.gpu.status);
      expect(info.gpu.message.length).toBeGreaterThan(0);
      expect(info.python.envs[0]).toMatchObject({ path: '/usr/bin/python3', source: 'settings', ok: true });
      expect(info.python.selected).toBe('/usr/bin/python3');
      expect(info.docker).toEqual({
        available: false,
        version: null,
        apiVersion: null,
        endpoint: `unix://${socket}`,
        message: `Docker engine not running (no socket at ${socket})`,
        hint: 'Install docker.io and start the engine: sudo dockerd --bridge=none --iptables=false &',
      });
    } finally {
      await service.dispose();
    }
  });
});
