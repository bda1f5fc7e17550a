import { describe, expect, it } from 'vitest';
import type { GpuState } from '../../../main/contract/model';
import {
  NVIDIA_SMI_LEGACY_FIELDS,
  NVIDIA_SMI_LEGACY_QUERY_ARGS,
  NVIDIA_SMI_QUERY_ARGS,
  parseMigList,
  parseNvidiaSmi,
  rejectedField,
  type NvidiaSmiOutcome,
} from '../../../main/system/nvidiaSmi';
import { fixture } from './fixtures';

const smi = (name: string) => fixture('nvidia-smi', name);

describe('nvidia-smi command line', () => {
  it('queries every field Lathe shows, as bare CSV', () => {
    expect(NVIDIA_SMI_QUERY_ARGS).toEqual([
      '--query-gpu=index,name,uuid,memory.total,memory.used,utilization.gpu,driver_version,compute_cap,mig.mode.current',
      '--format=csv,noheader,nounits',
    ]);
  });

  it('has a second query without compute_cap for older drivers', () => {
    expect(NVIDIA_SMI_LEGACY_QUERY_ARGS[0]).toBe(
      '--query-gpu=index,name,uuid,memory.total,memory.used,utilization.gpu,driver_version,mig.mode.current',
    );
    expect(NVIDIA_SMI_LEGACY_FIELDS).not.toContain('compute_cap');
  });
});

interface Case {
  scenario: string;
  outcome: NvidiaSmiOutcome;
  expect: (state: GpuState) => void;
}

const ok = (query: string, list?: string, fields?: readonly string[]): NvidiaSmiOutcome => ({
  kind: 'exit',
  code: 0,
  stdout: smi(query),
  stderr: '',
  ...(list ? { listStdout: smi(list) } : {}),
  ...(fields ? { fields } : {}),
});
const failed = (code: number, stdoutFile: string): NvidiaSmiOutcome => ({ kind: 'exit', code, stdout: smi(stdoutFile), stderr: '' });

