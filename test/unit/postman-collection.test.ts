import { readFileSync } from 'node:fs';
import { COLLECTION_PATH } from '../postman/generate';

interface Item {
  name: string;
  item?: Item[];
  request?: { header?: { key: string; value: string }[] };
  event?: { listen: string; script: { exec: string[] } }[];
}

const requests = (items: Item[]): Item[] => items.flatMap((item) => (item.item ? requests(item.item) : [item]));
const collection = JSON.parse(readFileSync(COLLECTION_PATH, 'utf8')) as { item: Item[] };

describe('the Postman collection a newcomer imports', () => {
  it.each(requests(collection.item).map((item) => [item.name, item] as const))('%s has tests', (_name, item) => {
    const tests = item.event?.find((event) => event.listen === 'test')?.script.exec ?? [];

    // One status, or one of the operation's successes.
    expect(
      tests.some((line) => /pm\.response\.to\.have\.status|pm\.expect\(pm\.response\.code\)\.to\.be\.oneOf/.test(line)),
    ).toBe(true);
  });

  it('sends a fresh Idempotency-Key with every request, never a fixed one', () => {
    const keys = requests(collection.item).flatMap(
      (item) => item.request?.header?.filter((header) => header.key === 'Idempotency-Key') ?? [],
    );

    expect(keys.length).toBeGreaterThan(0);
    expect(new Set(keys.map((header) => header.value))).toEqual(new Set(['{{$guid}}']));
  });
});
