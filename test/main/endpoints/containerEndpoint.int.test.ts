/**
 * Endpoints served by a Docker image, as SageMaker serves inference images: the image run with
 * `serve` on the host network at the port in SAGEMAKER_BIND_TO_PORT, the model unpacked read-only at
 * /opt/ml/model, ready once /ping answers. The image is test/fixtures/serve-image (a plain Python
 * HTTP server with xgboost, nothing of Lathe's) built on lathe-python:local from scripts/docker.sh.
 * Docker missing is a failure with the reason, not a skip.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLathe, type Lathe } from '../../../main/app';
import type { InvokeResult } from '../../../main/contract/endpoints';
import type { Result } from '../../../main/contract/result';
import { HOME_LABEL } from '../../../main/endpoints/containerWorker';
import { pythonResourcesDir } from '../../../main/system/resources';
import { seedModelPath, seedTrainingJob, uploadSeedFraud } from '../../helpers/seedFraud';
import { BASE_IMAGE, buildServeImage, SERVE_IMAGE } from '../../helpers/serveImage';
import { deploy as deployEndpoint } from '../../helpers/endpoints';
import { until } from '../../helpers/until';

const PYTHON = '/usr/bin/python3';
const BASE = BASE_IMAGE;
const IMAGE = SERVE_IMAGE;
const ctx = { transport: 'internal' as const, actor: 'ana' };
const docker = new Docker({ socketPath: '/var/run/docker.sock' });

let lathe: Lathe;
let modelUri: string;

const deploy = (name: string, container: Record<string, unknown>, workers = 1, startupSeconds?: number) => deployEndpoint(lathe, name, container, workers, startupSeconds);

const invoke = async (name: string, body: string) =>
  (await lathe.router.call('endpoints.invoke', { EndpointName: name, Body: body, ContentType: 'text/csv', Accept: 'text/csv' }, ctx)) as Result<InvokeResult>;

/** A CreateTransformJob of s3://lathe-demo/container-batch/<file>, line by line. */
const transformRequest = (name: string, model: string, file: string) => ({
  TransformJobName: name,
  ModelName: model,
  BatchStrategy: 'MultiRecord' as const,
  TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix' as const, S3Uri: `s3://lathe-demo/container-batch/${file}` } }, ContentType: 'text/csv', SplitType: 'Line' as const },
  TransformOutput: { S3OutputPath: `s3://lathe-demo/container-batch-out/${name}`, Accept: 'text/csv', AssembleWith: 'Line' as const },
  TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
});

/** The worker containers Lathe runs for this test's home. */
const workerContainers = async () => docker.listContainers({ all: true, filters: { label: [`${HOME_LABEL}=${lathe.home}`] } });

beforeAll(async () => {
  await buildServeImage(docker);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-test-container-endpoints-'));
  uploadSeedFraud(home);
  lathe = await createLathe({ home, serve: true, staticDir: null, background: false, stopJobsOnDispose: true, stopGraceSeconds: 1, env: { ...process.env, LATHE_PYTHON: PYTHON } });
  await lathe.router.invoke('training.create', seedTrainingJob('fraud-xgb'));
  await until(() => lathe.training.describe('fraud-xgb').TrainingJobStatus, (s) => s !== 'InProgress', 'the fraud job');
  modelUri = 's3://lathe-demo/fraud/output/fraud-xgb/output/model.tar.gz';
}, 240_000);

afterAll(async () => {
  await lathe?.dispose();
  if (lathe) fs.rmSync(lathe.home, { recursive: true, force: true });
});

