// The AWS SDK prints a multi-line NodeVersionSupportWarning to stderr on Node.js below 22, once per
// process, outside the JSON logs. The gateway says it once, as a log line, and turns the SDK's off.

/** The Node.js major the AWS SDK will require from January 2027; the image ships a later one. */
export const SDK_NODE_FLOOR = 22;

/**
 * Turns off the SDK's own Node-version warning; call before any client is made.
 * @returns the notice to log when this Node.js is below the SDK's coming floor, else undefined.
 */
export function takeOverSdkNodeWarning(version: string = process.version): string | undefined {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const major = Number(/^v(\d+)\./.exec(version)?.[1]);
  if (major >= SDK_NODE_FLOOR) return undefined;
  return `Node.js ${version}: AWS SDK releases after the first week of January 2027 need Node.js ${SDK_NODE_FLOOR} or later; the image runs a supported one (docs/development.md)`;
}
