/**
 * Processing jobs on this machine's Python (ImageUri lathe:process): inputs at their LocalPath,
 * processingjobconfig.json, outputs copied to their S3Uri, failures and stops; and the same job
 * from Debian's boto3 through CreateProcessingJob.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLathe, type Lathe } from '../../../main/app';
import type { ProcessingJobDescription } from '../../../main/contract/training';
import { tmpDir } from '../../helpers/tmp';

const PYTHON = '/usr/bin/python3';
let lathe: Lathe | null = null;

afterEach(async () => {
  await lathe?.dispose();
  lathe = null;
});

async function start(): Promise<Lathe> {
  lathe = await createLathe({ home: tmpDir(), serve: true, staticDir: null, background: false, stopJobsOnDispose: true, stopGraceSeconds: 1, env: { ...process.env, LATHE_PYTHON: PYTHON } });
  return lathe;
}

/** A raw CSV and a split script, as a SageMaker SKLearnProcessor job would have them. */
function prepare(home: string): void {
  const raw = path.join(home, 's3', 'demo', 'raw');
  const code = path.join(home, 's3', 'demo', 'code');
  fs.mkdirSync(raw, { recursive: true });
  fs.mkdirSync(code, { recursive: true });
  fs.writeFileSync(path.join(raw, 'data.csv'), 'label,amount\n' + Array.from({ length: 10 }, (_, i) => `${i % 2},${i * 10}`).join('\n') + '\n');
  fs.writeFileSync(
    path.join(code, 'prep.py'),
    `import argparse, json, os
p = argparse.ArgumentParser(); p.add_argument("--test-rows", type=int); a = p.parse_args()
config = json.load(open("/opt/ml/config/processingjobconfig.json".replace("/opt/ml", os.environ.get("SAGEMAKER_BASE_DIR", "/opt/ml"))))
rows = open(os.path.join(os.environ["INPUT_DIR"], "data.csv")).read().split()[1:]
out = os.environ["OUTPUT_DIR"]
os.makedirs(os.path.join(out, "train"), exist_ok=True); os.makedirs(os.path.join(out, "test"), exist_ok=True)
open(os.path.join(out, "train", "train.csv"), "w").write("\\n".join(rows[a.test_rows:]) + "\\n")
open(os.path.join(out, "test", "test.csv"), "w").write("\\n".join(rows[:a.test_rows]) + "\\n")
print("split", len(rows), "rows for", config["ProcessingJobName"], config["ProcessingJobArn"].split("/")[-1])
`,
  );
}

function request(name: string, overrides: Record<string, unknown> = {}) {
  return {
    ProcessingJobName: name,
    RoleArn: 'arn:aws:iam::000000000000:role/lathe',
    ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 } },
    AppSpecification: { ImageUri: 'lathe:process', ContainerEntrypoint: ['python3', '/opt/ml/processing/input/code/prep.py'], ContainerArguments: ['--test-rows', '3'] },
    ProcessingInputs: [
      { InputName: 'raw', S3Input: { S3Uri: 's3://demo/raw', LocalPath: '/opt/ml/processing/input/data', S3DataType: 'S3Prefix', S3InputMode: 'File' } },
      { InputName: 'code', S3Input: { S3Uri: 's3://demo/code/prep.py', LocalPath: '/opt/ml/processing/input/code', S3DataType: 'S3Prefix', S3InputMode: 'File' } },
    ],
    ProcessingOutputConfig: { Outputs: [{ OutputName: 'splits', S3Output: { S3Uri: 's3://demo/splits', LocalPath: '/opt/ml/processing/output', S3UploadMode: 'EndOfJob' } }] },
    Environment: { INPUT_DIR: '/opt/ml/processing/input/data', OUTPUT_DIR: '/opt/ml/processing/output' },
    ...overrides,
  };
}

