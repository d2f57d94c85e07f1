import { IntegrationError } from './integration-error.js';

export interface JsonResponse {
  status: number;
  /** Parsed JSON, or undefined when the body was empty or not JSON. */
  body: unknown;
}

/**
 * One HTTP call with a hard timeout. Network failures and timeouts become TEMPORARY
 * IntegrationErrors; any HTTP answer is returned for the connector to classify, because each
 * vendor says "failed" differently (TikTok even with HTTP 200).
 */
export async function requestJson(service: string, url: string, init: RequestInit & { timeoutMs: number }): Promise<JsonResponse> {
  const { timeoutMs, ...rest } = init;
  let response: Response;
  try {
    response = await fetch(url, { ...rest, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `network error: ${(error as Error).message}`;
    throw new IntegrationError(service, 'TEMPORARY', reason);
  }
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, body };
}
