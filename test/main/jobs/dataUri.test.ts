import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LatheFault } from '../../../main/api/errors';
import { bucketNameProblem, resolveDataUri, toS3Uri } from '../../../main/jobs/dataUri';

const STORE = '/var/lathe/objects';
const WHAT = 'InputDataConfig[0].DataSource.S3DataSource.S3Uri';

function faultOf(fn: () => unknown): LatheFault {
  try {
    fn();
  } catch (error) {
    if (error instanceof LatheFault) return error;
    throw error;
  }
  throw new Error('expected a LatheFault');
}

describe('resolveDataUri', () => {
  it.each([
    ['s3://my-bucket/data/train', '/var/lathe/objects/my-bucket/data/train'],
    ['s3://my-bucket/data/train/', '/var/lathe/objects/my-bucket/data/train'],
    ['s3://my-bucket/data//train.csv', '/var/lathe/objects/my-bucket/data/train.csv'],
    ['s3://my-bucket', '/var/lathe/objects/my-bucket'],
    ['s3://my-bucket/', '/var/lathe/objects/my-bucket'],
    ['s3://a.b-c/x/./y', '/var/lathe/objects/a.b-c/x/y'],
    ['s3://bucket/%20raw', '/var/lathe/objects/bucket/%20raw'],
    ['S3://bucket/k', '/var/lathe/objects/bucket/k'],
    ['file:///home/me/data', '/home/me/data'],
    ['file:///home/me/data/', '/home/me/data'],
    ['file:///home/me/my%20data/train%2Ecsv', '/home/me/my data/train.csv'],
    ['file://localhost/srv/data', '/srv/data'],
    ['file:///', '/'],
  ])('maps %s to %s', (uri, expected) => {
    expect(resolveDataUri(uri, STORE, WHAT)).toBe(expected);
  });

  it.each([
    ['', 'is empty'],
    ['http://example.com/data.csv', 'is "http://example.com/data.csv"'],
    ['https://bucket.s3.amazonaws.com/key', 'is "https://bucket.s3.amazonaws.com/key"'],
    ['/home/me/data', 'is "/home/me/data"'],
    ['data/train', 'is "data/train"'],
    ['s3:/bucket/key', 'is "s3:/bucket/key"'],
  ])('rejects %j, naming the field and the accepted forms', (uri, shown) => {
    const fault = faultOf(() => resolveDataUri(uri, STORE, WHAT));
    expect(fault.code).toBe('invalid-argument');
    expect(fault.message).toBe(
      `${WHAT} ${shown}; use s3://bucket/key/prefix (a bucket in the local object store) or file:///absolute/path.`,
    );
  });

  it.each([
    ['file://data/train.csv', 'is a relative file URI; use an absolute path'],
    ['file://relative', 'is a relative file URI; use an absolute path'],
    ['file:///bad%zz', 'has a malformed %-escape'],
    ['file:///a%00b', 'contains a NUL character'],
    ['s3:///key', 'has no bucket name'],
    ['s3://ab/key', 'bucket name "ab" is not valid: it is 2 characters long; a bucket name has 3 to 63'],
    [`s3://${'a'.repeat(64)}/key`, 'is not valid: it is 64 characters long'],
    ['s3://My_Bucket/key', 'may contain only lowercase letters, digits, dots (.) and hyphens (-)'],
    ['s3://-bucket/key', 'must start and end with a letter or a digit'],
    ['s3://bucket-/key', 'must start and end with a letter or a digit'],
    ['s3://a..b/key', 'must not contain two dots in a row'],
    ['s3://192.168.1.1/key', 'must not look like an IP address'],
    ['s3://bucket/../other-bucket/key', 'contains a ".." segment'],
    ['s3://bucket/a/../../etc', 'contains a ".." segment'],
    ['s3://bucket/..', 'contains a ".." segment'],
    ['s3://bucket/a\\..\\..\\etc', 'contains a ".." segment'],
    ['s3://bucket/a\0b', 'contains a NUL character'],
  ])('rejects %j: %s', (uri, reason) => {
    const fault = faultOf(() => resolveDataUri(uri, STORE, WHAT));
    expect(fault.code).toBe('invalid-argument');
    expect(fault.message).toContain(WHAT);
    expect(fault.message).toContain(reason);
  });

  it('keeps keys that only look like dot segments inside the bucket', () => {
    expect(resolveDataUri('s3://bucket/..data/...', STORE, WHAT)).toBe('/var/lathe/objects/bucket/..data/...');
  });

  it('resolves a relative object store root against the working folder', () => {
    expect(resolveDataUri('s3://bucket/k', 'objects', WHAT)).toBe(path.resolve('objects', 'bucket', 'k'));
  });
});

describe('bucketNameProblem', () => {
  it.each(['abc', 'my.bucket-1', '0bucket9', 'a'.repeat(63), '1.2.3'])('accepts %s', (name) => {
    expect(bucketNameProblem(name)).toBeNull();
  });
});

describe('toS3Uri', () => {
  it.each([
    ['/var/lathe/objects/my-bucket/data/train.csv', 's3://my-bucket/data/train.csv'],
    ['/var/lathe/objects/my-bucket', 's3://my-bucket/'],
    ['/var/lathe/objects/my-bucket/a/../b', 's3://my-bucket/b'],
    ['/var/lathe/objects', 'file:///var/lathe/objects'],
    ['/var/lathe/objects/Not_A_Bucket/x', 'file:///var/lathe/objects/Not_A_Bucket/x'],
    ['/var/lathe/objects-other/x', 'file:///var/lathe/objects-other/x'],
    ['/home/me/my data#1.csv', 'file:///home/me/my%20data%231.csv'],
  ])('maps %s to %s', (local, expected) => {
    expect(toS3Uri(local, STORE)).toBe(expected);
  });

  it.each(['/var/lathe/objects/my-bucket/data/train.csv', '/home/me/my data#1.csv', '/var/lathe/objects/my-bucket'])(
    'round-trips %s through resolveDataUri',
    (local) => {
      expect(resolveDataUri(toS3Uri(local, STORE), STORE, WHAT)).toBe(local);
    },
  );
});
