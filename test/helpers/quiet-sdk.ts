// Runs before every test file (jest setupFiles): the gateway's own switch for the AWS SDK's
// Node-version warning, as main.ts uses it, so that the suite's output stays quiet on Node.js 20.
import { takeOverSdkNodeWarning } from '../../src/node-support';

takeOverSdkNodeWarning();