const cases: Case[] = [
  {
    scenario: 'no nvidia-smi on the machine',
    outcome: { kind: 'enoent' },
    expect: (state) =>
      expect(state).toEqual({ status: 'none', source: null, message: 'No NVIDIA GPU detected (nvidia-smi not found)', hint: null, gpus: [] }),
  },
  {
    scenario: 'one H100',
    outcome: ok('h100-x1.query.txt', 'h100-x1.list.txt'),
    expect: (state) =>
      expect(state).toEqual({
        status: 'ok',
        source: 'nvidia-smi',
        message: '1 × NVIDIA H100 80GB HBM3 (driver 550.54.15)',
        hint: null,
        gpus: [
          {
            index: 0,
            name: 'NVIDIA H100 80GB HBM3',
            vendor: 'nvidia',
            uuid: 'GPU-6f3c2a1e-9b7d-4c58-8e21-3a4b5c6d7e8f',
            memoryTotalMiB: 81559,
            memoryUsedMiB: 0,
            utilizationPercent: 0,
            driverVersion: '550.54.15',
            computeCapability: '9.0',
            migMode: 'disabled',
            migDevices: [],
          },
        ],
      }),
  },
  {
    scenario: 'eight H100s, four of them busy',
    outcome: ok('h100-x8.query.txt', 'h100-x8.list.txt'),
    expect: (state) => {
      expect(state.status).toBe('ok');
      expect(state.message).toBe('8 × NVIDIA H100 80GB HBM3 (driver 550.54.15)');
      expect(state.gpus.map((gpu) => gpu.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(state.gpus.map((gpu) => gpu.utilizationPercent)).toEqual([98, 97, 99, 96, 0, 0, 0, 0]);
      expect(state.gpus.map((gpu) => gpu.memoryUsedMiB)).toEqual([74233, 74233, 74233, 74233, 1, 1, 1, 1]);
      expect(new Set(state.gpus.map((gpu) => gpu.uuid)).size).toBe(8);
      expect(state.gpus.every((gpu) => gpu.memoryTotalMiB === 81559 && gpu.computeCapability === '9.0')).toBe(true);
      expect(state.gpus[7]?.uuid).toBe('GPU-7123a489-e4b5-92d8-05f6-8d9eafb0c1d7');
    },
  },
  {
    scenario: 'an A100 in MIG mode beside one without',
    outcome: ok('a100-mig.query.txt', 'a100-mig.list.txt'),
    expect: (state) => {
      expect(state.status).toBe('ok');
      expect(state.message).toBe('2 × NVIDIA A100-SXM4-40GB (driver 535.129.03), MIG enabled: 3 instances');
      expect(state.hint).toBeNull();
      const [mig, plain] = state.gpus;
      expect(mig).toMatchObject({ index: 0, migMode: 'enabled', utilizationPercent: null, memoryTotalMiB: 40960, memoryUsedMiB: 87 });
      expect(mig?.migDevices).toEqual([
        { name: 'MIG 3g.20gb Device 0', uuid: 'MIG-c6d4f1ef-42e4-5de3-91c7-45d71c87eb3f' },
        { name: 'MIG 2g.10gb Device 1', uuid: 'MIG-cba663e8-9bed-5b25-b243-5985ef7c9beb' },
        { name: 'MIG 1g.5gb Device 2', uuid: 'MIG-1e2a7d94-3f0b-5c6e-8d71-a2b3c4d5e6f7' },
      ]);
      expect(plain).toMatchObject({ index: 1, migMode: 'disabled', utilizationPercent: 0, migDevices: [] });
    },
  },
  {
    scenario: 'MIG enabled with no instance created yet',
    outcome: ok('a100-mig-empty.query.txt', 'a100-mig-empty.list.txt'),
    expect: (state) => {
      expect(state.status).toBe('ok');
      expect(state.message).toBe('1 × NVIDIA A100-SXM4-40GB (driver 535.129.03), MIG enabled: 0 instances');
      expect(state.hint).toMatch(/no MIG instance exists: create one \(sudo nvidia-smi mig -cgi/);
    },
  },
  {
    scenario: 'a laptop GPU reporting [Not Supported] and [N/A]',
    outcome: ok('mx150-not-supported.query.txt', 'mx150-not-supported.list.txt'),
    expect: (state) => {
      expect(state.status).toBe('ok');
      expect(state.message).toBe('1 × NVIDIA GeForce MX150 (driver 470.182.03)');
      expect(state.gpus[0]).toMatchObject({ utilizationPercent: null, migMode: null, memoryTotalMiB: 2048, memoryUsedMiB: 312, computeCapability: '6.1' });
    },
  },
  {
    scenario: 'an older driver answering the query without compute_cap',
    outcome: ok('v100-legacy-driver.query.txt', undefined, NVIDIA_SMI_LEGACY_FIELDS),
    expect: (state) => {
      expect(state.status).toBe('ok');
      expect(state.message).toBe('1 × Tesla V100-SXM2-16GB (driver 450.80.02)');
      expect(state.gpus[0]).toMatchObject({ memoryTotalMiB: 16160, computeCapability: null, migMode: null, driverVersion: '450.80.02' });
    },
  },
  {
    scenario: 'a driver/library version mismatch after an upgrade',
    outcome: failed(18, 'driver-mismatch.query.txt'),
    expect: (state) => {
      expect(state.status).toBe('error');
      expect(state.gpus).toEqual([]);
      expect(state.message).toBe(
        'NVIDIA driver/library version mismatch: the loaded kernel driver does not match the installed NVIDIA library (550.54)',
      );
      expect(state.hint).toMatch(/reboot, or reload the nvidia kernel module, so the driver matches the NVIDIA library/i);
    },
  },
  {
    scenario: 'nvidia-smi installed but no driver loaded',
    outcome: failed(9, 'no-driver.query.txt'),
    expect: (state) => {
      expect(state.status).toBe('error');
      expect(state.message).toBe('nvidia-smi could not communicate with the NVIDIA driver');
      expect(state.hint).toMatch(/Install the NVIDIA driver.*modprobe nvidia/);
    },
  },
  {
    scenario: 'nvidia-smi present but no device',
    outcome: failed(6, 'no-devices.query.txt'),
    expect: (state) => expect(state).toMatchObject({ status: 'none', message: 'No NVIDIA GPU detected (nvidia-smi found no devices)', gpus: [] }),
  },
  {
    scenario: 'a container started without GPU access',
    outcome: failed(255, 'container-unknown-error.query.txt'),
    expect: (state) => {
      expect(state.status).toBe('error');
      expect(state.message).toBe('nvidia-smi could not initialize NVML (Unknown Error)');
      expect(state.hint).toMatch(/--gpus all/);
    },
  },
  {
    scenario: 'an unknown failure',
    outcome: { kind: 'exit', code: 12, stdout: '', stderr: 'NVIDIA-SMI couldn\'t find libnvidia-ml.so library in your system.\n' },
    expect: (state) => {
      expect(state.status).toBe('error');
      expect(state.message).toBe("nvidia-smi failed (exit 12): NVIDIA-SMI couldn't find libnvidia-ml.so library in your system.");
      expect(state.hint).toBe('Run nvidia-smi in a terminal to see the full error');
    },
  },
  {
    scenario: 'a hung driver',
    outcome: { kind: 'failed', detail: 'no answer within 5 s' },
    expect: (state) => {
      expect(state).toMatchObject({ status: 'error', message: 'nvidia-smi failed: no answer within 5 s' });
      expect(state.hint).toMatch(/reboot if it hangs/);
    },
  },
  {
    scenario: 'output that is not the CSV asked for',
    outcome: { kind: 'exit', code: 0, stdout: 'Segmentation fault\n', stderr: '' },
    expect: (state) => expect(state).toMatchObject({ status: 'error', message: 'Could not read the output of nvidia-smi: Segmentation fault' }),
  },
];

describe('parseNvidiaSmi', () => {
  for (const testCase of cases) {
    it(`maps ${testCase.scenario}`, () => testCase.expect(parseNvidiaSmi(testCase.outcome)));
  }
});

describe('rejectedField', () => {
  it('names the field an older driver rejects', () => {
    expect(rejectedField({ kind: 'exit', code: 2, stdout: smi('v100-legacy-driver.rejected.txt'), stderr: '' })).toBe('compute_cap');
  });

  it('is null for a successful run or another failure', () => {
    expect(rejectedField(ok('h100-x1.query.txt'))).toBeNull();
    expect(rejectedField(failed(18, 'driver-mismatch.query.txt'))).toBeNull();
    expect(rejectedField({ kind: 'enoent' })).toBeNull();
  });
});

describe('parseMigList', () => {
  it('assigns MIG devices to their GPU by UUID and index, including the older UUID format', () => {
    const list = [
      'GPU 0: NVIDIA A100-PCIE-40GB (UUID: GPU-e91edf3b-b297-37c1-a2a7-7601c3238fa2)',
      '  MIG 3g.20gb Device 0: (UUID: MIG-GPU-e91edf3b-b297-37c1-a2a7-7601c3238fa2/1/0)',
      'GPU 1: NVIDIA A100-PCIE-40GB (UUID: GPU-11111111-2222-3333-4444-555555555555)',
    ].join('\n');
    const mig = parseMigList(list);
    expect(mig.byIndex.get(0)).toEqual([{ name: 'MIG 3g.20gb Device 0', uuid: 'MIG-GPU-e91edf3b-b297-37c1-a2a7-7601c3238fa2/1/0' }]);
    expect(mig.byUuid.get('GPU-11111111-2222-3333-4444-555555555555')).toEqual([]);
  });
});
