import { z } from 'zod';
import { defineSection, variable } from '../env/variable';
import { byteSize, integer, optionalText } from '../env/parsers';

/** What the HTTP edge accepts before a request reaches a handler. */
export interface EdgeOptions {
  readonly bodyLimitBytes: number;
  readonly trustProxyHops: number;
  readonly jsonMaxDepth: number;
  /** Origins allowed by CORS; empty means no CORS headers at all. */
  readonly corsOrigins: readonly string[];
  /** When set, GET /metrics wants it as a bearer token. */
  readonly metricsToken: string | undefined;
  /** Requests per caller per minute. */
  readonly ratePerMinute: number;
}

const originList = optionalText.pipe(
  z
    .string()
    .transform((value) => value.split(',').map((origin) => origin.trim()))
    .pipe(
      z.array(
        z
          .url({ protocol: /^https?$/, error: 'must be a comma-separated list of http(s) origins' })
          // A browser's Origin is scheme, host and port only: an entry with a path would never match.
          .refine((entry) => new URL(entry).origin === entry, {
            error: 'must list origins only (scheme, host and optional port, such as https://app.example.com), no path',
          }),
      ),
    )
    .optional(),
);

export const EDGE_SETTINGS = defineSection({
  title: 'Requests: bodies, proxies, browsers, rate',
  variables: {
    BODY_LIMIT: variable(
      'Largest accepted request body, in bytes or with a unit (16kb), at most 1mb; larger bodies get 413.',
      byteSize(1024 * 1024, '1mb'),
      { default: '16kb' },
    ),
    TRUST_PROXY: variable(
      'Reverse-proxy hops in front of the gateway whose X-Forwarded-For is believed (0 to 10); 0 believes none.',
      integer(0, 10),
      { default: '0' },
    ),
    JSON_MAX_DEPTH: variable(
      'Deepest nesting of the JSON body, objects and arrays (2 to 64); deeper bodies get 400.',
      integer(2, 64),
      { default: '8' },
    ),
    CORS_ORIGINS: variable(
      'Browser origins allowed by CORS, comma-separated (scheme, host and port only: no path); empty sends no CORS headers at all.',
      originList,
    ),
    METRICS_TOKEN: variable(
      'When set (16 characters at least), GET /metrics wants `Authorization: Bearer <METRICS_TOKEN>`; open when empty.',
      optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    ),
    RATE_LIMIT_PER_MINUTE: variable(
      'Requests per caller per minute (1 to 100000); more get 429 with Retry-After.',
      integer(1, 100000),
      { default: '60' },
    ),
  },
  build: (v): EdgeOptions => ({
    bodyLimitBytes: v.BODY_LIMIT,
    trustProxyHops: v.TRUST_PROXY,
    jsonMaxDepth: v.JSON_MAX_DEPTH,
    corsOrigins: v.CORS_ORIGINS ?? [],
    metricsToken: v.METRICS_TOKEN,
    ratePerMinute: v.RATE_LIMIT_PER_MINUTE,
  }),
});
