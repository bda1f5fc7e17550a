import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveModelServer, type ResolveDeps } from '../../../main/endpoints/modelServer';
import { tmpDir } from '../../helpers/tmp';

/** An object store with one model and one script-mode estimator's staged code. */
function store(): ResolveDeps & { root: string } {
  const root = tmpDir();
  fs.mkdirSync(path.join(root, 'lathe-demo', 'job-1', 'output'), { recursive: true });
  fs.writeFileSync(path.join(root, 'lathe-demo', 'job-1', 'output', 'model.tar.gz'), '');
  fs.mkdirSync(path.join(root, 'lathe-demo', 'job-1', 'source'), { recursive: true });
  fs.writeFileSync(path.join(root, 'lathe-demo', 'job-1', 'source', 'train.py'), '');
  return { root, objectStore: root, describeVersion: () => { throw new Error('no registry in this test'); } };
}

const MODEL = 's3://lathe-demo/job-1/output/model.tar.gz';

describe('serving a script-mode model', () => {
  it("hands the built-in server the estimator's code as a folder on this machine", () => {
    const deps = store();
    const server = resolveModelServer([{ Image: 'xgboost', ModelDataUrl: MODEL, Environment: { SAGEMAKER_PROGRAM: 'train.py', SAGEMAKER_SUBMIT_DIRECTORY: 's3://lathe-demo/job-1/source' } }], deps);
    expect(server).toMatchObject({
      Kind: 'builtin',
      ModelDataPath: path.join(deps.root, 'lathe-demo', 'job-1', 'output', 'model.tar.gz'),
      Environment: { SAGEMAKER_PROGRAM: 'train.py', SAGEMAKER_SUBMIT_DIRECTORY: path.join(deps.root, 'lathe-demo', 'job-1', 'source') },
    });
  });

  it("leaves the model's own code/ and a local folder as they are", () => {
    const deps = store();
    const own = { SAGEMAKER_PROGRAM: 'inference.py', SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/model/code' };
    expect(resolveModelServer([{ Image: 'xgboost', ModelDataUrl: MODEL, Environment: own }], deps).Environment).toEqual(own);
    const folder = path.join(deps.root, 'lathe-demo', 'job-1', 'source');
    expect(resolveModelServer([{ Image: 'xgboost', ModelDataUrl: MODEL, Environment: { SAGEMAKER_SUBMIT_DIRECTORY: folder } }], deps).Environment).toEqual({ SAGEMAKER_SUBMIT_DIRECTORY: folder });
  });

  it('refuses code that is not on this machine, naming the variable and the fix', () => {
    const deps = store();
    const create = (submit: string) => () => resolveModelServer([{ Image: 'xgboost', ModelDataUrl: MODEL, Environment: { SAGEMAKER_SUBMIT_DIRECTORY: submit } }], deps);
    expect(create('s3://lathe-demo/job-2/source')).toThrow(
      `Environment.SAGEMAKER_SUBMIT_DIRECTORY "s3://lathe-demo/job-2/source" names ${path.join(deps.root, 'lathe-demo', 'job-2', 'source')}, which is not on this machine; give the s3:// URI the estimator's code was uploaded to, or a local folder`,
    );
    expect(create('s3://lathe-demo/../etc')).toThrow('contains a ".." segment');
    expect(create('relative/source')).toThrow('which is not on this machine');
  });

  it("mounts a Docker image's script-mode code read-only where SageMaker's containers look for it", () => {
    const deps = store();
    const source = path.join(deps.root, 'lathe-demo', 'job-1', 'source');
    const folder = resolveModelServer([{ Image: 'my-server:1', Environment: { SAGEMAKER_PROGRAM: 'train.py', SAGEMAKER_SUBMIT_DIRECTORY: 's3://lathe-demo/job-1/source' } }], deps);
    expect(folder).toEqual({ Kind: 'container', Image: 'my-server:1', CodePath: source, Environment: { SAGEMAKER_PROGRAM: 'train.py', SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/code' } });
    fs.writeFileSync(path.join(deps.root, 'lathe-demo', 'job-1', 'sourcedir.tar.gz'), '');
    const archive = resolveModelServer([{ Image: 'my-server:1', Environment: { SAGEMAKER_SUBMIT_DIRECTORY: 's3://lathe-demo/job-1/sourcedir.tar.gz' } }], deps);
    expect(archive).toMatchObject({ CodePath: path.join(deps.root, 'lathe-demo', 'job-1', 'sourcedir.tar.gz'), Environment: { SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/code/sourcedir.tar.gz' } });
    // A plain path names a folder inside the image: it is the image's business.
    const own = resolveModelServer([{ Image: 'my-server:1', Environment: { SAGEMAKER_SUBMIT_DIRECTORY: '/opt/program' } }], deps);
    expect(own).toEqual({ Kind: 'container', Image: 'my-server:1', Environment: { SAGEMAKER_SUBMIT_DIRECTORY: '/opt/program' } });
  });
});
