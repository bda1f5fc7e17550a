/**
 * SageMaker's S3Uri fields (InputDataConfig[].DataSource.S3DataSource.S3Uri, OutputDataConfig.S3OutputPath,
 * CheckpointConfig.S3Uri, …) mapped onto this machine: `s3://bucket/key` lives in the local object store
 * folder, `file:///abs/path` is a path on disk. Pure: nothing here touches the file system.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { invalid } from '../api/errors';
import { safeDecodeURIComponent } from '../util/text';

const ACCEPTED = 's3://bucket/key/prefix (a bucket in the local object store) or file:///absolute/path';

/** S3's bucket naming rules (general purpose buckets); null when `name` is valid, else why not. */
export function bucketNameProblem(name: string): string | null {
  if (name.length < 3 || name.length > 63) return `it is ${name.length} characters long; a bucket name has 3 to 63`;
  if (!/^[a-z0-9.-]+$/.test(name)) return 'it may contain only lowercase letters, digits, dots (.) and hyphens (-)';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'it must start and end with a letter or a digit';
  if (name.includes('..')) return 'it must not contain two dots in a row';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'it must not look like an IP address';
  return null;
}

/**
 * The local path an S3Uri-like value names. `what` names the field for messages, e.g.
 * "InputDataConfig[0].DataSource.S3DataSource.S3Uri". Throws invalid-argument for anything else.
 */
export function resolveDataUri(uri: string, objectStoreRoot: string, what: string): string {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1]?.toLowerCase();
  if (scheme === 's3' && uri.slice(3, 5) === '//') return resolveS3(uri.slice(5), objectStoreRoot, uri, what);
  if (scheme === 'file' && uri.slice(5, 7) === '//') return resolveFile(uri.slice(7), uri, what);
  const shown = uri === '' ? 'is empty' : `is ${JSON.stringify(uri)}`;
  throw invalid(`${what} ${shown}; use ${ACCEPTED}.`);
}

function resolveS3(rest: string, objectStoreRoot: string, uri: string, what: string): string {
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const key = slash === -1 ? '' : rest.slice(slash + 1);
  if (bucket === '') throw invalid(`${what} ${JSON.stringify(uri)} has no bucket name; use ${ACCEPTED}.`);
  const problem = bucketNameProblem(bucket);
  if (problem) throw invalid(`${what} ${JSON.stringify(uri)}: bucket name ${JSON.stringify(bucket)} is not valid: ${problem}.`);
  if (key.includes('\0')) throw invalid(`${what} ${JSON.stringify(uri)} contains a NUL character.`);
  if (key.split(/[/\\]/).includes('..')) {
    throw invalid(`${what} ${JSON.stringify(uri)} contains a ".." segment; name the key without "..".`);
  }
  const bucketDir = path.resolve(objectStoreRoot, bucket);
  const resolved = path.resolve(bucketDir, ...key.split('/').filter((segment) => segment !== ''));
  // Belt and braces: whatever the platform's path rules, nothing may land outside the bucket.
  if (!isInside(path.relative(bucketDir, resolved))) {
    throw invalid(`${what} ${JSON.stringify(uri)} points outside bucket ${JSON.stringify(bucket)}.`);
  }
  return resolved;
}

function resolveFile(rest: string, uri: string, what: string): string {
  let encoded: string;
  if (rest.startsWith('/')) encoded = rest;
  else if (rest.toLowerCase().startsWith('localhost/')) encoded = rest.slice('localhost'.length);
  else {
    throw invalid(
      `${what} ${JSON.stringify(uri)} is a relative file URI; use an absolute path with three slashes, ` +
        `e.g. file:///home/me/data (the part after file:// must start with /).`,
    );
  }
  const decoded = safeDecodeURIComponent(encoded);
  if (decoded === null) throw invalid(`${what} ${JSON.stringify(uri)} has a malformed %-escape.`);
  if (decoded.includes('\0')) throw invalid(`${what} ${JSON.stringify(uri)} contains a NUL character.`);
  // file:///C:/data → C:/data on Windows.
  const local = process.platform === 'win32' && /^\/[A-Za-z]:/.test(decoded) ? decoded.slice(1) : decoded;
  return path.resolve(local);
}

/** Whether a path.relative() answer stays inside its base (the base itself counts). */
function isInside(relative: string): boolean {
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/**
 * The URI to show or store for a local path: `s3://bucket/key` when it lies inside the object store
 * under a valid bucket name, else a `file://` URI.
 */
export function toS3Uri(localPath: string, objectStoreRoot: string): string {
  const absolute = path.resolve(localPath);
  const relative = path.relative(path.resolve(objectStoreRoot), absolute);
  const inside = relative !== '' && isInside(relative);
  const [bucket = '', ...key] = inside ? relative.split(path.sep) : [];
  if (!inside || bucketNameProblem(bucket) !== null) return pathToFileURL(absolute).href;
  return key.length === 0 ? `s3://${bucket}/` : `s3://${bucket}/${key.join('/')}`;
}
