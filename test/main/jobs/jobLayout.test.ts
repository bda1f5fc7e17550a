import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LatheFault } from '../../../main/api/errors';
import { channelDir, jobPaths, validateChannelNames, writeJobFolder, type JobFolderSpec } from '../../../main/jobs/jobLayout';
import type { LinkFn } from '../../../main/jobs/materialize';
import { tmpDir } from '../../helpers/tmp';

function write(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Every file under `dir`, as sorted relative paths. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

async function fault(promise: Promise<unknown>): Promise<LatheFault> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (error instanceof LatheFault) return error;
  throw new Error(`expected a LatheFault, got ${String(error)}`);
}

const exdev: LinkFn = async () => {
  throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
};

describe('jobPaths', () => {
  it('names every path of the /opt/ml layout under the job folder', () => {
    expect(jobPaths('/opt/ml')).toEqual({
      root: '/opt/ml',
      input: '/opt/ml/input',
      inputConfig: '/opt/ml/input/config',
      hyperParameters: '/opt/ml/input/config/hyperparameters.json',
      inputDataConfig: '/opt/ml/input/config/inputdataconfig.json',
      resourceConfig: '/opt/ml/input/config/resourceconfig.json',
      inputData: '/opt/ml/input/data',
      model: '/opt/ml/model',
      output: '/opt/ml/output',
      outputData: '/opt/ml/output/data',
      outputIntermediate: '/opt/ml/output/intermediate',
      failure: '/opt/ml/output/failure',
      checkpoints: '/opt/ml/checkpoints',
      code: '/opt/ml/code',
    });
    expect(channelDir('/jobs/j1', 'train')).toBe('/jobs/j1/input/data/train');
  });
});

describe('validateChannelNames', () => {
  it.each([['train'], ['Train.v2-final_1'], ['a'.repeat(64)]])('accepts %s', (name) => {
    expect(() => validateChannelNames([name])).not.toThrow();
  });

  it.each([
    [[''], 'Channel name "" is not valid'],
    [['a'.repeat(65)], 'is not valid: use 1 to 64 letters'],
    [['has space'], 'Channel name "has space" is not valid'],
    [['a/b'], 'Channel name "a/b" is not valid'],
    [['..'], 'Channel name ".." is not valid'],
    [['.'], 'Channel name "." is not valid'],
    [['train', 'train'], 'Channel "train" is given twice; channel names must be unique.'],
    [['train', 'TRAIN'], 'Channels "train" and "TRAIN" differ only in case; they would share SM_CHANNEL_TRAIN. Rename one.'],
  ])('rejects %j', (names, message) => {
    let caught: unknown;
    try {
      validateChannelNames(names);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LatheFault);
    expect((caught as LatheFault).code).toBe('invalid-argument');
    expect((caught as LatheFault).message).toContain(message);
  });
});

