import { createApiKeyVerifier } from '../../../../src/http/auth/api-keys';
import { sha256Hex } from '../../../helpers/config';

const keys = [
  { name: 'ci', digest: Buffer.from(sha256Hex('key-one'), 'hex') },
  { name: 'team', digest: Buffer.from(sha256Hex('key-two'), 'hex') },
];

describe('createApiKeyVerifier', () => {
  const verify = createApiKeyVerifier(keys);

  it('names the caller whose key matches', () => {
    expect(verify('key-one')).toBe('ci');
    expect(verify('key-two')).toBe('team');
  });

  it.each(['', 'key-one ', 'KEY-ONE', sha256Hex('key-one')])('rejects %p', (presented) => {
    expect(verify(presented)).toBeUndefined();
  });

  it('with no keys, admits nobody', () => {
    expect(createApiKeyVerifier([])('key-one')).toBeUndefined();
  });
});
