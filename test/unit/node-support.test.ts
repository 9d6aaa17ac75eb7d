import { STSClient } from '@aws-sdk/client-sts';
import { SDK_NODE_FLOOR, takeOverSdkNodeWarning } from '../../src/node-support';

describe("the AWS SDK's Node-version warning", () => {
  it('becomes one notice below the floor, and none from it on', () => {
    expect(takeOverSdkNodeWarning('v20.20.2')).toContain('Node.js v20.20.2');
    expect(takeOverSdkNodeWarning(`v${SDK_NODE_FLOOR}.0.0`)).toBeUndefined();
    expect(takeOverSdkNodeWarning('v24.21.0')).toBeUndefined();
  });

  it('is no longer printed by the SDK once taken over', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    takeOverSdkNodeWarning();
    new STSClient({ region: 'eu-west-1' }).destroy();

    expect(warn.mock.calls.map(([message]) => String(message))).not.toContainEqual(
      expect.stringContaining('NodeVersionSupportWarning'),
    );
  });
});
