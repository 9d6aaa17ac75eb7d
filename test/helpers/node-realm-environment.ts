import { TestEnvironment } from 'jest-environment-node';

/**
 * Jest runs tests in a VM context whose `Error` differs from the one Node's own modules use, so an
 * error thrown by `node:http` fails `instanceof Error` inside tests (jestjs/jest#2549), and the
 * SDK's retry middleware then replaces it with a wrapper that has lost its name and code. This
 * environment lets the test realm's `Error` also recognise errors of Node's realm, so tests see
 * the errors production sees.
 */
export default class NodeRealmEnvironment extends TestEnvironment {
  constructor(...args: ConstructorParameters<typeof TestEnvironment>) {
    super(...args);
    const SandboxError = this.global.Error;
    const plainInstanceOf = Function.prototype[Symbol.hasInstance];
    Object.defineProperty(SandboxError, Symbol.hasInstance, {
      value(this: unknown, value: unknown): boolean {
        return plainInstanceOf.call(this, value) || (this === SandboxError && value instanceof Error);
      },
    });
  }
}