async function finished(name: string): Promise<ProcessingJobDescription> {
  for (let i = 0; ; i++) {
    const job = await lathe!.router.invoke('processing.describe', { ProcessingJobName: name });
    if (job.ProcessingJobStatus !== 'InProgress' && job.ProcessingJobStatus !== 'Stopping') return job;
    if (i > 1200) throw new Error(`processing job ${name} did not end: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('processing jobs', () => {
  it('places inputs at their LocalPath, runs the entrypoint, and copies outputs to their S3Uri', async () => {
    const lathe = await start();
    prepare(lathe.home);
    const created = await lathe.router.invoke('processing.create', request('prep-1'));
    expect(created.ProcessingJobArn).toMatch(/:processing-job\/prep-1$/);
    const job = await finished('prep-1');
    expect(job).toMatchObject({ ProcessingJobStatus: 'Completed' });
    expect(job.FailureReason).toBeUndefined();
    const splits = path.join(lathe.home, 's3', 'demo', 'splits');
    expect(fs.readFileSync(path.join(splits, 'test', 'test.csv'), 'utf8').trim().split('\n')).toEqual(['0,0', '1,10', '0,20']);
    expect(fs.readFileSync(path.join(splits, 'train', 'train.csv'), 'utf8').trim().split('\n')).toHaveLength(7);
    expect((await lathe.router.invoke('processing.logs', { ProcessingJobName: 'prep-1' })).lines).toEqual(['split 10 rows for prep-1 prep-1']);
    const listed = await lathe.router.invoke('processing.list', {});
    expect(listed.ProcessingJobSummaries).toMatchObject([{ Kind: 'processing', ProcessingJobName: 'prep-1', ProcessingJobStatus: 'Completed', Algorithm: 'prep.py', Backend: 'process' }]);
    // The job is a run of the Default experiment: its environment as params, inputs → job → outputs as lineage.
    const run = lathe.experiments.runBySource('processing-job', 'prep-1')!;
    const detail = await lathe.router.invoke('runs.get', { runId: run.runId });
    expect(detail).toMatchObject({ info: { status: 'FINISHED', runName: 'prep-1' }, params: { INPUT_DIR: '/opt/ml/processing/input/data' }, tags: { 'lathe.image': 'lathe:process' } });
    expect(detail.lineage.map((e) => `${e.from.id} -${e.relation}-> ${e.to.id}`).sort()).toEqual([
      'prep-1 -produced-> s3://demo/splits',
      's3://demo/code/prep.py -input-> prep-1',
      's3://demo/raw -input-> prep-1',
    ]);
  });

  it('fails with the traceback, stops on request, and refuses bad requests creating nothing', async () => {
    const lathe = await start();
    prepare(lathe.home);
    await lathe.router.invoke('processing.create', request('broken', { AppSpecification: { ImageUri: 'lathe:process', ContainerEntrypoint: ['python3', '-c', 'import json; json.loads("{oops")'] } }));
    const broken = await finished('broken');
    expect(broken.ProcessingJobStatus).toBe('Failed');
    expect(broken.FailureReason).toContain('json.decoder.JSONDecodeError');

    await lathe.router.invoke('processing.create', request('sleepy', { AppSpecification: { ImageUri: 'lathe:process', ContainerEntrypoint: ['python3', '-c', 'import time; print("up", flush=True); time.sleep(60)'] } }));
    for (let i = 0; i < 600 && !(await lathe.router.invoke('processing.logs', { ProcessingJobName: 'sleepy' })).lines.includes('up'); i++) await new Promise((r) => setTimeout(r, 50));
    await lathe.router.invoke('processing.stop', { ProcessingJobName: 'sleepy' });
    expect(await finished('sleepy')).toMatchObject({ ProcessingJobStatus: 'Stopped' });

    const attempts: Array<[Record<string, unknown>, string, RegExp]> = [
      [request('nowhere', { ProcessingInputs: [{ InputName: 'raw', S3Input: { S3Uri: 's3://demo/missing', LocalPath: '/opt/ml/processing/input', S3DataType: 'S3Prefix' } }] }), 'not-found', /Processing input raw: no file or folder at/],
      [request('escape', { ProcessingInputs: [{ InputName: 'raw', S3Input: { S3Uri: 's3://demo/raw', LocalPath: '/etc/passwd', S3DataType: 'S3Prefix' } }] }), 'invalid-argument', /LocalPath must be under \/opt\/ml\/processing\//],
      [request('prep-1!'), 'invalid-argument', /ProcessingJobName/],
      [request('twice-named', { ProcessingOutputConfig: { Outputs: [{ OutputName: 'raw', S3Output: { S3Uri: 's3://demo/o', LocalPath: '/opt/ml/processing/o', S3UploadMode: 'EndOfJob' } }] } }), 'invalid-argument', /raw is used twice/],
      [request('broken'), 'conflict', /already exists/],
    ];
    for (const [payload, code, message] of attempts) {
      const result = await lathe.router.call('processing.create', payload);
      expect(result.ok ? 'created' : `${result.error.code}: ${result.error.message}`).toMatch(new RegExp(`^${code}: .*${message.source}`));
    }
    expect((await lathe.router.invoke('processing.list', {})).ProcessingJobSummaries.map((s) => s.ProcessingJobName).sort()).toEqual(['broken', 'sleepy']);
  });

  it("runs from Debian's boto3: create_processing_job, describe until Completed, list", async () => {
    const lathe = await start();
    prepare(lathe.home);
    const script = `
import boto3, json, os, time
sm = boto3.client("sagemaker", endpoint_url=os.environ["LATHE_URL"], region_name="us-east-1",
                  aws_access_key_id="lathe", aws_secret_access_key=os.environ["LATHE_SECRET"])
sm.create_processing_job(**json.loads(os.environ["REQUEST"]))
while True:
    job = sm.describe_processing_job(ProcessingJobName="prep-boto3")
    if job["ProcessingJobStatus"] not in ("InProgress", "Stopping"):
        break
    time.sleep(0.2)
print(json.dumps({"status": job["ProcessingJobStatus"], "ended": type(job["ProcessingEndTime"]).__name__,
                  "output": job["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3Uri"],
                  "listed": [s["ProcessingJobName"] for s in sm.list_processing_jobs()["ProcessingJobSummaries"]]}))
`;
    const output = await new Promise<string>((resolve, reject) =>
      execFile(
        PYTHON,
        ['-c', script],
        { env: { PATH: '/usr/bin:/bin', HOME: lathe.home, LATHE_URL: lathe.url!, LATHE_SECRET: lathe.token, REQUEST: JSON.stringify(request('prep-boto3')), AWS_EC2_METADATA_DISABLED: 'true' }, timeout: 120_000 },
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
      ),
    );
    expect(JSON.parse(output)).toEqual({ status: 'Completed', ended: 'datetime', output: 's3://demo/splits', listed: ['prep-boto3'] });
    expect(fs.existsSync(path.join(lathe.home, 's3', 'demo', 'splits', 'train', 'train.csv'))).toBe(true);
  });
});
