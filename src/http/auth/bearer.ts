/** The token of an `Authorization: Bearer <token>` header; the scheme name is case-insensitive (RFC 9110, 11.1). */
export function bearerTokenOf(authorization: string | undefined): string | undefined {
  return authorization === undefined ? undefined : /^bearer +(\S+) *$/i.exec(authorization)?.[1];
}
