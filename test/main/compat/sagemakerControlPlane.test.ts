import { describe, expect, it } from 'vitest';
import { LatheFault } from '../../../main/api/errors';
import { createSageMakerAdapters } from '../../../main/compat';
import { SageMakerError, toAwsJson, toEpochSeconds, type SageMakerCallContext } from '../../../main/compat/sagemakerControlPlane';
import { signSigV4 } from '../../../main/compat/sigv4';
import type { ErrorCode } from '../../../main/contract/result';
import { createLogger, LogSink } from '../../../main/log/logger';
import type { WireRequest } from '../../../main/server/wire';

const SECRET = 'control-plane-secret-xyz';
const NOW = new Date('2024-06-01T10:00:00Z');

function setup() {
  const sink = new LogSink();
  const { controlPlane } = createSageMakerAdapters({ secret: SECRET, logger: createLogger('test', sink), clock: () => NOW });
  return { controlPlane, sink };
}

function call(
  operation: string,
  body: string | Buffer = '{}',
  sign: { secret?: string; accessKeyId?: string; now?: Date; service?: string } = {},
): WireRequest {
  const request = {
    method: 'POST',
    url: '/',
    headers: { host: '127.0.0.1:9000', 'x-amz-target': `SageMaker.${operation}`, 'content-type': 'application/x-amz-json-1.1' },
    body: Buffer.from(body),
  };
  const headers = signSigV4(request, { secret: sign.secret ?? SECRET, now: sign.now ?? NOW, accessKeyId: sign.accessKeyId, service: sign.service });
  return { ...request, headers };
}

const bodyOf = (response: { body: string | Buffer }) => JSON.parse(response.body.toString()) as Record<string, unknown>;

