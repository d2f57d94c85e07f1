/** The token of an `Authorization: Bearer <token>` header; undefined for any other header. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
}

/** The credential of a /crm request: the bearer header, or `?access_token=` (EventSource cannot send headers). */
export function requestCredential(req: { headers: { authorization?: string }; query?: unknown }): string | undefined {
  return bearerToken(req.headers.authorization) ?? (req.query as Record<string, string | undefined> | undefined)?.access_token;
}
