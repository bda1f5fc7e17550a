import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLathe, type Lathe } from '../../../main/app';
import { toEpochSeconds } from '../../../main/compat';

const PYTHON = '/usr/bin/python3';
const hasBoto3 = spawnSync(PYTHON, ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0;

// Everything boto3 does here goes to LATHE_URL; a guard on socket.connect records (and refuses)
// any attempt to reach another address, so the test proves nothing leaves 127.0.0.1.
const SCRIPT = `
import json, os, socket
from urllib.parse import urlsplit

url = os.environ['LATHE_URL']
port = urlsplit(url).port
foreign = []
real_connect = socket.socket.connect
def guarded_connect(self, address):
    if not (isinstance(address, tuple) and address[0] == '127.0.0.1' and address[1] == port):
        foreign.append(repr(address))
        raise OSError('test guard: only ' + url + ' may be contacted')
    return real_connect(self, address)
socket.socket.connect = guarded_connect

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

config = Config(retries={'max_attempts': 1, 'mode': 'standard'}, connect_timeout=5, read_timeout=30)
def client(service, secret):
    return boto3.session.Session().client(
        service, endpoint_url=url, region_name='us-east-1', config=config,
        aws_access_key_id='lathe', aws_secret_access_key=secret)

def attempt(fn):
    try:
        return {'ok': fn()}
    except ClientError as error:
        return {'code': error.response['Error']['Code'], 'message': error.response['Error'].get('Message'),
                'status': error.response['ResponseMetadata'].get('HTTPStatusCode'),
                'requestId': error.response['ResponseMetadata'].get('RequestId')}

secret = os.environ['LATHE_SECRET']
sm = client('sagemaker', secret)
rt = client('sagemaker-runtime', secret)
def listed():
    response = sm.list_notebook_instances(MaxResults=5)
    items = response['NotebookInstances']
    return {'names': [j['NotebookInstanceName'] for j in items], 'created': [j['CreationTime'].isoformat() for j in items],
            'status': [j['NotebookInstanceStatus'] for j in items], 'requestId': response['ResponseMetadata']['RequestId']}

out = {
    'wrongSecret': attempt(lambda: client('sagemaker', secret + 'x').list_training_jobs()),
    'describe': attempt(lambda: sm.describe_compilation_job(CompilationJobName='x')),
    'listDomains': attempt(lambda: sm.list_domains()),
    'registered': attempt(listed),
    'invokeMissing': attempt(lambda: rt.invoke_endpoint(EndpointName='nope', Body=b'1,2', ContentType='text/csv')),
    'invokeAtLimit': attempt(lambda: rt.invoke_endpoint(EndpointName='nope', Body=b'1' * (6 * 1024 * 1024), ContentType='text/csv')),
    'invokeTooLarge': attempt(lambda: rt.invoke_endpoint(EndpointName='nope', Body=b'1' * (6 * 1024 * 1024 + 1), ContentType='text/csv')),
    'runtimeWrongSecret': attempt(lambda: client('sagemaker-runtime', 'nope').invoke_endpoint(EndpointName='e', Body=b'1')),
    'foreign': foreign,
}
print(json.dumps(out))
`;

interface Attempt {
  ok?: Record<string, unknown>;
  code?: string;
  message?: string;
  status?: number;
  requestId?: string;
}

function runPython(env: Record<string, string>): Promise<Record<string, Attempt> & { foreign: string[] }> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, ['-c', SCRIPT], { env, timeout: 50_000, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`boto3 script failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as Record<string, Attempt> & { foreign: string[] });
    });
  });
}

describe('SageMaker wire through boto3', () => {
  it('has Debian\'s boto3 to drive Lathe with', () => {
    expect(hasBoto3, `${PYTHON} cannot import boto3: install python3-boto3 (scripts/setup.sh test does)`).toBe(true);
  });

  const token = `tok-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  let lathe: Lathe;
  let home = '';
  let results: Record<string, Attempt> & { foreign: string[] };

  beforeAll(async () => {
    lathe = await createLathe({ home: fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-boto3-home-')), serve: true, token, staticDir: null, background: false });
    // A stand-in operation no capability implements yet, registered the way capabilities do.
    lathe.sagemaker.controlPlane.registerOperation('ListNotebookInstances', async (input) => ({
      NotebookInstances: [
        {
          NotebookInstanceName: 'churn-notebook',
          NotebookInstanceArn: 'arn:aws:sagemaker:us-east-1:000000000000:notebook-instance/churn-notebook',
          CreationTime: toEpochSeconds('2024-03-04T05:06:07.250Z'),
          NotebookInstanceStatus: 'InService',
        },
      ].slice(0, Number(input.MaxResults ?? 100)),
    }));
    const url = lathe.url!;
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-boto3-'));
    results = await runPython({
      PATH: '/usr/bin:/bin',
      HOME: home,
      LATHE_URL: url,
      LATHE_SECRET: token,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: path.join(home, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-credentials'),
      NO_PROXY: '127.0.0.1,localhost',
    });
  });

  afterAll(async () => {
    await lathe.dispose();
    fs.rmSync(lathe.home, { recursive: true, force: true });
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('refuses the wrong secret with InvalidSignatureException', () => {
    expect(results.wrongSecret).toMatchObject({ code: 'InvalidSignatureException', status: 403 });
    expect(results.runtimeWrongSecret).toMatchObject({ code: 'InvalidSignatureException', status: 403 });
  });

  it('names the operation Lathe does not implement yet', () => {
    expect(results.describe).toMatchObject({
      code: 'UnknownOperationException',
      status: 400,
      message: 'Lathe does not implement the SageMaker operation DescribeCompilationJob yet',
    });
    expect(results.describe!.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(results.listDomains).toMatchObject({ code: 'UnknownOperationException', message: expect.stringContaining('ListDomains') });
  });

  it('serves a registered operation, timestamps parsed from epoch seconds', () => {
    expect(results.registered!.ok).toMatchObject({
      names: ['churn-notebook'],
      created: ['2024-03-04T05:06:07.250000+00:00'],
      status: ['InService'],
    });
  });

  it('reports a missing endpoint and an oversized payload as ValidationError', () => {
    expect(results.invokeMissing).toMatchObject({ code: 'ValidationError', status: 400, message: 'Endpoint nope of account lathe not found.' });
    expect(results.invokeAtLimit).toMatchObject({ code: 'ValidationError', status: 400, message: 'Endpoint nope of account lathe not found.' });
    expect(results.invokeTooLarge).toMatchObject({ code: 'ValidationError', status: 413 });
    expect(results.invokeTooLarge!.message).toContain('6291456');
  });

  it('never lets boto3 reach anything but the loopback server, and never logs the secret', () => {
    expect(results.foreign).toEqual([]);
    const log = fs.readFileSync(path.join(lathe.home, 'logs', 'lathe.log'), 'utf8');
    expect(log).toContain('SageMaker.DescribeCompilationJob is not implemented');
    expect(log).not.toContain(token);
  });
});
