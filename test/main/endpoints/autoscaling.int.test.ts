/**
 * The seed POC's step 6 against Lathe: Debian's boto3 application-autoscaling client registers
 * fraud-detection-prod's AllTraffic variant (1 to 10 workers) with the seed's target-tracking
 * policy, unchanged. Then, with a short metric window and cooldowns, a load test scales the
 * variant out to its maximum and, once the load stops, back to its minimum.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLathe, type Lathe } from '../../../main/app';
import { until } from '../../helpers/until';
const PYTHON = '/usr/bin/python3';
const RESOURCE = 'endpoint/fraud-detection-prod/variant/AllTraffic';
const KEY = { ServiceNamespace: 'sagemaker', ResourceId: RESOURCE, ScalableDimension: 'sagemaker:variant:DesiredInstanceCount' };
let lathe: Lathe;

function python(script: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(PYTHON, ['-c', script], { env: { PATH: '/usr/bin:/bin', HOME: lathe.home, AWS_EC2_METADATA_DISABLED: 'true', NO_PROXY: '127.0.0.1', ...env }, timeout: 120_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

beforeAll(async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-test-autoscaling-'));
  // A small fraud-like xgboost model, packed as a built-in training job would.
  execFileSync(PYTHON, [
    '-c',
    `import os, sys, tarfile, numpy as np, xgboost as xgb
folder = os.path.join(sys.argv[1], "s3", "models")
os.makedirs(folder)
x = np.random.RandomState(0).rand(500, 4); y = (x[:, 2] > 0.8).astype(int)
b = xgb.train({"objective": "binary:logistic", "max_depth": 3}, xgb.DMatrix(x, label=y), 20)
b.save_model(os.path.join(folder, "xgboost-model"))
with tarfile.open(os.path.join(folder, "model.tar.gz"), "w:gz") as t: t.add(os.path.join(folder, "xgboost-model"), arcname="xgboost-model")`,
    home,
  ]);
  lathe = await createLathe({ home, serve: true, staticDir: null, background: false, autoscalingWindowSeconds: 2, env: { ...process.env, LATHE_PYTHON: PYTHON } });
  await lathe.router.invoke('endpoints.createModel', { ModelName: 'fraud-model', PrimaryContainer: { Image: 'xgboost', ModelDataUrl: 's3://models/model.tar.gz' } });
  await lathe.router.invoke('endpoints.createConfig', { EndpointConfigName: 'fraud-config', ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'fraud-model', InitialInstanceCount: 1 }] });
  await lathe.router.invoke('endpoints.create', { EndpointName: 'fraud-detection-prod', EndpointConfigName: 'fraud-config' });
  await until(() => lathe.endpoints.describeEndpoint('fraud-detection-prod').EndpointStatus, (s) => s !== 'Creating', 'the endpoint');
}, 120_000);

afterAll(async () => {
  await lathe?.dispose();
  if (lathe) fs.rmSync(lathe.home, { recursive: true, force: true });
});

describe("the seed POC's step 6", () => {
  it("runs unchanged with Debian's boto3 application-autoscaling client", { timeout: 60_000 }, async () => {
    const script = `
import boto3, json, os
as_client = boto3.client("application-autoscaling", endpoint_url=os.environ["LATHE_URL"], region_name="us-east-1",
                         aws_access_key_id="lathe", aws_secret_access_key=os.environ["LATHE_SECRET"])
as_client.register_scalable_target( ServiceNamespace="sagemaker",
ResourceId="endpoint/fraud-detection-prod/variant/AllTraffic",
ScalableDimension="sagemaker:variant:DesiredInstanceCount", MinCapacity=1, MaxCapacity=10, )
as_client.put_scaling_policy( PolicyName="FraudDetectionAutoScale", ServiceNamespace="sagemaker",
ResourceId="endpoint/fraud-detection-prod/variant/AllTraffic",
ScalableDimension="sagemaker:variant:DesiredInstanceCount", PolicyType="TargetTrackingScaling",
TargetTrackingScalingPolicyConfiguration={ "TargetValue": 500.0, "PredefinedMetricSpecification": {
"PredefinedMetricType": "SageMakerVariantInvocationsPerInstance" }, "ScaleInCooldown": 300,
"ScaleOutCooldown": 60, } )
print(json.dumps({
  "targets": [[t["ResourceId"], t["MinCapacity"], t["MaxCapacity"], type(t["CreationTime"]).__name__] for t in as_client.describe_scalable_targets(ServiceNamespace="sagemaker")["ScalableTargets"]],
  "policies": [[p["PolicyName"], p["PolicyType"], p["TargetTrackingScalingPolicyConfiguration"]["TargetValue"]] for p in as_client.describe_scaling_policies(ServiceNamespace="sagemaker")["ScalingPolicies"]],
}))
try:
    as_client.delete_scaling_policy(PolicyName="NoSuchPolicy", ServiceNamespace="sagemaker", ResourceId="endpoint/fraud-detection-prod/variant/AllTraffic", ScalableDimension="sagemaker:variant:DesiredInstanceCount")
except as_client.exceptions.ObjectNotFoundException as e:
    print(json.dumps({"missing": e.response["Error"]["Code"]}))
try:
    as_client.register_scalable_target(ServiceNamespace="sagemaker", ResourceId="endpoint/nope/variant/AllTraffic", ScalableDimension="sagemaker:variant:DesiredInstanceCount", MinCapacity=1, MaxCapacity=2)
except as_client.exceptions.ValidationException as e:
    print(json.dumps({"invalid": e.response["Error"]["Message"]}))
`;
    const lines = (await python(script, { LATHE_URL: lathe.url!, LATHE_SECRET: lathe.token })).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ targets: [[RESOURCE, 1, 10, 'datetime']], policies: [['FraudDetectionAutoScale', 'TargetTrackingScaling', 500]] });
    expect(lines[1]).toEqual({ missing: 'ObjectNotFoundException' });
    expect(lines[2]).toEqual({ invalid: 'endpoint nope has no variant AllTraffic (ResourceId endpoint/nope/variant/AllTraffic); create the endpoint first' });
    // At the seed's 500 invocations per worker per minute, an idle endpoint stays at its minimum.
    expect(lathe.endpoints.describeEndpoint('fraud-detection-prod').ProductionVariants?.[0]).toMatchObject({ DesiredInstanceCount: 1 });
  });

  it('scales out towards the maximum under load and back to the minimum after it, with short cooldowns', { timeout: 180_000 }, async () => {
    await lathe.router.invoke('autoscaling.registerTarget', { ...KEY, MinCapacity: 1, MaxCapacity: 3 });
    await lathe.router.invoke('autoscaling.putPolicy', {
      ...KEY,
      PolicyName: 'FraudDetectionAutoScale',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 600, PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' }, ScaleOutCooldown: 1, ScaleInCooldown: 2 },
    });
    const counts = () => lathe.endpoints.describeEndpoint('fraud-detection-prod').ProductionVariants![0]!;
    let stop = false;
    let failures = 0;
    const load = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (!stop) {
          const result = await lathe.router.call('endpoints.invoke', { EndpointName: 'fraud-detection-prod', Body: '0.1,0.2,0.9,0.4', ContentType: 'text/csv' });
          if (!result.ok) failures++;
        }
      }),
    );
    const peak = await until(counts, (v) => v.DesiredInstanceCount === 3 && v.CurrentInstanceCount === 3, 'scale-out to 3 workers');
    stop = true;
    await load;
    expect(peak).toMatchObject({ DesiredInstanceCount: 3, CurrentInstanceCount: 3 });
    expect(failures).toBe(0);
    await until(counts, (v) => v.DesiredInstanceCount === 1 && v.CurrentInstanceCount === 1, 'scale-in to 1 worker');
    const activities = () => lathe.router.invoke('autoscaling.describeActivities', { ServiceNamespace: 'sagemaker', ResourceId: RESOURCE });
    const { ScalingActivities } = await until(activities, (r) => r.ScalingActivities[0]?.StatusCode !== 'InProgress', 'the scale-in to finish');
    const descriptions = ScalingActivities.map((a) => [a.Description, a.StatusCode]);
    expect(descriptions).toContainEqual(['Setting desired instance count to 3.', 'Successful']);
    expect(descriptions[0]).toEqual(['Setting desired instance count to 1.', 'Successful']);

    // Deregistering the target removes its policies, and the variant stays as it is.
    await lathe.router.invoke('autoscaling.deregisterTarget', KEY);
    expect((await lathe.router.invoke('autoscaling.describePolicies', { ServiceNamespace: 'sagemaker' })).ScalingPolicies).toEqual([]);
    expect(await lathe.router.call('autoscaling.deregisterTarget', KEY)).toMatchObject({ ok: false, error: { code: 'not-found', details: { ErrorType: 'ObjectNotFoundException' } } });
  });

  it('scales an idle variant to zero, and the next request waits for its cold start, which is measured', { timeout: 120_000 }, async () => {
    await lathe.router.invoke('autoscaling.registerTarget', { ...KEY, MinCapacity: 0, MaxCapacity: 1 });
    await lathe.router.invoke('autoscaling.putPolicy', {
      ...KEY,
      PolicyName: 'ScaleToZero',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 600, PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' }, ScaleOutCooldown: 1, ScaleInCooldown: 1 },
    });
    const counts = () => lathe.endpoints.describeEndpoint('fraud-detection-prod').ProductionVariants![0]!;
    await until(counts, (v) => v.DesiredInstanceCount === 0 && v.CurrentInstanceCount === 0, 'scale-in to zero');
    const answer = await lathe.router.call('endpoints.invoke', { EndpointName: 'fraud-detection-prod', Body: '0.1,0.2,0.9,0.4', ContentType: 'text/csv' });
    expect(answer.ok).toBe(true);
    expect(counts()).toMatchObject({ CurrentInstanceCount: 1 });
    const [variant] = (await lathe.router.invoke('endpoints.metrics', { EndpointName: 'fraud-detection-prod', WindowSeconds: 600 })).Variants;
    expect(variant!.ColdStarts).toHaveLength(1);
    expect(variant!.ColdStarts[0]!.Milliseconds).toBeGreaterThan(0);
  });
});
