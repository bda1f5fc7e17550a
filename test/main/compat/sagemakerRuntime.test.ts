import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { notFound, unavailable } from '../../../main/api/errors';
import { createSageMakerAdapters, SageMakerError, type InvocationRequest } from '../../../main/compat';
import { signSigV4 } from '../../../main/compat/sigv4';
import { createLogger, LogSink } from '../../../main/log/logger';
import type { WireRequest } from '../../../main/server/wire';

const SECRET = 'runtime-secret-abc';
const NOW = new Date('2024-06-01T10:00:00Z');

function setup() {
  const sink = new LogSink();
  const { runtime } = createSageMakerAdapters({ secret: SECRET, logger: createLogger('test', sink), clock: () => NOW });
  return { runtime, sink };
}

function invoke(path: string, body: Buffer | string, headers: IncomingHttpHeaders = {}, secret = SECRET, service?: string): WireRequest {
  const request = { method: 'POST', url: path, headers: { host: '127.0.0.1:9000', ...headers }, body: Buffer.from(body) };
  return { ...request, headers: signSigV4(request, { secret, now: NOW, service }) };
}

const bodyOf = (response: { body: string | Buffer }) => JSON.parse(response.body.toString()) as Record<string, unknown>;

describe('SageMaker runtime adapter', () => {
  it('matches the invocation paths only', () => {
    const { runtime } = setup();
    expect(runtime.matches('POST', '/endpoints/churn/invocations')).toBe(true);
    expect(runtime.matches('POST', '/endpoints/my%20ep/async-invocations')).toBe(true);
    expect(runtime.matches('POST', '/endpoints/churn/invocations-response-stream')).toBe(true);
    expect(runtime.matches('GET', '/endpoints/churn/invocations')).toBe(false);
    expect(runtime.matches('POST', '/endpoints/a/b/invocations')).toBe(false);
    expect(runtime.matches('POST', '/endpoints//invocations')).toBe(false);
    expect(runtime.maxBodyBytes).toBe(6_291_456);
  });

  it('reports every endpoint as not found until an invoker is set', async () => {
    const { runtime } = setup();
    const response = await runtime.handle(invoke('/endpoints/my%20ep/invocations', '1,2', { 'content-type': 'text/csv' }));
    expect(response.status).toBe(400);
    expect(response.headers['x-amzn-errortype']).toBe('ValidationError');
    expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(bodyOf(response)).toEqual({ message: 'Endpoint my ep of account lathe not found.' });
  });

  it('refuses a bad signature with the error type in X-Amzn-ErrorType', async () => {
    const { runtime } = setup();
    const response = await runtime.handle(invoke('/endpoints/e/invocations', '1,2', {}, 'wrong-secret'));
    expect(response.status).toBe(403);
    expect(response.headers['x-amzn-errortype']).toBe('InvalidSignatureException');
    expect(String(bodyOf(response).message)).toMatch(/does not match the signature you provided/);

    const unsigned = await runtime.handle({ method: 'POST', url: '/endpoints/e/invocations', headers: { host: 'x' }, body: Buffer.alloc(0) });
    expect(unsigned.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
  });

  it('refuses a request signed with the right secret for another service', async () => {
    const { runtime } = setup();
    runtime.setInvoker(async () => ({ body: Buffer.from('[1]') }));
    const response = await runtime.handle(invoke('/endpoints/e/invocations', '1,2', {}, SECRET, 's3'));
    expect(response.status).toBe(403);
    expect(response.headers['x-amzn-errortype']).toBe('InvalidSignatureException');
    expect(bodyOf(response)).toEqual({ message: "Credential should be scoped to correct service: 'sagemaker'." });
  });

  it('hands a synchronous invocation with its members to the invoker and returns the model output', async () => {
    const { runtime } = setup();
    let seen: InvocationRequest | null = null;
    runtime.setInvoker(async (request) => {
      seen = request;
      return { body: Buffer.from('[0.25]'), contentType: 'application/json', invokedProductionVariant: 'AllTraffic', customAttributes: 'trace=1' };
    });
    const response = await runtime.handle(
      invoke('/endpoints/churn/invocations', '1,2', {
        'content-type': 'text/csv',
        accept: 'application/json',
        'x-amzn-sagemaker-custom-attributes': 'c=1',
        'x-amzn-sagemaker-target-variant': 'blue',
        'x-amzn-sagemaker-inference-id': 'inf-1',
      }),
    );
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('[0.25]');
    expect(response.headers).toMatchObject({
      'content-type': 'application/json',
      'x-amzn-invoked-production-variant': 'AllTraffic',
      'x-amzn-sagemaker-custom-attributes': 'trace=1',
    });
    expect(seen).toMatchObject({
      kind: 'sync',
      endpointName: 'churn',
      contentType: 'text/csv',
      accept: 'application/json',
      customAttributes: 'c=1',
      targetVariant: 'blue',
      inferenceId: 'inf-1',
      requestId: response.headers['x-amzn-requestid'],
      context: { transport: 'sagemaker', actor: 'sagemaker-runtime' },
    });
    expect(seen!.body.toString()).toBe('1,2');
    expect(seen).not.toHaveProperty('targetModel');
  });

  it('reads the async members from the X-Amzn-SageMaker-* headers and answers 202', async () => {
    const { runtime } = setup();
    let seen: InvocationRequest | null = null;
    runtime.setInvoker(async (request) => {
      seen = request;
      return { body: JSON.stringify({ InferenceId: 'i-1' }), headers: { 'x-amzn-sagemaker-outputlocation': 's3://out/i-1.out' } };
    });
    const response = await runtime.handle(
      invoke('/endpoints/churn/async-invocations', '', {
        'x-amzn-sagemaker-content-type': 'text/csv',
        'x-amzn-sagemaker-inputlocation': 's3://in/x.csv',
        'x-amzn-sagemaker-requestttlseconds': '600',
      }),
    );
    expect(response.status).toBe(202);
    expect(response.headers['x-amzn-sagemaker-outputlocation']).toBe('s3://out/i-1.out');
    expect(bodyOf(response)).toEqual({ InferenceId: 'i-1' });
    expect(seen).toMatchObject({ kind: 'async', contentType: 'text/csv', inputLocation: 's3://in/x.csv', requestTtlSeconds: 600 });
  });

  it('keeps a malformed endpoint name as sent and joins a repeated member header with commas', async () => {
    const { runtime } = setup();
    let seen: InvocationRequest | null = null;
    runtime.setInvoker(async (request) => {
      seen = request;
      return { body: Buffer.from('[1]') };
    });
    const response = await runtime.handle(invoke('/endpoints/bad%E0name/invocations', '1', { 'x-amzn-sagemaker-custom-attributes': ['a=1', 'b=2'] }));
    expect(response.status).toBe(200);
    expect(seen).toMatchObject({ endpointName: 'bad%E0name', customAttributes: 'a=1,b=2' });
  });

  it('maps invoker errors: ModelError with its members, LatheFaults by code, surprises to InternalFailure', async () => {
    const { runtime, sink } = setup();
    const errors: unknown[] = [
      new SageMakerError('ModelError', 'Received server error (500) from primary with message "bad".', 424, { OriginalStatusCode: 500 }),
      notFound('Endpoint gone of account lathe not found.'),
      unavailable('the model server is restarting'),
      new Error('kaboom'),
    ];
    runtime.setInvoker(async () => {
      throw errors.shift();
    });
    const responses = [];
    for (let i = 0; i < 4; i++) responses.push(await runtime.handle(invoke('/endpoints/e/invocations', 'x')));
    expect(responses.map((r) => [r.status, r.headers['x-amzn-errortype']])).toEqual([
      [424, 'ModelError'],
      [400, 'ValidationError'],
      [503, 'ServiceUnavailable'],
      [500, 'InternalFailure'],
    ]);
    expect(bodyOf(responses[0]!)).toEqual({ message: 'Received server error (500) from primary with message "bad".', OriginalStatusCode: 500 });
    expect(sink.lines.join('\n')).toContain('Error: kaboom');
  });

  it('lets only one invoker be set at a time', async () => {
    const { runtime } = setup();
    const registration = runtime.setInvoker(async () => ({ body: 'a' }));
    expect(() => runtime.setInvoker(async () => ({ body: 'b' }))).toThrow(/already set/);
    registration.dispose();
    expect((await runtime.handle(invoke('/endpoints/e/invocations', 'x'))).status).toBe(400);
  });

  it('answers an oversized payload with 413 ValidationError naming the limit', () => {
    const { runtime } = setup();
    const response = runtime.tooLarge({ method: 'POST', url: '/endpoints/e/invocations', headers: {} });
    expect(response.status).toBe(413);
    expect(response.headers['x-amzn-errortype']).toBe('ValidationError');
    expect(String(bodyOf(response).message)).toContain('6291456 bytes');
  });

  it('says the response-stream operation is not implemented', async () => {
    const { runtime } = setup();
    const response = await runtime.handle(invoke('/endpoints/e/invocations-response-stream', 'x'));
    expect(response.status).toBe(400);
    expect(bodyOf(response).message).toBe('Lathe does not implement InvokeEndpointWithResponseStream yet.');
  });
});