describe('SageMaker control plane adapter', () => {
  it('matches only POST / with a SageMaker.* X-Amz-Target', () => {
    const { controlPlane } = setup();
    expect(controlPlane.matches('POST', '/', { 'x-amz-target': 'SageMaker.ListModels' })).toBe(true);
    expect(controlPlane.matches('GET', '/', { 'x-amz-target': 'SageMaker.ListModels' })).toBe(false);
    expect(controlPlane.matches('POST', '/api/call/x', { 'x-amz-target': 'SageMaker.ListModels' })).toBe(false);
    expect(controlPlane.matches('POST', '/', { 'x-amz-target': 'SageMakerMetrics.BatchPutMetrics' })).toBe(false);
    expect(controlPlane.matches('POST', '/', {})).toBe(false);
    expect(controlPlane.auth).toBe('self');
  });

  it('answers an operation Lathe does not implement with UnknownOperationException naming it', async () => {
    const { controlPlane } = setup();
    const response = await controlPlane.handle(call('DescribeTrainingJob', '{"TrainingJobName":"x"}'));
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(bodyOf(response)).toEqual({
      __type: 'UnknownOperationException',
      message: 'Lathe does not implement the SageMaker operation DescribeTrainingJob yet',
    });
  });

  it('refuses a missing, foreign, wrongly signed or expired signature with 403', async () => {
    const { controlPlane, sink } = setup();
    const unsigned = { ...call('ListModels'), headers: { host: '127.0.0.1:9000', 'x-amz-target': 'SageMaker.ListModels' } };
    const cases: [WireRequest, string, RegExp][] = [
      [unsigned, 'MissingAuthenticationTokenException', /Missing Authentication Token/],
      [call('ListModels', '{}', { accessKeyId: 'AKIAEXAMPLE' }), 'UnrecognizedClientException', /security token included in the request is invalid/],
      [call('ListModels', '{}', { secret: 'wrong' }), 'InvalidSignatureException', /does not match the signature you provided/],
      [call('ListModels', '{}', { now: new Date(NOW.getTime() - 20 * 60_000) }), 'InvalidSignatureException', /^Signature expired/],
      [call('ListModels', '{}', { service: 's3' }), 'InvalidSignatureException', /scoped to correct service: 'sagemaker'/],
    ];
    for (const [request, type, message] of cases) {
      const response = await controlPlane.handle(request);
      expect(response.status).toBe(403);
      expect(bodyOf(response).__type).toBe(type);
      expect(String(bodyOf(response).message)).toMatch(message);
    }
    expect(sink.lines.join('\n')).not.toContain(SECRET);
  });

  it('reads a repeated X-Amz-Target as its values joined, so it runs neither operation', async () => {
    const { controlPlane } = setup();
    let ran = false;
    controlPlane.registerOperation('ListModels', async () => {
      ran = true;
      return {};
    });
    const request = call('ListModels');
    const headers = { ...request.headers, 'x-amz-target': ['SageMaker.ListModels', 'SageMaker.DeleteModel'] };
    const response = await controlPlane.handle({ ...request, headers: signSigV4({ ...request, headers }, { secret: SECRET, now: NOW }) });
    expect(bodyOf(response).__type).toBe('UnknownOperationException');
    expect(ran).toBe(false);
  });

  it('checks the signature before it looks at the body', async () => {
    const { controlPlane } = setup();
    const response = await controlPlane.handle(call('ListModels', 'not json', { secret: 'wrong' }));
    expect(bodyOf(response).__type).toBe('InvalidSignatureException');
  });

  it('answers a body that is not a JSON object with SerializationException', async () => {
    const { controlPlane } = setup();
    for (const body of ['{"a":', '[1,2]']) {
      const response = await controlPlane.handle(call('ListModels', body));
      expect(response.status).toBe(400);
      expect(bodyOf(response).__type).toBe('SerializationException');
    }
  });

  it('serves a registered operation with its input and context, dates as epoch seconds', async () => {
    const { controlPlane } = setup();
    let seen: { input: Record<string, unknown>; context: SageMakerCallContext } | null = null;
    controlPlane.registerOperation('ListTrainingJobs', async (input, context) => {
      seen = { input, context };
      return { TrainingJobSummaries: [{ TrainingJobName: 'a', CreationTime: new Date('2024-01-02T03:04:05.678Z') }] };
    });
    const response = await controlPlane.handle(call('ListTrainingJobs', '{"MaxResults":5}'));
    expect(response.status).toBe(200);
    expect(bodyOf(response)).toEqual({ TrainingJobSummaries: [{ TrainingJobName: 'a', CreationTime: 1704164645.678 }] });
    expect(seen!.input).toEqual({ MaxResults: 5 });
    expect(seen!.context).toEqual({
      transport: 'sagemaker',
      actor: 'sagemaker',
      operation: 'ListTrainingJobs',
      requestId: response.headers['x-amzn-requestid'],
      region: 'us-east-1',
    });
    expect(controlPlane.operationNames).toEqual(['ListTrainingJobs']);
  });

  it('refuses a second handler for an operation and forgets a disposed one', async () => {
    const { controlPlane } = setup();
    const registration = controlPlane.registerOperation('ListModels', async () => ({ Models: [] }));
    expect(() => controlPlane.registerOperation('ListModels', async () => ({}))).toThrow(/already registered/);
    registration.dispose();
    expect(bodyOf(await controlPlane.handle(call('ListModels'))).__type).toBe('UnknownOperationException');
  });

  it('answers a SageMakerError with its own type and status', async () => {
    const { controlPlane } = setup();
    controlPlane.registerOperation('CreateModel', async () => {
      throw new SageMakerError('ResourceLimitExceeded', 'too many models', 400);
    });
    const response = await controlPlane.handle(call('CreateModel'));
    expect(response.status).toBe(400);
    expect(bodyOf(response)).toEqual({ __type: 'ResourceLimitExceeded', message: 'too many models' });
  });

  it.each<[ErrorCode, number, string]>([
    ['not-found', 400, 'ValidationException'],
    ['conflict', 400, 'ResourceInUse'],
    ['invalid-argument', 400, 'ValidationException'],
    ['failed-precondition', 400, 'ValidationException'],
    ['unavailable', 503, 'ServiceUnavailable'],
    ['permission-denied', 403, 'AccessDeniedException'],
    ['internal', 500, 'InternalFailure'],
  ])('maps a LatheFault %s to HTTP %i %s', async (code, status, type) => {
    const { controlPlane } = setup();
    controlPlane.registerOperation('DescribeModel', async () => {
      throw new LatheFault(code, 'Could not find model "x".');
    });
    const response = await controlPlane.handle(call('DescribeModel'));
    expect(response.status).toBe(status);
    expect(bodyOf(response)).toEqual({ __type: type, message: 'Could not find model "x".' });
  });

  it('answers an unexpected exception with InternalFailure and logs its stack', async () => {
    const { controlPlane, sink } = setup();
    controlPlane.registerOperation('DeleteModel', async () => {
      throw new TypeError('boom at depth');
    });
    const response = await controlPlane.handle(call('DeleteModel'));
    expect(response.status).toBe(500);
    expect(bodyOf(response).__type).toBe('InternalFailure');
    expect(String(bodyOf(response).message)).not.toContain('boom');
    expect(sink.lines.join('\n')).toContain('TypeError: boom at depth');
  });

  it('answers an oversized body with 413 naming the limit', () => {
    const { controlPlane } = setup();
    const { body: _body, ...head } = call('CreateModel');
    const response = controlPlane.tooLarge(head);
    expect(response.status).toBe(413);
    expect(bodyOf(response).__type).toBe('ValidationException');
    expect(String(bodyOf(response).message)).toContain(String(controlPlane.maxBodyBytes));
  });
});

describe('SageMaker timestamps', () => {
  it.each<[Date | string, number]>([
    [new Date('2024-01-01T00:00:00Z'), 1704067200],
    ['2024-01-01T00:00:00.500Z', 1704067200.5],
    ['2024-01-01 00:00:00Z', 1704067200],
  ])('converts %j to epoch seconds', (value, expected) => {
    expect(toEpochSeconds(value)).toBe(expected);
  });

  it('passes absent values through and refuses garbage', () => {
    expect(toEpochSeconds(undefined)).toBeUndefined();
    expect(toEpochSeconds(null)).toBeUndefined();
    expect(() => toEpochSeconds('yesterday')).toThrow(/not a timestamp/);
  });

  it('writes nested Date values as epoch seconds and leaves other values alone', () => {
    expect(toAwsJson({ a: { b: [new Date(1500)] }, c: '2024-01-01T00:00:00Z', d: 3 })).toBe('{"a":{"b":[1.5]},"c":"2024-01-01T00:00:00Z","d":3}');
    expect(toAwsJson(undefined)).toBe('{}');
  });
});
