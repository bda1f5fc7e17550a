import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { safeDecodeURIComponent } from '../util/text';

/**
 * AWS Signature Version 4, verified the way botocore's `SigV4Auth` signs (non-S3 services), so
 * boto3 pointed at Lathe with `endpoint_url` works unchanged. The access key id is `lathe` and
 * the secret access key is the Lathe server token. Pure functions; the clock is passed in.
 */

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
export const LATHE_ACCESS_KEY_ID = 'lathe';
/** The service in the credential scope: boto3 signs both `sagemaker` and `sagemaker-runtime` clients for it. */
export const SAGEMAKER_SIGNING_SERVICE = 'sagemaker';
/** How far X-Amz-Date may be from the server clock, either way (AWS allows 15 minutes). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface ParsedAuthorization {
  accessKeyId: string;
  /** YYYYMMDD from the credential scope. */
  date: string;
  region: string;
  service: string;
  /** `DATE/REGION/SERVICE/aws4_request`. */
  scope: string;
  /** Lower-cased names, in the order the client listed them. */
  signedHeaders: string[];
  signature: string;
}

export type SigV4FailureType =
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'UnrecognizedClientException'
  | 'InvalidSignatureException';

export type SigV4Verdict =
  | { ok: true; accessKeyId: string; region: string; service: string; amzDate: string }
  | { ok: false; type: SigV4FailureType; message: string };

export interface SignableRequest {
  method: string;
  /** Path and query exactly as sent (still percent-encoded). */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface VerifyOptions {
  secret: string;
  now: Date;
  /** Defaults to `lathe`. */
  accessKeyId?: string;
  /** When given, the credential scope must name this service (e.g. `sagemaker`). */
  service?: string;
}

const INVALID_SIGNATURE_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.';

/** Parses `AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, SignedHeaders=a;b, Signature=hex`. */
export function parseAuthorization(header: string): ParsedAuthorization | null {
  const trimmed = header.trim();
  if (!trimmed.startsWith(`${SIGV4_ALGORITHM} `)) return null;
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(SIGV4_ALGORITHM.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature) return null;
  const pieces = credential.split('/');
  if (pieces.length !== 5 || pieces[4] !== 'aws4_request') return null;
  const [accessKeyId, date, region, service] = pieces as [string, string, string, string];
  if (!accessKeyId || !/^\d{8}$/.test(date) || !region || !service) return null;
  if (!/^[0-9a-f]{64}$/i.test(signature)) return null;
  return {
    accessKeyId,
    date,
    region,
    service,
    scope: `${date}/${region}/${service}/aws4_request`,
    signedHeaders: signedHeaders.split(';').map((name) => name.trim().toLowerCase()),
    signature: signature.toLowerCase(),
  };
}

/** Percent-encodes UTF-8 bytes outside `safe` (the unreserved set is always safe), like Python's `quote`. */
function quote(text: string, safe: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(char) || safe.includes(char)) out += char;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** RFC 3986 section 5.2.4, and consecutive slashes collapse (botocore `remove_dot_segments`). */
export function removeDotSegments(path: string): string {
  if (path === '') return '/';
  const output: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') output.pop();
    else output.push(segment);
  }
  const first = path.startsWith('/') ? '/' : '';
  const last = path.endsWith('/') && output.length > 0 ? '/' : '';
  return first + output.join('/') + last;
}

/** The path as sent, normalized and then encoded again: botocore double-encodes for non-S3 services. */
export function canonicalUri(rawPath: string): string {
  return quote(removeDotSegments(rawPath), '/');
}

/** Query pairs decoded, re-encoded with RFC 3986 rules, and sorted by encoded key then value. */
export function canonicalQueryString(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs = rawQuery
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? '' : pair.slice(eq + 1);
      return [quote(safeDecodeURIComponent(key) ?? key, ''), quote(safeDecodeURIComponent(value) ?? value, '')] as const;
    });
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}

/**
 * One header's value by lower-case name; a header sent more than once reads as its values joined
 * with ',', as SigV4 canonical headers join them.
 */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** `name:value\n` for each signed header, values trimmed with inner whitespace collapsed. */
