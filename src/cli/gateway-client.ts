import type { ConsumersPlan, Problem } from '../contract';
import type { NamespaceEntry } from './namespaces-file';

/** What the gateway answered one namespace's PUT with: the plan (200, 202, 207), or a problem. */
export type NamespaceAnswer =
  | { readonly entry: NamespaceEntry; readonly status: number; readonly plan: ConsumersPlan }
  | {
      readonly entry: NamespaceEntry;
      readonly status: number;
      readonly problem: Problem | { title: string; detail: string };
    };

export interface GatewayClientOptions {
  /** The gateway's base URL, such as https://gateway.internal. */
  readonly url: string;
  readonly apiKey: string;
  /** `Prefer: wait=<seconds>` on applies; 0 asks nothing. */
  readonly waitSeconds: number;
}

/** PUT /namespaces/consumers for one namespace: its plan (`dryRun`) or its apply. Over HTTP only. */
export async function putConsumers(
  options: GatewayClientOptions,
  entry: NamespaceEntry,
  dryRun: boolean,
): Promise<NamespaceAnswer> {
  const { target, ...body } = entry;
  const query = new URLSearchParams();
  if (target !== undefined) query.set('target', target);
  if (dryRun) query.set('dryRun', 'true');
  const headers: Record<string, string> = {
    Authorization: `Bearer ${options.apiKey}`,
    'Content-Type': 'application/json',
    'User-Agent': 'redshift-namespaces-cli',
  };
  if (!dryRun && options.waitSeconds > 0) headers.Prefer = `wait=${options.waitSeconds}`;
  const url = `${options.url.replace(/\/+$/, '')}/namespaces/consumers${query.size > 0 ? `?${query.toString()}` : ''}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'PUT',
      headers,
      body: JSON.stringify(body),
      // The gateway's own deadline and the wait, with room to spare.
      signal: AbortSignal.timeout((options.waitSeconds + 120) * 1000),
    });
  } catch (error) {
    const reason =
      error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    return { entry, status: 0, problem: { title: 'Gateway unreachable', detail: `${url}: ${reason}` } };
  }
  const text = await res.text();
  const parsed = parseJson(text);
  if ([200, 202, 207].includes(res.status) && parsed !== undefined && 'Consumers' in parsed) {
    return { entry, status: res.status, plan: parsed as unknown as ConsumersPlan };
  }
  return {
    entry,
    status: res.status,
    problem:
      parsed !== undefined && 'title' in parsed
        ? (parsed as unknown as Problem)
        : { title: `HTTP ${res.status}`, detail: text.slice(0, 200) },
  };
}

/** Whether the namespace's answer is a success: its plan, with no item failed. */
export function succeeded(answer: NamespaceAnswer): boolean {
  return 'plan' in answer && answer.plan.Consumers.every((item) => item.Outcome !== 'failed');
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
