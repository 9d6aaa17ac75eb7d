import { preferredWaitSeconds } from '../../../src/http/prefer';

describe('preferredWaitSeconds (RFC 7240)', () => {
  it.each([
    ['wait=60', 60],
    ['respond-async, wait=10', 10],
    ['WAIT = 5', 5],
    ['wait="7"', 7],
    ['handling=lenient, wait=3; foo=bar', 3],
    [undefined, undefined],
    ['respond-async', undefined],
    ['wait=', undefined],
    ['wait=-1', undefined],
    ['wait=ten', undefined],
    ['wait=9999999', undefined],
  ])('%j gives %j', (header, expected) => {
    expect(preferredWaitSeconds(header)).toBe(expected);
  });
});
