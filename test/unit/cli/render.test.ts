import { painter, renderAnswer, renderSummary } from '../../../src/cli/render';
import type { NamespaceAnswer } from '../../../src/cli/gateway-client';

const answer: NamespaceAnswer = {
  entry: {
    target: 'eu',
    NamespaceIdentifier: { ProvisionedIdentifier: { ClusterIdentifier: 'analytics-prod' } },
    ConsumerIdentifiers: ['DataCatalog/111111111111'],
  },
  status: 200,
  plan: {
    DryRun: true,
    Prune: true,
    Consumers: [
      { ConsumerIdentifier: 'DataCatalog/111111111111', Action: 'register', Outcome: 'planned' },
      { ConsumerIdentifier: 'DataCatalog/222222222222', Action: 'deregister', Outcome: 'planned' },
      { ConsumerIdentifier: 'DataCatalog/333333333333', Action: 'unchanged', Outcome: 'unchanged' },
    ],
  },
};

describe('the CLI’s plan output', () => {
  it('reads as a plan: + added, - removed, = unchanged, under the namespace and its target', () => {
    expect(renderAnswer(answer, painter(false))).toBe(
      [
        'eu: cluster analytics-prod',
        '  + DataCatalog/111111111111  register, will change',
        '  - DataCatalog/222222222222  deregister, will change',
        '  = DataCatalog/333333333333  unchanged, no change',
      ].join('\n'),
    );
    expect(renderSummary([answer], true, painter(false))).toBe(
      'Plan: 1 to add, 1 to remove, 1 unchanged, in 1 namespace; 0 failed.',
    );
  });

  it('colours additions green and removals red on a terminal', () => {
    const text = renderAnswer(answer, painter(true));

    expect(text).toContain('\u001b[32m+ DataCatalog/111111111111\u001b[0m');
    expect(text).toContain('\u001b[31m- DataCatalog/222222222222\u001b[0m');
  });

  it('says why a namespace failed as a whole', () => {
    const failed: NamespaceAnswer = {
      entry: answer.entry,
      status: 404,
      problem: {
        type: '/problems/cluster-not-found',
        title: 'Cluster not found',
        status: 404,
        detail: 'No such cluster.',
        instance: '/',
        requestId: 'r',
      },
    };

    expect(renderAnswer(failed, painter(false))).toBe(
      'eu: cluster analytics-prod\n  FAILED (404) — 404 Cluster not found: No such cluster.',
    );
  });
});
