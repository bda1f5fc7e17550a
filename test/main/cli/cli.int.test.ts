import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveLathe, type ServedLathe } from '../../helpers/serve';
import { tmpDir } from '../../helpers/tmp';

const run = promisify(execFile);
const LATHE = path.resolve('bin', 'lathe.js');

async function lathe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [LATHE, ...args], { env: { ...process.env, LATHE_URL: '', LATHE_TOKEN: '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('lathe CLI', () => {
  let served: ServedLathe;
  let servedHome: string;

  beforeAll(async () => {
    servedHome = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-cli-'));
    served = await serveLathe(servedHome);
  });
  afterAll(async () => {
    await served?.stop();
    // `lathe serve` removes its server file when it stops.
    expect(fs.existsSync(path.join(servedHome, 'server.json'))).toBe(false);
    fs.rmSync(servedHome, { recursive: true, force: true });
  });

  it('calls a channel in-process with --home and prints JSON', async () => {
    const home = tmpDir();
    const result = await lathe(['call', 'app.info', '--home', home]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ name: 'Lathe', home, storePath: path.join(home, 'lathe.db') });
  });

  it('finds the running server through LATHE_HOME and changes its settings', async () => {
    const update = await lathe(['call', 'settings.update', '{"patch":{"theme":"dark"}}'], { LATHE_HOME: servedHome });
    expect(update.code).toBe(0);
    expect(JSON.parse(update.stdout)).toMatchObject({ theme: 'dark' });
    const read = await lathe(['call', 'settings.get'], { LATHE_URL: served.url, LATHE_TOKEN: served.token });
    expect(JSON.parse(read.stdout)).toMatchObject({ theme: 'dark' });
    const events = await lathe(['call', 'events.list', '{"limit":5}'], { LATHE_HOME: servedHome });
    expect(JSON.parse(events.stdout)[0]).toMatchObject({ action: 'settings.update', actor: 'cli' });
    const info = fs.statSync(path.join(servedHome, 'server.json'));
    expect(info.mode & 0o077).toBe(0);
  });

  it('drives the model registry with `lathe call registry.*`: register, gate, review, card, export', async () => {
    const model = path.join(servedHome, 'cli-model.tar.gz');
    fs.writeFileSync(model, 'model');
    const call = (channel: string, payload: unknown) => lathe(['call', channel, JSON.stringify(payload)], { LATHE_HOME: servedHome });
    expect((await call('registry.createGroup', { ModelPackageGroupName: 'CliModels' })).code).toBe(0);
    const created = await call('registry.createVersion', { ModelPackageGroupName: 'CliModels', InferenceSpecification: { Containers: [{ Image: 'xgboost', ModelDataUrl: `file://${model}` }] } });
    const arn = (JSON.parse(created.stdout) as { ModelPackageArn: string }).ModelPackageArn;
    expect((await call('registry.setGates', { ModelPackageGroupName: 'CliModels', MetricRules: [], RequiredReports: ['model-card'] })).code).toBe(0);
    const refused = await call('registry.updateVersion', { ModelPackageArn: arn, ModelApprovalStatus: 'Approved' });
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('failed-precondition: ') });
    expect(refused.stderr).toContain('required model-card report');
    const card = JSON.parse((await call('registry.getCard', { ModelPackageArn: arn })).stdout) as { Content: Record<string, string> };
    const content = { ...card.Content, IntendedUse: 'Demo', TrainingData: 'cli', Metrics: 'none', Limitations: 'Demo only', EthicalConsiderations: 'None' };
    expect(JSON.parse((await call('registry.saveCard', { ModelPackageArn: arn, Content: content })).stdout)).toMatchObject({ Complete: true, LastModifiedBy: 'cli' });
    expect((await call('registry.updateVersion', { ModelPackageArn: arn, ModelApprovalStatus: 'Approved', ApprovalDescription: 'card written' })).code).toBe(0);
    const exported = JSON.parse((await call('registry.exportCard', { ModelPackageArn: arn, Format: 'markdown' })).stdout) as { Text: string };
    expect(exported.Text).toContain('## Limitations\n\nDemo only');
    const audit = JSON.parse((await call('registry.audit', { ModelPackageArn: arn })).stdout) as { entries: Array<{ Actor: string; Outcome: string }> };
    expect(audit.entries.map((e) => [e.Actor, e.Outcome])).toEqual([
      ['cli', 'refused'],
      ['cli', 'applied'],
    ]);
  });

  it('deploys a model.tar.gz with `lathe deploy` and answers `lathe invoke`, errors included', { timeout: 120_000 }, async () => {
    const model = path.join(servedHome, 'cli-endpoint-model.tar.gz');
    await run('/usr/bin/python3', [
      '-c',
      `import sys, tarfile, tempfile, os, numpy as np, xgboost as xgb
x = np.random.RandomState(1).rand(200, 4); y = (x[:, 0] > 0.5).astype(int)
b = xgb.train({"objective": "binary:logistic"}, xgb.DMatrix(x, label=y), 5)
d = tempfile.mkdtemp(); b.save_model(os.path.join(d, "xgboost-model"))
with tarfile.open(sys.argv[1], "w:gz") as t: t.add(os.path.join(d, "xgboost-model"), arcname="xgboost-model")`,
      model,
    ]);
    const env = { LATHE_HOME: servedHome };
    const deployed = await lathe(['deploy', 'cli-scoring', '--model-data', `file://${model}`, '--workers', '1'], env);
    expect(deployed).toMatchObject({ code: 0, stderr: expect.stringContaining('cli-scoring: InService') });
    expect(deployed.stderr).toContain('does not follow the naming convention {usecase}-{env}-{version}');
    const answer = await lathe(['invoke', 'cli-scoring', '--body', '0.9,0.2,0.3,0.4'], env);
    expect(answer.code).toBe(0);
    expect(Number(answer.stdout.trim())).toBeGreaterThan(0.5);
    expect(answer.stderr).toMatch(/^variant AllTraffic · text\/csv.* · model [\d.]+ ms · overhead [\d.]+ ms/);
    const wrong = await lathe(['invoke', 'cli-scoring', '--body', '0.9,0.2'], env);
    expect(wrong).toMatchObject({ code: 1, stderr: expect.stringContaining('ModelError (model answered 400): ') });
    expect((await lathe(['invoke', 'cli-scoring'], env)).code).toBe(2);
    expect((await lathe(['call', 'endpoints.delete', '{"EndpointName":"cli-scoring"}'], env)).code).toBe(0);
  });

  it('reports a malformed payload with the field, a bad token, and usage errors', async () => {
    const bad = await lathe(['call', 'settings.update', '{"patch":{"theme":"purple"}}'], { LATHE_HOME: servedHome });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^invalid-argument: settings\.update: patch\.theme/);
    const wrong = await lathe(['call', 'app.info'], { LATHE_URL: served.url, LATHE_TOKEN: 'wrong' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('refused the token');
    const usage = await lathe(['call']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('lathe call needs a channel');
    const notJson = await lathe(['call', 'app.info', '{nope', '--home', tmpDir()]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('the payload must be JSON');
  });

  it('says how to start Lathe when no server is running', async () => {
    const result = await lathe(['call', 'app.info'], { LATHE_HOME: tmpDir() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no running Lathe found');
  });

  it('prints this machine with `lathe system`', async () => {
    const result = await lathe(['system', '--home', tmpDir()], { LATHE_PYTHON: '/usr/bin/python3' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${os.cpus().length} logical`);
    expect(result.stdout).toMatch(/Python\s+\/usr\/bin\/python3/);
    expect(result.stdout).toMatch(/GPU\s+/);
    expect(result.stdout).toMatch(/Docker\s+/);
  });

  it('trains the seed XGBoost with `lathe train`, streaming the log and ending with the metrics and the model', async () => {
    const home = tmpDir();
    const data = tmpDir();
    const { stdout: written } = await run('/usr/bin/python3', ['-c', `import json, sys; sys.path.insert(0, "resources/python")
from lathe.datasets import write_seed_fraud_csv
print(json.dumps(write_seed_fraud_csv(${JSON.stringify(data)})))`]);
    const paths = JSON.parse(written) as { train: string; test: string };
    const hps = ['num_round=20', 'max_depth=5', 'eta=0.2', 'objective=binary:logistic', 'eval_metric=auc', 'subsample=0.8'].flatMap((hp) => ['--hp', hp]);
    const result = await lathe(['train', '--home', home, '--algorithm', 'xgboost', '--train', paths.train, '--validation', paths.test, ...hps, '--name', 'cli-xgb'], { LATHE_PYTHON: '/usr/bin/python3' });
    expect(result.stderr).toContain('cli-xgb: Completed');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\[19\]\ttrain-auc:[0-9.]+\tvalidation-auc:[0-9.]+/);
    expect(result.stderr).toMatch(/validation:auc=0\.\d+/);
    expect(result.stderr).toContain(path.join(home, 's3', 'lathe', 'output', 'cli-xgb', 'output', 'model.tar.gz'));

    const bad = await lathe(['train', '--home', home, '--algorithm', 'xgboost', '--train', paths.train, '--hp', 'num_round=5', '--hp', 'eta=2'], { LATHE_PYTHON: '/usr/bin/python3' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('invalid-argument: HyperParameters: hyperparameter eta must be at most 1, got 2');
    expect((await lathe(['train', '--home', home, '--hp', 'x=1'])).stderr).toContain('give --algorithm NAME (a built-in) or --script FILE');
    const help = await lathe(['train', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('lathe train --algorithm xgboost --train PATH');
  });

  it('runs a script with `lathe train --script` and exits 1 with the traceback when it crashes', async () => {
    const home = tmpDir();
    const src = tmpDir();
    fs.writeFileSync(path.join(src, 'train.py'), 'import sys\nprint("epochs", sys.argv[1:])\nraise RuntimeError("no GPU memory left")\n');
    const result = await lathe(['train', '--home', home, '--script', path.join(src, 'train.py'), '--hp', 'epochs=3', '--name', 'crashy'], { LATHE_PYTHON: '/usr/bin/python3' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("epochs ['--epochs', '3']");
    expect(result.stderr).toContain('crashy: Failed');
    expect(result.stderr).toContain('RuntimeError: no GPU memory left');
  });
});