describe('an endpoint served by a Docker image', () => {
  it('answers what xgboost itself predicts, from the model at /opt/ml/model, with the container output in the logs', { timeout: 180_000 }, async () => {
    const endpoint = await deploy('fraud-container', { Image: IMAGE, ModelDataUrl: modelUri }, 2);
    expect(endpoint).toMatchObject({ EndpointStatus: 'InService', ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 2, DesiredInstanceCount: 2, DeployedImages: [{ SpecifiedImage: IMAGE }] }] });
    expect(await lathe.router.invoke('endpoints.describeModel', { ModelName: 'fraud-container-model' })).toMatchObject({ LatheServer: { Kind: 'container', Image: IMAGE } });

    const answer = await invoke('fraud-container', '200.0,14,0.85,5');
    expect(answer).toMatchObject({ ok: true, value: { InvokedProductionVariant: 'AllTraffic' } });
    const direct = await new Promise<string>((resolve, reject) =>
      execFile(
        PYTHON,
        ['-c', 'import tarfile, tempfile, os, sys, xgboost as xgb\nfolder = tempfile.mkdtemp()\nwith tarfile.open(sys.argv[1]) as tar: tar.extractall(folder)\nb = xgb.Booster(); b.load_model(os.path.join(folder, "xgboost-model"))\nprint(repr(float(b.predict(xgb.DMatrix([[200.0, 14, 0.85, 5]]))[0])))', seedModelPath(lathe.home, 'fraud-xgb')],
        { env: { PATH: '/usr/bin:/bin', PYTHONPATH: pythonResourcesDir() } },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      ),
    );
    expect(Number(answer.ok ? answer.value.Body.trim() : NaN)).toBe(Number(direct.trim()));

    // Two containers, each on the host network, labelled for this Lathe home.
    const running = await workerContainers();
    expect(running.map((c) => ({ image: c.Image, state: c.State, network: c.HostConfig.NetworkMode }))).toEqual([
      { image: IMAGE, state: 'running', network: 'host' },
      { image: IMAGE, state: 'running', network: 'host' },
    ]);

    // The container's own output is in its worker log, as endpoints.logs (and the pane) shows it.
    const logs = await lathe.router.invoke('endpoints.logs', { EndpointName: 'fraud-container' });
    expect(logs.Workers).toHaveLength(2);
    const text = logs.Workers.flatMap((w) => w.Lines).join('\n');
    expect(text).toMatch(/started with `serve`, SAGEMAKER_BIND_TO_PORT=\d+, the model at \/opt\/ml\/model/);
    expect(text).toContain('fixture-server: loaded /opt/ml/model/xgboost-model (4 features)');
    expect(text).toContain('fixture-server: scored 1 rows');
  });

  it("gives a script-mode model's code to the container read-only, at SAGEMAKER_SUBMIT_DIRECTORY", { timeout: 180_000 }, async () => {
    const source = path.join(lathe.home, 's3', 'lathe-demo', 'script-job', 'source');
    fs.mkdirSync(source, { recursive: true });
    fs.writeFileSync(path.join(source, 'train.py'), 'print("training")\n');
    fs.writeFileSync(path.join(source, 'helpers.py'), '');
    const environment = { SAGEMAKER_PROGRAM: 'train.py', SAGEMAKER_SUBMIT_DIRECTORY: 's3://lathe-demo/script-job/source' };
    const endpoint = await deploy('fraud-container-script', { Image: IMAGE, ModelDataUrl: modelUri, Environment: environment });
    expect(endpoint.EndpointStatus).toBe('InService');
    expect(await lathe.router.invoke('endpoints.describeModel', { ModelName: 'fraud-container-script-model' })).toMatchObject({
      PrimaryContainer: { Environment: environment },
      LatheServer: { Kind: 'container', CodePath: source },
    });
    const text = (await lathe.router.invoke('endpoints.logs', { EndpointName: 'fraud-container-script' })).Workers.flatMap((w) => w.Lines).join('\n');
    expect(text).toContain('the model at /opt/ml/model, its code at /opt/ml/code');
    expect(text).toContain('fixture-server: code at /opt/ml/code: helpers.py, train.py');
    const [container] = await workerContainers().then((all) => all.filter((c) => c.Labels['lathe.endpoint'] === 'fraud-container-script'));
    expect(container!.Mounts).toContainEqual(expect.objectContaining({ Source: source, Destination: '/opt/ml/code', RW: false }));
    await lathe.router.invoke('endpoints.delete', { EndpointName: 'fraud-container-script' });
    await until(async () => (await workerContainers()).filter((c) => c.Labels['lathe.endpoint'] === 'fraud-container-script'), (left) => left.length === 0, 'its container to go');
  });

  it('runs a batch transform against a container of the image, which stops when the job ends', { timeout: 180_000 }, async () => {
    const input = path.join(lathe.home, 's3', 'lathe-demo', 'container-batch');
    fs.mkdirSync(input, { recursive: true });
    const rows = ['200.0,14,0.85,5', '12.5,3,0.10,1', '900.0,23,0.99,9'];
    fs.writeFileSync(path.join(input, 'a.csv'), rows.join('\n') + '\n');
    fs.writeFileSync(path.join(input, 'bad.csv'), 'not-a-number,1,2,3\n');
    await lathe.router.invoke('endpoints.createModel', { ModelName: 'container-batch-model', PrimaryContainer: { Image: IMAGE, ModelDataUrl: modelUri } });
    const transform = (name: string, file: string) => lathe.router.invoke('transform.create', transformRequest(name, 'container-batch-model', file));
    const ended = (name: string) => until(() => lathe.router.invoke('transform.describe', { TransformJobName: name }), (d) => d.TransformJobStatus !== 'InProgress', `transform ${name}`);
    const transformContainers = async () => (await workerContainers()).filter((c) => c.Labels['lathe.endpoint']?.startsWith('tj-'));

    await transform('container-batch', 'a.csv');
    expect(await ended('container-batch')).toMatchObject({ TransformJobStatus: 'Completed', LatheProgress: { RecordsDone: 3, RecordsTotal: 3 } });
    const answers = fs.readFileSync(path.join(lathe.home, 's3', 'lathe-demo', 'container-batch-out', 'container-batch', 'a.csv.out'), 'utf8').trim().split('\n').map(Number);
    // What the same image answers as an endpoint, row by row.
    await deploy('fraud-container-rows', { Image: IMAGE, ModelDataUrl: modelUri });
    const online: number[] = [];
    for (const row of rows) {
      const answer = await invoke('fraud-container-rows', row);
      online.push(answer.ok ? Number(answer.value.Body.trim()) : NaN);
    }
    expect(answers).toEqual(online);
    // One request of three records (MultiRecord), to a container told it serves a batch.
    const log = fs.readFileSync(path.join(lathe.home, 'transforms', 'container-batch', 'model-server.log'), 'utf8');
    expect(log).toContain('fixture-server: SAGEMAKER_BATCH=True SAGEMAKER_BATCH_STRATEGY=MULTI_RECORD');
    expect(log).toContain('fixture-server: scored 3 rows');
    await until(transformContainers, (left) => left.length === 0, 'the transform container to stop');

    // The image's 500 fails the job, naming the file and line, with the image's own words.
    await transform('container-batch-bad', 'bad.csv');
    const failed = await ended('container-batch-bad');
    expect(failed.TransformJobStatus).toBe('Failed');
    expect(failed.FailureReason).toContain('bad.csv line 1: the model server answered 500: fixture-server could not score the rows');
    await until(transformContainers, (left) => left.length === 0, 'the failed transform container to stop');
    await lathe.router.invoke('endpoints.delete', { EndpointName: 'fraud-container-rows' });
    await until(async () => (await workerContainers()).filter((c) => c.Labels['lathe.endpoint'] === 'fraud-container-rows'), (left) => left.length === 0, 'the rows endpoint container to go');
  });

  it("passes the container's error on as a ModelError, and replaces a container that dies", { timeout: 180_000 }, async () => {
    const bad = await invoke('fraud-container', 'two hundred,14,0.85,5');
    expect(bad).toMatchObject({ ok: false, error: { details: { ErrorType: 'ModelError', OriginalStatusCode: 500, OriginalMessage: expect.stringContaining('fixture-server could not score the rows') } } });
    expect((await invoke('fraud-container', '200.0,14,0.85,5')).ok).toBe(true);

    const [victim] = (await workerContainers()).filter((c) => c.State === 'running');
    await docker.getContainer(victim!.Id).kill({ signal: 'SIGKILL' });
    await until(
      async () => (await workerContainers()).filter((c) => c.State === 'running').map((c) => c.Id),
      (ids) => ids.length === 2 && !ids.includes(victim!.Id),
      'a replacement container',
    );
    await until(() => lathe.router.invoke('endpoints.describe', { EndpointName: 'fraud-container' }), (e) => e.ProductionVariants?.[0]?.CurrentInstanceCount === 2, 'two ready workers again');
    expect((await invoke('fraud-container', '200.0,14,0.85,5')).ok).toBe(true);
  });

  it('removes its containers when the endpoint is deleted', { timeout: 120_000 }, async () => {
    await lathe.router.invoke('endpoints.delete', { EndpointName: 'fraud-container' });
    await until(() => workerContainers(), (found) => found.length === 0, 'the containers to go');
  });

  it('fails with the reason when the image is missing or does not serve', { timeout: 180_000 }, async () => {
    const missing = await deploy('no-image', { Image: 'lathe-no-such-image:local', ModelDataUrl: modelUri });
    expect(missing.EndpointStatus).toBe('Failed');
    expect(missing.FailureReason).toContain('Docker image lathe-no-such-image:local is not on this machine; build it (docker build -t lathe-no-such-image:local .)');
    // A batch transform with it is refused at once, saying why, and leaves no job behind.
    await lathe.router.invoke('endpoints.createModel', { ModelName: 'missing-batch-model', PrimaryContainer: { Image: 'lathe-no-such-image:local', ModelDataUrl: modelUri } });
    const refused = await lathe.router.call('transform.create', transformRequest('missing-batch', 'missing-batch-model', 'a.csv'), ctx);
    expect(refused).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringContaining('transform job missing-batch: the model server lathe-no-such-image:local did not start: ') } });
    expect(await lathe.router.call('transform.describe', { TransformJobName: 'missing-batch' }, ctx)).toMatchObject({ ok: false, error: { code: 'not-found' } });

    // lathe-python:local has no `serve`: the container exits at once and the reason says so.
    const mute = await deploy('no-serve', { Image: BASE }, 1, 60);
    expect(mute.EndpointStatus).toBe('Failed');
    expect(mute.FailureReason).toMatch(/exited \(code 127\) before it answered \/ping/);
    expect(mute.FailureReason).toContain('serve');
    expect(await workerContainers()).toEqual([]);

    const invalid = await lathe.router.call('endpoints.createModel', { ModelName: 'bad-image', PrimaryContainer: { Image: 'Not An Image!' } }, ctx);
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: expect.stringContaining('is not a Docker image reference') } });
  });
});
