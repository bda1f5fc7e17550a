import { spawnSync } from 'node:child_process';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  canonicalHeaders,
  canonicalQueryString,
  canonicalUri,
  headerValue,
  parseAmzDate,
  parseAuthorization,
  removeDotSegments,
  signSigV4,
  verifySigV4,
  type SignableRequest,
} from '../../../main/compat/sigv4';

const PYTHON = '/usr/bin/python3';
const SECRET = 'lathe-test-secret-0123456789';
const HOST = '127.0.0.1:8080';

// Signs requests with Debian's botocore (SigV4Auth + AWSRequest), independently of our code.
// A fixed timestamp may be given per case so the signature can be compared byte for byte.
const BOTOCORE_SIGNER = `
import base64, datetime, json, sys, types
import botocore.auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
out = []
for case in json.load(sys.stdin):
    if case.get('amzDate'):
        fixed = datetime.datetime.strptime(case['amzDate'], '%Y%m%dT%H%M%SZ')
        class Fixed(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return fixed
        botocore.auth.datetime = types.SimpleNamespace(datetime=Fixed)
    else:
        botocore.auth.datetime = datetime
    request = AWSRequest(method=case['method'], url=case['url'], data=base64.b64decode(case['body']), headers=case['headers'])
    SigV4Auth(Credentials(case['accessKey'], case['secret']), 'sagemaker', 'us-east-1').add_auth(request)
    out.append(dict(request.headers.items()))
print(json.dumps(out))
`;

const hasBotocore = spawnSync(PYTHON, ['-c', 'import botocore.auth'], { stdio: 'ignore' }).status === 0;

interface Case {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  accessKey?: string;
  secret?: string;
  amzDate?: string;
}

/** Signs with botocore and returns the request as the loopback server would hand it to us. */
function botocoreSign(cases: Case[]): SignableRequest[] {
  const input = cases.map((c) => ({
    method: c.method,
    url: `http://${HOST}${c.path}`,
    headers: c.headers,
    body: c.body.toString('base64'),
    accessKey: c.accessKey ?? 'lathe',
    secret: c.secret ?? SECRET,
    amzDate: c.amzDate,
  }));
  const run = spawnSync(PYTHON, ['-c', BOTOCORE_SIGNER], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', AWS_EC2_METADATA_DISABLED: 'true' },
  });
  if (run.status !== 0) throw new Error(`botocore signer failed: ${run.stderr}`);
  const signed = JSON.parse(run.stdout) as Record<string, string>[];
  return signed.map((headers, i) => {
    const lower: IncomingHttpHeaders = { host: HOST };
    for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
    return { method: cases[i]!.method, url: cases[i]!.path, headers: lower, body: cases[i]!.body };
  });
}

const json11: Case = {
  method: 'POST',
  path: '/',
  headers: { 'X-Amz-Target': 'SageMaker.ListTrainingJobs', 'Content-Type': 'application/x-amz-json-1.1' },
  body: Buffer.from('{"MaxResults": 10}'),
};
const binary = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) % 256));
const runtime: Case = {
  method: 'POST',
  path: '/endpoints/my%20ep/invocations',
  headers: { 'Content-Type': 'application/octet-stream', Accept: 'application/json', 'X-Amzn-SageMaker-Custom-Attributes': 'a=1,  b=2' },
  body: binary,
};
const query: Case = {
  method: 'GET',
  path: '/models/list?b=2&a=z&a=%2Fslash&c=x%20y~&empty=',
  headers: {},
  body: Buffer.alloc(0),
};

const signedAt = (request: SignableRequest) => parseAmzDate(String(request.headers['x-amz-date']))!;
const verify = (request: SignableRequest, now = signedAt(request), secret = SECRET) => verifySigV4(request, { secret, now });

