import type { EventLogEntry, PythonEnv, Settings, SystemInfo } from '../../main/contract/model';

export const healthyEnv: PythonEnv = {
  path: '/usr/bin/python3',
  realPath: '/usr/bin/python3.11',
  source: 'PATH',
  ok: true,
  pythonVersion: '3.11.2',
  packages: [
    { name: 'numpy', module: 'numpy', version: '1.24.2', installCommand: null },
    { name: 'xgboost', module: 'xgboost', version: '1.7.4', installCommand: null },
  ],
  error: null,
};

export const brokenEnv: PythonEnv = {
  path: '/opt/venv/bin/python',
  realPath: '/opt/venv/bin/python',
  source: 'venv',
  ok: false,
  pythonVersion: '3.12.1',
  packages: [
    { name: 'numpy', module: 'numpy', version: '2.0.0', installCommand: null },
    { name: 'xgboost', module: 'xgboost', version: null, installCommand: '/opt/venv/bin/python -m pip install xgboost' },
  ],
  error: null,
};

export const systemInfo: SystemInfo = {
  cpu: { model: 'AMD EPYC 7B13', logicalCores: 2, physicalCores: 1, speedGHz: 2.45 },
  memory: { totalBytes: 25_232_932_864, availableBytes: 20_000_000_000 },
  os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', arch: 'x64', hostname: 'lathe-box' },
  gpu: { status: 'none', source: null, message: 'No GPU detected', hint: 'Install the NVIDIA driver to use a GPU.', gpus: [] },
  python: { selected: '/usr/bin/python3', envs: [healthyEnv, brokenEnv] },
  docker: {
    available: false,
    version: null,
    apiVersion: null,
    endpoint: '/var/run/docker.sock',
    message: 'Docker is not running',
    hint: 'Start it with `sudo systemctl start docker`.',
  },
  probedAt: new Date().toISOString(),
  fromSnapshot: false,
  sampledAt: new Date().toISOString(),
};

export const gpuInfo: SystemInfo = {
  ...systemInfo,
  gpu: {
    status: 'ok',
    source: 'nvidia-smi',
    message: '1 × NVIDIA H100 80GB HBM3 (driver 550.54.15)',
    hint: null,
    gpus: [
      {
        index: 0,
        name: 'NVIDIA H100 80GB HBM3',
        vendor: 'nvidia',
        uuid: 'GPU-1234',
        memoryTotalMiB: 81559,
        memoryUsedMiB: 1024,
        utilizationPercent: 7,
        driverVersion: '550.54.15',
        computeCapability: '9.0',
        migMode: 'disabled',
        migDevices: [],
      },
    ],
  },
  python: { selected: '/opt/venv/bin/python', envs: [brokenEnv, healthyEnv] },
  docker: { available: true, version: '28.2.2', apiVersion: '1.50', endpoint: '/var/run/docker.sock', message: 'Docker 28.2.2 is running', hint: null },
};

export const settings: Settings = {
  pythonPath: null,
  theme: 'system',
  dataFolders: ['/data/train'],
  concurrency: { cpuSlots: 2, gpuSamplingSeconds: 5 },
};

export const events: EventLogEntry[] = [
  { id: 2, at: new Date(Date.now() - 5 * 60_000).toISOString(), actor: 'ui', action: 'settings.update', subject: 'settings', detail: { keys: ['theme'] } },
  { id: 1, at: new Date(Date.now() - 2 * 3600_000).toISOString(), actor: 'lathe', action: 'app.start', subject: 'lathe', detail: null },
];