describe('writeJobFolder', () => {
  it('creates the layout and writes the three config files exactly', async () => {
    const data = tmpDir();
    const train = write(path.join(data, 'train.csv'), '1,2\n');
    const root = path.join(tmpDir(), 'job');
    const spec: JobFolderSpec = {
      hyperParameters: { 'num_round': '10', 'learning-rate': '0.1', 'sagemaker_program': '"train.py"' },
      channels: [
        { name: 'train', source: train, contentType: 'text/csv' },
        { name: 'validation', source: train, inputMode: 'FastFile' },
      ],
      instanceType: 'ml.m5.xlarge',
    };
    const result = await writeJobFolder(root, spec);

    for (const dir of ['input/config', 'input/data', 'model', 'output', 'output/data', 'output/intermediate', 'checkpoints', 'code']) {
      expect(fs.statSync(path.join(root, dir)).isDirectory(), dir).toBe(true);
    }
    expect(fs.existsSync(path.join(root, 'output', 'failure'))).toBe(false);
    expect(readJson(path.join(root, 'input/config/hyperparameters.json'))).toEqual({
      'num_round': '10',
      'learning-rate': '0.1',
      'sagemaker_program': '"train.py"',
    });
    const dataConfig = readJson(path.join(root, 'input/config/inputdataconfig.json'));
    expect(dataConfig).toEqual({
      train: { ContentType: 'text/csv', TrainingInputMode: 'File', S3DistributionType: 'FullyReplicated', RecordWrapperType: 'None' },
      validation: { TrainingInputMode: 'FastFile', S3DistributionType: 'FullyReplicated', RecordWrapperType: 'None' },
    });
    expect(Object.keys((dataConfig as Record<string, object>).train ?? {})).toEqual([
      'ContentType',
      'TrainingInputMode',
      'S3DistributionType',
      'RecordWrapperType',
    ]);
    const resources = {
      current_host: 'algo-1',
      hosts: ['algo-1'],
      network_interface_name: 'eth0',
      current_instance_type: 'ml.m5.xlarge',
      current_group_name: 'homogeneousCluster',
      instance_groups: [{ instance_group_name: 'homogeneousCluster', instance_type: 'ml.m5.xlarge', hosts: ['algo-1'] }],
    };
    expect(readJson(path.join(root, 'input/config/resourceconfig.json'))).toEqual(resources);
    expect(result.resourceConfig).toEqual(resources);
    expect(result.inputDataConfig).toEqual(dataConfig);
    expect(result.paths).toEqual(jobPaths(root));
  });

  it('says "local" as the instance type when none is given, and writes no ContentType when none is given', async () => {
    const root = tmpDir();
    const source = write(path.join(tmpDir(), 'x.csv'), 'x');
    await writeJobFolder(root, { hyperParameters: {}, channels: [{ name: 'train', source }] });
    expect(readJson(path.join(root, 'input/config/resourceconfig.json'))).toMatchObject({
      current_instance_type: 'local',
      instance_groups: [{ instance_type: 'local' }],
    });
    expect(readJson(path.join(root, 'input/config/inputdataconfig.json'))).toEqual({
      train: { TrainingInputMode: 'File', S3DistributionType: 'FullyReplicated', RecordWrapperType: 'None' },
    });
    expect(readJson(path.join(root, 'input/config/hyperparameters.json'))).toEqual({});
  });

  it('puts a file source under input/data/<name>/<its name>, hard-linked', async () => {
    const source = write(path.join(tmpDir(), 'train.csv'), 'a,b\n1,2\n');
    const root = tmpDir();
    const result = await writeJobFolder(root, { hyperParameters: {}, channels: [{ name: 'train', source }] });
    const placed = path.join(root, 'input/data/train/train.csv');
    expect(fs.readFileSync(placed, 'utf8')).toBe('a,b\n1,2\n');
    expect(fs.statSync(placed).ino).toBe(fs.statSync(source).ino);
    expect(result.channels).toEqual([{ name: 'train', dir: path.join(root, 'input/data/train'), linked: 1, copied: 0 }]);
  });

  it("puts a folder source's files under input/data/<name>/, keeping their relative paths", async () => {
    const source = tmpDir();
    write(path.join(source, 'part-0.csv'), '0');
    write(path.join(source, 'nested/deeper/part-1.csv'), '1');
    fs.mkdirSync(path.join(source, 'empty'));
    const root = tmpDir();
    const result = await writeJobFolder(root, { hyperParameters: {}, channels: [{ name: 'images', source }] });
    const dir = path.join(root, 'input/data/images');
    expect(filesUnder(dir)).toEqual(['nested/deeper/part-1.csv', 'part-0.csv']);
    expect(fs.readFileSync(path.join(dir, 'nested/deeper/part-1.csv'), 'utf8')).toBe('1');
    expect(fs.statSync(path.join(dir, 'empty')).isDirectory()).toBe(true);
    expect(fs.statSync(path.join(dir, 'part-0.csv')).ino).toBe(fs.statSync(path.join(source, 'part-0.csv')).ino);
    expect(result.channels[0]).toMatchObject({ linked: 2, copied: 0 });
  });

  it('follows symbolic links in a folder source and skips a link back to an enclosing folder', async () => {
    const elsewhere = write(path.join(tmpDir(), 'real.csv'), 'real');
    const source = tmpDir();
    fs.symlinkSync(elsewhere, path.join(source, 'linked.csv'));
    fs.mkdirSync(path.join(source, 'sub'));
    fs.symlinkSync(source, path.join(source, 'sub', 'loop'));
    const root = tmpDir();
    await writeJobFolder(root, { hyperParameters: {}, channels: [{ name: 'train', source }] });
    const placed = path.join(root, 'input/data/train/linked.csv');
    expect(fs.lstatSync(placed).isSymbolicLink()).toBe(false);
    expect(fs.statSync(placed).ino).toBe(fs.statSync(elsewhere).ino);
    expect(filesUnder(path.join(root, 'input/data/train'))).toEqual(['linked.csv']);
  });

  it('copies when a hard link cannot be made (EXDEV)', async () => {
    const source = tmpDir();
    write(path.join(source, 'a.csv'), 'a');
    write(path.join(source, 'b/c.csv'), 'c');
    const root = tmpDir();
    const result = await writeJobFolder(root, { hyperParameters: {}, channels: [{ name: 'train', source }] }, { link: exdev });
    const placed = path.join(root, 'input/data/train/b/c.csv');
    expect(fs.readFileSync(placed, 'utf8')).toBe('c');
    expect(fs.statSync(placed).ino).not.toBe(fs.statSync(path.join(source, 'b/c.csv')).ino);
    expect(result.channels[0]).toMatchObject({ linked: 0, copied: 2 });
  });

  it('copies when linking is not permitted (EPERM) but lets other link errors through', async () => {
    const source = write(path.join(tmpDir(), 'a.csv'), 'a');
    const eperm: LinkFn = async () => {
      throw Object.assign(new Error('EPERM'), { code: 'EPERM' });
    };
    const result = await writeJobFolder(tmpDir(), { hyperParameters: {}, channels: [{ name: 'train', source }] }, { link: eperm });
    expect(result.channels[0]).toMatchObject({ linked: 0, copied: 1 });

    const eio: LinkFn = async () => {
      throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
    };
    await expect(writeJobFolder(tmpDir(), { hyperParameters: {}, channels: [{ name: 'train', source }] }, { link: eio })).rejects.toThrow(
      'EIO: i/o error',
    );
  });

  it('answers not-found naming the channel and the path when a source is missing, before writing anything', async () => {
    const root = path.join(tmpDir(), 'job');
    const missing = path.join(tmpDir(), 'nope.csv');
    const error = await fault(
      writeJobFolder(root, { hyperParameters: {}, channels: [{ name: 'validation', source: missing }] }),
    );
    expect(error.code).toBe('not-found');
    expect(error.message).toBe(`Channel "validation": its data source ${missing} does not exist.`);
    expect(fs.existsSync(root)).toBe(false);
  });

  it('rejects a duplicate channel before writing anything', async () => {
    const source = write(path.join(tmpDir(), 'a.csv'), 'a');
    const root = path.join(tmpDir(), 'job');
    const channels = [
      { name: 'train', source },
      { name: 'train', source },
    ];
    const error = await fault(writeJobFolder(root, { hyperParameters: {}, channels }));
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toBe('Channel "train" is given twice; channel names must be unique.');
    expect(fs.existsSync(root)).toBe(false);
  });

  it('rejects a hyperparameter value that is not a string', async () => {
    const hyperParameters = { epochs: 10 } as unknown as Record<string, string>;
    const error = await fault(writeJobFolder(tmpDir(), { hyperParameters, channels: [] }));
    expect(error.message).toBe('HyperParameters.epochs is 10; hyperparameter values must be strings.');
  });

  it('starts a channel afresh when the folder is written again', async () => {
    const source = tmpDir();
    write(path.join(source, 'new.csv'), 'n');
    const root = tmpDir();
    write(path.join(root, 'input/data/train/stale.csv'), 's');
    await writeJobFolder(root, { hyperParameters: {}, channels: [{ name: 'train', source }] });
    expect(filesUnder(path.join(root, 'input/data/train'))).toEqual(['new.csv']);
  });

  it('restores checkpoints from an earlier run by copy', async () => {
    const earlier = tmpDir();
    write(path.join(earlier, 'xgboost-checkpoint.10'), 'ten');
    write(path.join(earlier, 'epoch/state.json'), '{}');
    const root = tmpDir();
    const result = await writeJobFolder(root, { hyperParameters: {}, channels: [], checkpointSource: earlier });
    const restored = path.join(root, 'checkpoints/xgboost-checkpoint.10');
    expect(filesUnder(path.join(root, 'checkpoints'))).toEqual(['epoch/state.json', 'xgboost-checkpoint.10']);
    expect(fs.readFileSync(restored, 'utf8')).toBe('ten');
    expect(fs.statSync(restored).ino).not.toBe(fs.statSync(path.join(earlier, 'xgboost-checkpoint.10')).ino);
    expect(result.checkpointsRestored).toBe(2);
  });

  it('leaves checkpoints/ empty when the checkpoint source does not exist or is not given', async () => {
    const root = tmpDir();
    const gone = path.join(tmpDir(), 'never-written');
    const result = await writeJobFolder(root, { hyperParameters: {}, channels: [], checkpointSource: gone });
    expect(fs.readdirSync(path.join(root, 'checkpoints'))).toEqual([]);
    expect(result.checkpointsRestored).toBe(0);
    const again = await writeJobFolder(tmpDir(), { hyperParameters: {}, channels: [], checkpointSource: null });
    expect(again.checkpointsRestored).toBe(0);
  });

  it('does not copy the checkpoints folder onto itself when resuming in place', async () => {
    const root = tmpDir();
    write(path.join(root, 'checkpoints/ckpt'), 'kept');
    const result = await writeJobFolder(root, { hyperParameters: {}, channels: [], checkpointSource: path.join(root, 'checkpoints') });
    expect(fs.readFileSync(path.join(root, 'checkpoints/ckpt'), 'utf8')).toBe('kept');
    expect(result.checkpointsRestored).toBe(0);
  });

  it('refuses a channel whose source is the folder it would fill', async () => {
    const root = tmpDir();
    const source = write(path.join(root, 'input/data/train/a.csv'), 'a');
    const error = await fault(writeJobFolder(root, { hyperParameters: {}, channels: [{ name: 'train', source }] }));
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toContain('is inside the job folder it would fill');
    expect(fs.readFileSync(source, 'utf8')).toBe('a');
  });
});