export function canonicalHeaders(headers: IncomingHttpHeaders, signedHeaders: readonly string[]): string {
  return [...signedHeaders]
    .sort()
    .map((name) => `${name}:${(headerValue(headers, name) ?? '').trim().split(/\s+/).join(' ')}\n`)
    .join('');
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The hash of the payload the signature covers: x-amz-content-sha256 when sent, else sha256(body). */
export function payloadHash(headers: IncomingHttpHeaders, body: Buffer): string {
  const declared = headerValue(headers, 'x-amz-content-sha256');
  if (declared !== undefined) return declared.trim();
  return body.length === 0 ? EMPTY_SHA256 : sha256Hex(body);
}

function splitUrl(url: string): { path: string; query: string } {
  const hash = url.indexOf('#');
  const withoutHash = hash < 0 ? url : url.slice(0, hash);
  const q = withoutHash.indexOf('?');
  return q < 0 ? { path: withoutHash, query: '' } : { path: withoutHash.slice(0, q), query: withoutHash.slice(q + 1) };
}

export function canonicalRequest(request: SignableRequest, signedHeaders: readonly string[]): string {
  const { path, query } = splitUrl(request.url);
  const sorted = [...signedHeaders].sort();
  return [
    request.method.toUpperCase(),
    canonicalUri(path),
    canonicalQueryString(query),
    canonicalHeaders(request.headers, sorted),
    sorted.join(';'),
    payloadHash(request.headers, request.body),
  ].join('\n');
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return [SIGV4_ALGORITHM, amzDate, scope, sha256Hex(canonical)].join('\n');
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

export function signatureOf(key: Buffer, toSign: string): string {
  return createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
}

/** `YYYYMMDDTHHMMSSZ` → Date, or null when it is not that shape. */
export function parseAmzDate(amzDate: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  return Number.isNaN(date.getTime()) ? null : date;
}

export function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function hexEqual(a: string, b: string): boolean {
  const left = Buffer.from(a.toLowerCase(), 'utf8');
  const right = Buffer.from(b.toLowerCase(), 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

const failure = (type: SigV4FailureType, message: string): SigV4Verdict => ({ ok: false, type, message });

/** Checks a request's SigV4 Authorization header against the Lathe secret. Never throws. */
export function verifySigV4(request: SignableRequest, options: VerifyOptions): SigV4Verdict {
  const header = headerValue(request.headers, 'authorization');
  if (header === undefined || header.trim() === '') {
    return failure('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const auth = parseAuthorization(header);
  if (!auth) {
    return failure(
      'IncompleteSignatureException',
      `Authorization header requires '${SIGV4_ALGORITHM} Credential=…/DATE/REGION/SERVICE/aws4_request, SignedHeaders=…, Signature=…'.`,
    );
  }
  if (auth.accessKeyId !== (options.accessKeyId ?? LATHE_ACCESS_KEY_ID)) {
    return failure('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (!auth.signedHeaders.includes('host')) {
    return failure('InvalidSignatureException', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  const amzDate = headerValue(request.headers, 'x-amz-date')?.trim();
  const signedAt = amzDate === undefined ? null : parseAmzDate(amzDate);
  if (amzDate === undefined || !signedAt) {
    return failure('IncompleteSignatureException', "Authorization header requires existence of a valid 'X-Amz-Date' header.");
  }
  if (amzDate.slice(0, 8) !== auth.date) {
    return failure(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  const now = options.now.getTime();
  if (signedAt.getTime() < now - MAX_CLOCK_SKEW_MS) {
    const limit = formatAmzDate(new Date(now - MAX_CLOCK_SKEW_MS));
    return failure(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than ${limit} (${formatAmzDate(options.now)} - 15 min.)`,
    );
  }
  if (signedAt.getTime() > now + MAX_CLOCK_SKEW_MS) {
    const limit = formatAmzDate(new Date(now + MAX_CLOCK_SKEW_MS));
    return failure(
      'InvalidSignatureException',
      `Signature not yet current: ${amzDate} is still later than ${limit} (${formatAmzDate(options.now)} + 15 min.)`,
    );
  }
  if (options.service !== undefined && auth.service !== options.service) {
    return failure('InvalidSignatureException', `Credential should be scoped to correct service: '${options.service}'.`);
  }
  const declared = headerValue(request.headers, 'x-amz-content-sha256');
  if (declared !== undefined && !hexEqual(declared.trim(), request.body.length === 0 ? EMPTY_SHA256 : sha256Hex(request.body))) {
    // UNSIGNED-PAYLOAD and streaming payloads included: Lathe requires the body to be signed.
    return failure('InvalidSignatureException', 'The provided x-amz-content-sha256 header does not match what was computed.');
  }
  const canonical = canonicalRequest(request, auth.signedHeaders);
  const expected = signatureOf(signingKey(options.secret, auth.date, auth.region, auth.service), stringToSign(amzDate, auth.scope, canonical));
  if (!hexEqual(expected, auth.signature)) return failure('InvalidSignatureException', INVALID_SIGNATURE_MESSAGE);
  return { ok: true, accessKeyId: auth.accessKeyId, region: auth.region, service: auth.service, amzDate };
}

export interface SignOptions {
  secret: string;
  now: Date;
  region?: string;
  service?: string;
  accessKeyId?: string;
}

/**
 * Signs a request the way botocore does (every header present except user-agent/expect is
 * signed) and returns its headers plus `x-amz-date` and `authorization`. For tests and for
 * Lathe's own clients of the SageMaker wire.
 */
export function signSigV4(request: SignableRequest, options: SignOptions): IncomingHttpHeaders {
  const amzDate = formatAmzDate(options.now);
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  delete headers.authorization;
  headers['x-amz-date'] = amzDate;
  const signed = Object.keys(headers)
    .filter((name) => name !== 'user-agent' && name !== 'expect' && name !== 'x-amzn-trace-id')
    .sort();
  const scope = `${amzDate.slice(0, 8)}/${options.region ?? 'us-east-1'}/${options.service ?? SAGEMAKER_SIGNING_SERVICE}/aws4_request`;
  const [date, region, service] = scope.split('/') as [string, string, string];
  const canonical = canonicalRequest({ ...request, headers }, signed);
  const signature = signatureOf(signingKey(options.secret, date, region, service), stringToSign(amzDate, scope, canonical));
  headers.authorization = `${SIGV4_ALGORITHM} Credential=${options.accessKeyId ?? LATHE_ACCESS_KEY_ID}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
  return headers;
}
