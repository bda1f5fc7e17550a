import type { Channel } from '../../../main/contract/channels';

/**
 * One valid request per channel. The contract test fails when a channel has none, so every new
 * channel comes with an example that the fuzz test mutates into malformed payloads.
 */
export const EXAMPLES: Record<Channel, Record<string, unknown>> = {
  'app.info': {},
  'system.info': { refresh: false },
  'system.probePython': { path: '/usr/bin/python3' },
  'settings.get': {},
  'settings.update': {
    patch: {
      pythonPath: '/usr/bin/python3',
      theme: 'dark',
      dataFolders: ['/data'],
      concurrency: { cpuSlots: 2, gpuSamplingSeconds: 5 },
    },
  },
  'events.list': { limit: 10, beforeId: 5 },
};
