import { UpstreamUnavailableError } from './errors';
import type { NamespaceRegistry } from './ports';

/**
 * Lets at most `max` calls reach the registry at once. A call beyond that is refused at once
 * rather than queued: a queue would only hide overload from callers and hold their connections.
 */
export function withConcurrencyLimit(
  registry: NamespaceRegistry,
  max: number,
): NamespaceRegistry & { inFlight(): number } {
  let inFlight = 0;
  const guard = async <T>(call: () => Promise<T>): Promise<T> => {
    if (inFlight >= max) {
      throw new UpstreamUnavailableError(`the gateway already has ${max} calls to Redshift in flight`, undefined);
    }
    inFlight += 1;
    try {
      return await call();
    } finally {
      inFlight -= 1;
    }
  };
  return {
    register: (command) => guard(() => registry.register(command)),
    deregister: (command) => guard(() => registry.deregister(command)),
    inFlight: () => inFlight,
  };
}
