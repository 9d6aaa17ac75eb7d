import type { ConsumerPlanItem } from '../contract';
import { describeEntry } from './namespaces-file';
import type { NamespaceAnswer } from './gateway-client';

// The CLI's readable output, as `terraform plan` reads: `+` added, `-` removed, `=` unchanged,
// `~` kept (registered, not listed, no prune); coloured on a terminal, plain when piped.

const COLOURS = { green: 32, red: 31, yellow: 33, dim: 2, bold: 1 } as const;
type Colour = keyof typeof COLOURS;

export function painter(enabled: boolean): (colour: Colour, text: string) => string {
  return (colour, text) => (enabled ? `\u001b[${COLOURS[colour]}m${text}\u001b[0m` : text);
}

const SIGNS: Record<ConsumerPlanItem['Action'], [string, Colour]> = {
  register: ['+', 'green'],
  deregister: ['-', 'red'],
  unchanged: ['=', 'dim'],
  kept: ['~', 'yellow'],
};

const OUTCOMES: Record<ConsumerPlanItem['Outcome'], string> = {
  planned: 'will change',
  unchanged: 'no change',
  accepted: 'in progress',
  completed: 'done',
  failed: 'FAILED',
};

/** One namespace's block: its heading, then a line per consumer, or the problem that stopped it. */
export function renderAnswer(answer: NamespaceAnswer, paint: ReturnType<typeof painter>): string {
  const lines = [paint('bold', describeEntry(answer.entry))];
  if (!('plan' in answer)) {
    lines.push(`  ${paint('red', `FAILED (${answer.status || 'no answer'})`)} — ${describeProblem(answer.problem)}`);
    return lines.join('\n');
  }
  for (const item of answer.plan.Consumers) {
    const [sign, colour] = SIGNS[item.Action];
    const outcome = item.Outcome === 'failed' ? paint('red', OUTCOMES.failed) : OUTCOMES[item.Outcome];
    const why = item.Problem ? ` — ${describeProblem(item.Problem)}` : '';
    const status = item.Status ? ` (${item.Status})` : '';
    lines.push(`  ${paint(colour, `${sign} ${item.ConsumerIdentifier}`)}  ${item.Action}, ${outcome}${status}${why}`);
  }
  return lines.join('\n');
}

/** A problem in one line: status, title, detail, and AWS's own words when it answered. */
function describeProblem(problem: {
  status?: number;
  title: string;
  detail?: string;
  upstream?: { message?: string };
}): string {
  const aws = problem.upstream?.message ? ` AWS: ${problem.upstream.message}` : '';
  return `${problem.status ?? ''} ${problem.title}: ${problem.detail ?? ''}${aws}`.trim();
}

/** The closing line: what was (or would be) added, removed, left, failed. */
export function renderSummary(answers: NamespaceAnswer[], dryRun: boolean, paint: ReturnType<typeof painter>): string {
  const items = answers.flatMap((answer) => ('plan' in answer ? answer.plan.Consumers : []));
  const count = (action: ConsumerPlanItem['Action']) => items.filter((item) => item.Action === action).length;
  const failed =
    items.filter((item) => item.Outcome === 'failed').length + answers.filter((a) => !('plan' in a)).length;
  const verb = dryRun ? 'Plan' : 'Applied';
  const text = `${verb}: ${count('register')} to add, ${count('deregister')} to remove, ${count('unchanged') + count('kept')} unchanged, in ${answers.length} namespace${answers.length === 1 ? '' : 's'}; ${failed} failed.`;
  return failed > 0 ? paint('red', text) : paint('bold', text);
}
