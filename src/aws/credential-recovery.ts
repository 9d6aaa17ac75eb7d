import type { AssumedRole } from './assumed-role-credentials';
import type { Deadline } from './deadline';
import { isCredentialRefusal } from './fault-translation';

/**
 * Runs `call` with the role's credentials; when AWS refuses them although the cache believed them
 * valid (expired or revoked session, clock skew), drops them, so that the role is assumed again, and
 * runs `call` once more. The credentials are resolved first, so that the generation noted is the one
 * that signs the call: of many calls refused at once, one AssumeRole follows.
 */
export async function withCredentialRecovery<T>(
  role: Pick<AssumedRole, 'credentials' | 'generation' | 'discard'>,
  deadline: Deadline,
  call: () => Promise<T>,
  onRefused: (code: string) => void,
): Promise<T> {
  await deadline.within(role.credentials());
  const generation = role.generation();
  try {
    return await call();
  } catch (error) {
    if (!isCredentialRefusal(error) || deadline.exceeded()) throw error;
    role.discard(generation);
    onRefused((error as Error).name);
    return call();
  }
}