describe('SigV4 verification against botocore-signed requests', () => {
  if (!hasBotocore) throw new Error(`${PYTHON} cannot import botocore: install python3-boto3 (scripts/setup.sh test does)`);
  const [signedJson, signedRuntime, signedQuery] = botocoreSign([json11, runtime, query]);

  it('accepts a JSON 1.1 control-plane request, a runtime request with a binary body and a GET with a query', () => {
    for (const request of [signedJson!, signedRuntime!, signedQuery!]) {
      expect(verify(request)).toEqual({
        ok: true,
        accessKeyId: 'lathe',
        region: 'us-east-1',
        service: 'sagemaker',
        amzDate: request.headers['x-amz-date'],
      });
    }
  });

  it('rejects a changed body', () => {
    const tampered = Buffer.from(signedRuntime!.body);
    tampered[10] = tampered[10]! ^ 1;
    const verdict = verify({ ...signedRuntime!, body: tampered });
    expect(verdict).toMatchObject({ ok: false, type: 'InvalidSignatureException' });
    expect(verify({ ...signedJson!, body: Buffer.from('{"MaxResults": 11}') })).toMatchObject({
      ok: false,
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    });
  });

  it('rejects a changed signed header, path or query but ignores an unsigned one', () => {
    const target = { ...signedJson!, headers: { ...signedJson!.headers, 'x-amz-target': 'SageMaker.DeleteModel' } };
    expect(verify(target)).toMatchObject({ ok: false, type: 'InvalidSignatureException' });
    expect(verify({ ...signedRuntime!, url: '/endpoints/other/invocations' })).toMatchObject({ ok: false });
    expect(verify({ ...signedQuery!, url: '/models/list?b=3&a=z&a=%2Fslash&c=x%20y~&empty=' })).toMatchObject({ ok: false });
    expect(verify({ ...signedJson!, headers: { ...signedJson!.headers, 'user-agent': 'curl/8' } })).toMatchObject({ ok: true });
  });

  it('rejects the wrong secret and a foreign access key id', () => {
    expect(verify(signedJson!, undefined, 'not-the-secret')).toMatchObject({ ok: false, type: 'InvalidSignatureException' });
    const [foreign] = botocoreSign([{ ...json11, accessKey: 'AKIAIOSFODNN7EXAMPLE' }]);
    expect(verify(foreign!)).toEqual({
      ok: false,
      type: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });

  it('rejects a changed X-Amz-Date and a signature older or newer than 15 minutes', () => {
    const at = signedAt(signedJson!);
    const later = new Date(at.getTime() + 1000).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const redated = { ...signedJson!, headers: { ...signedJson!.headers, 'x-amz-date': later } };
    expect(verify(redated, at)).toMatchObject({ ok: false, type: 'InvalidSignatureException' });

    expect(verify(signedJson!, new Date(at.getTime() + 14 * 60_000))).toMatchObject({ ok: true });
    const expired = verify(signedJson!, new Date(at.getTime() + 16 * 60_000));
    expect(expired).toMatchObject({ ok: false, type: 'InvalidSignatureException' });
    expect(!expired.ok && expired.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);
    const early = verify(signedJson!, new Date(at.getTime() - 16 * 60_000));
    expect(!early.ok && early.message).toMatch(/^Signature not yet current/);
  });

  it('computes exactly the signature botocore computes for a fixed timestamp', () => {
    const amzDate = '20240229T235959Z';
    const [fromBotocore] = botocoreSign([{ ...runtime, amzDate }]);
    const headers: IncomingHttpHeaders = { host: HOST };
    for (const [name, value] of Object.entries(runtime.headers)) headers[name.toLowerCase()] = value;
    const ours = signSigV4({ ...runtime, url: runtime.path, headers }, { secret: SECRET, now: parseAmzDate(amzDate)! });
    expect(ours.authorization).toBe(fromBotocore!.headers.authorization);
  });
});

describe('SigV4 verdicts without botocore', () => {
  const request: SignableRequest = { method: 'POST', url: '/', headers: { host: HOST, 'x-amz-target': 'SageMaker.X' }, body: Buffer.from('{}') };
  const now = new Date('2024-05-01T12:00:00Z');

  it('reports a missing Authorization header as a missing authentication token', () => {
    expect(verifySigV4(request, { secret: SECRET, now })).toEqual({
      ok: false,
      type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });

  it('reports a malformed Authorization header as an incomplete signature', () => {
    const bad = { ...request, headers: { ...request.headers, authorization: 'Bearer abc' } };
    expect(verifySigV4(bad, { secret: SECRET, now })).toMatchObject({ ok: false, type: 'IncompleteSignatureException' });
  });

  it('round-trips its own signer and refuses a body that does not match x-amz-content-sha256', () => {
    const headers = signSigV4(request, { secret: SECRET, now });
    expect(verifySigV4({ ...request, headers }, { secret: SECRET, now })).toMatchObject({ ok: true });
    const unsigned = signSigV4({ ...request, headers: { ...request.headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }, { secret: SECRET, now });
    expect(verifySigV4({ ...request, headers: unsigned }, { secret: SECRET, now })).toMatchObject({
      ok: false,
      type: 'InvalidSignatureException',
    });
  });

  it('requires the credential scope to name the expected service when asked', () => {
    const headers = signSigV4(request, { secret: SECRET, now, service: 's3' });
    expect(verifySigV4({ ...request, headers }, { secret: SECRET, now, service: 'sagemaker' })).toMatchObject({
      ok: false,
      message: "Credential should be scoped to correct service: 'sagemaker'.",
    });
  });

  it('parses the Authorization header', () => {
    const sig = 'a'.repeat(64);
    expect(
      parseAuthorization(`AWS4-HMAC-SHA256 Credential=lathe/20240501/eu-west-1/sagemaker/aws4_request, SignedHeaders=Host;x-amz-date, Signature=${sig}`),
    ).toEqual({
      accessKeyId: 'lathe',
      date: '20240501',
      region: 'eu-west-1',
      service: 'sagemaker',
      scope: '20240501/eu-west-1/sagemaker/aws4_request',
      signedHeaders: ['host', 'x-amz-date'],
      signature: sig,
    });
    expect(parseAuthorization('AWS4-HMAC-SHA256 Credential=lathe/2024/x/y/aws4_request, SignedHeaders=host, Signature=00')).toBeNull();
  });

  it.each([
    ['', '/'],
    ['/', '/'],
    ['/a/./b/../c', '/a/c'],
    ['//a//b/', '/a/b/'],
    ['/a/b/..', '/a'],
    ['/../a', '/a'],
  ])('removes dot segments from %j', (input, expected) => {
    expect(removeDotSegments(input)).toBe(expected);
  });

  it.each([
    ['/endpoints/my%20ep/invocations', '/endpoints/my%2520ep/invocations'],
    ['/a b/~x/(y)', '/a%20b/~x/%28y%29'],
    ['/', '/'],
  ])('encodes the canonical URI of %j again', (input, expected) => {
    expect(canonicalUri(input)).toBe(expected);
  });

  it.each([
    ['', ''],
    ['b=2&a=1', 'a=1&b=2'],
    ['a=2&a=1&flag', 'a=1&a=2&flag='],
    ['k=a%2fb&s=x+y&t=%7E', 'k=a%2Fb&s=x%2By&t=~'],
    ['bad=%E0%A4&worse%zz=1', 'bad=%25E0%25A4&worse%25zz=1'],
  ])('builds the canonical query string of %j', (input, expected) => {
    expect(canonicalQueryString(input)).toBe(expected);
  });

  it('reads a repeated header as its values joined with commas, in canonical headers too', () => {
    const headers: IncomingHttpHeaders = { 'x-amz-meta': ['a', ' b  c '], host: HOST };
    expect(headerValue(headers, 'x-amz-meta')).toBe('a, b  c ');
    expect(headerValue(headers, 'host')).toBe(HOST);
    expect(headerValue(headers, 'absent')).toBeUndefined();
    expect(canonicalHeaders(headers, ['x-amz-meta', 'host'])).toBe(`host:${HOST}\nx-amz-meta:a, b c\n`);
  });
});
