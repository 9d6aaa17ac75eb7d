import { UpstreamUnavailableError } from './errors';
import type { NamespaceRegistry, RegistrationStatusReader } from './ports';

/**
 * At most `max` calls to AWS at once, registrations and status reads together. A call beyond that is
 * refused at once rather than queued: a queue would only hide overload from callers and hold their
 * connections. A request waiting between status polls (`Prefer: wait`) holds no place.
 */
export interface ConcurrencyLimit {
  run<T>(call: () => Promise<T>): Promise<T>;
}

export function createConcurrencyLimit(max: number): ConcurrencyLimit {
  let inFlight = 0;
  return {
    async run(call) {
      if (inFlight >= max) {
        throw new UpstreamUnavailableError(`the gateway already has ${max} calls to AWS in flight`, undefined);
      }
      inFlight += 1;
      try {
        return await call();
      } finally {
        inFlight -= 1;
      }
    },
  };
}

export function withConcurrencyLimit(registry: NamespaceRegistry, limit: ConcurrencyLimit): NamespaceRegistry {
  return {
    register: (command, options) => limit.run(() => registry.register(command, options)),
    deregister: (command, options) => limit.run(() => registry.deregister(command, options)),
  };
}

export function readerWithConcurrencyLimit(
  reader: RegistrationStatusReader,
  limit: ConcurrencyLimit,
): RegistrationStatusReader {
  return { read: (command, options) => limit.run(() => reader.read(command, options)) };
}
