/**
 * `lathe deploy` and `lathe invoke`: an endpoint from a registry version (or a model.tar.gz), and
 * one request to it, against the running Lathe (endpoint workers live as long as the Lathe that
 * runs them, so a one-off in-process Lathe would take them down when the command ends).
 */
import fs from 'node:fs';
import type { EndpointDescription, InvokeResult } from '../contract/endpoints';
import type { Result } from '../contract/result';
import { stringFlag, UsageError, type ParsedArgs } from './args';
import type { Caller } from './train';

export const DEPLOY_USAGE = `lathe deploy <endpoint name> (--model-package ARN | --model-data URL [--image xgboost] | --image IMAGE [--model-data URL]) [--workers N] [--no-follow]
  Creates a model, an endpoint config (one variant, AllTraffic) and the endpoint, then waits until
  it is InService (exit 0) or Failed (exit 1, with the reason). --image names the built-in server
  (xgboost, sklearn) or a local Docker image, run with \`serve\` as SageMaker runs inference images.

lathe invoke <endpoint name> (--body TEXT | --file PATH) [--content-type text/csv] [--accept text/csv] [--variant NAME]
  Sends one request and prints the answer; the variant and latencies go to stderr.`;

const SOP_06 = /^[a-z0-9]+(-[a-z0-9]+)*-(dev|test|staging|prod)-v\d+$/;

function unwrap<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

export async function deploy(args: ParsedArgs, call: Caller, err: (text: string) => void): Promise<number> {
  const name = args.positionals[1];
  if (!name) throw new UsageError('lathe deploy needs the endpoint name');
  const modelPackage = stringFlag(args, 'model-package');
  const modelData = stringFlag(args, 'model-data');
  const image = stringFlag(args, 'image');
  if (modelPackage !== undefined ? modelData !== undefined || image !== undefined : modelData === undefined && image === undefined) {
    throw new UsageError('give --model-package ARN, or --model-data URL and/or --image IMAGE');
  }
  const workers = Number(stringFlag(args, 'workers') ?? '1');
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new UsageError('--workers must be a whole number from 1 to 64');
  if (!SOP_06.test(name)) err(`note: ${name} does not follow the naming convention {usecase}-{env}-{version}, e.g. fraud-prod-v3 (SOP-06)\n`);
  const stamp = Date.now().toString(36);
  const model = `${name.slice(0, 40)}-model-${stamp}`;
  const config = `${name.slice(0, 40)}-config-${stamp}`;
  const container = modelPackage ? { ModelPackageName: modelPackage } : { Image: image ?? 'xgboost', ...(modelData ? { ModelDataUrl: modelData } : {}) };
  unwrap(await call('endpoints.createModel', { ModelName: model, PrimaryContainer: container }));
  unwrap(await call('endpoints.createConfig', { EndpointConfigName: config, ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: model, InitialInstanceCount: workers }] }));
  unwrap(await call('endpoints.create', { EndpointName: name, EndpointConfigName: config }));
  err(`${name}: Creating (${workers} worker${workers === 1 ? '' : 's'})\n`);
  if (args.flags.has('no-follow')) return 0;
  for (;;) {
    const endpoint = unwrap<EndpointDescription>(await call('endpoints.describe', { EndpointName: name }));
    if (endpoint.EndpointStatus === 'InService') {
      err(`${name}: InService. Try: lathe invoke ${name} --body '…'\n`);
      return 0;
    }
    if (endpoint.EndpointStatus === 'Failed') {
      err(`${name}: Failed: ${endpoint.FailureReason ?? 'no reason given'}\n`);
      return 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function invoke(args: ParsedArgs, call: Caller, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  const name = args.positionals[1];
  if (!name) throw new UsageError('lathe invoke needs the endpoint name');
  const text = stringFlag(args, 'body');
  const file = stringFlag(args, 'file');
  if ((text === undefined) === (file === undefined)) throw new UsageError('give --body TEXT or --file PATH (one of them)');
  const body = file !== undefined ? fs.readFileSync(file) : Buffer.from(text!, 'utf8');
  const variant = stringFlag(args, 'variant');
  const accept = stringFlag(args, 'accept');
  const result = await call('endpoints.invoke', {
    EndpointName: name,
    Body: body.toString('base64'),
    BodyEncoding: 'base64',
    ContentType: stringFlag(args, 'content-type') ?? 'text/csv',
    ...(accept ? { Accept: accept } : {}),
    ...(variant ? { TargetVariant: variant } : {}),
  });
  if (!result.ok) {
    const details = result.error.details as { ErrorType?: string; OriginalStatusCode?: number } | undefined;
    err(`${details?.ErrorType ?? result.error.code}${details?.OriginalStatusCode ? ` (model answered ${details.OriginalStatusCode})` : ''}: ${result.error.message}\n`);
    return 1;
  }
  const answer = result.value as InvokeResult;
  out(answer.BodyEncoding === 'base64' ? Buffer.from(answer.Body, 'base64').toString('latin1') : answer.Body);
  if (!answer.Body.endsWith('\n')) out('\n');
  err(`variant ${answer.InvokedProductionVariant} · ${answer.ContentType} · model ${answer.ModelLatencyMs.toFixed(1)} ms · overhead ${answer.OverheadLatencyMs.toFixed(1)} ms\n`);
  return 0;
}
