import { describe, expect, it } from 'vitest';
import { safeDecodeURIComponent } from '../../../main/util/text';

describe('safeDecodeURIComponent', () => {
  it('decodes percent-encoding and answers null for malformed input instead of throwing', () => {
    expect(safeDecodeURIComponent('my%20ep%2Fx')).toBe('my ep/x');
    expect(safeDecodeURIComponent('plain')).toBe('plain');
    expect(safeDecodeURIComponent('bad%E0')).toBeNull();
    expect(safeDecodeURIComponent('%zz')).toBeNull();
  });
});
