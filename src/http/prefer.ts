/**
 * The `wait` preference of a `Prefer` header (RFC 7240): `wait=<seconds>`, among other preferences
 * or alone, in one header or several joined by commas; undefined when there is none. A preference is
 * a wish, not a command: a malformed one is ignored, as the RFC says.
 */
export function preferredWaitSeconds(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  for (const preference of header.split(',')) {
    const match = /^\s*wait\s*=\s*"?(\d{1,6})"?\s*(;.*)?$/i.exec(preference);
    if (match) return Number(match[1]);
  }
  return undefined;
}
