import { defineSection, variable } from '../env/variable';
import { integer } from '../env/parsers';

/** `Prefer: wait` on the changes: the longest a request may wait, and how many may wait at once. */
export interface WaitingRoomOptions {
  readonly maxWaitSeconds: number;
  readonly maxWaiting: number;
}

export const WAITING_ROOM_SETTINGS = defineSection({
  title: 'Waiting (Prefer: wait)',
  variables: {
    REGISTRATION_WAIT_MAX_SECONDS: variable(
      '`Prefer: wait=<seconds>` on a change waits at most this long (0 to 900 s; 0 turns waiting off).',
      integer(0, 900),
      { default: '120' },
    ),
    REGISTRATION_MAX_WAITING: variable(
      'Requests waiting at once at most (1 to 10000); more get 503 with Retry-After.',
      integer(1, 10000),
      { default: '100' },
    ),
  },
  build: (v): WaitingRoomOptions => ({
    maxWaitSeconds: v.REGISTRATION_WAIT_MAX_SECONDS,
    maxWaiting: v.REGISTRATION_MAX_WAITING,
  }),
});
