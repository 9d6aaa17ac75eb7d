// Probes and scrapes are frequent and carry no information worth an access line or a trace.
const QUIET_PATHS = new Set(['/livez', '/readyz', '/metrics']);

/** True for a probe's or a scrape's request URL (query ignored). */
export function isQuietPath(url: string | undefined): boolean {
  return QUIET_PATHS.has(url?.split('?')[0] ?? '');
}
