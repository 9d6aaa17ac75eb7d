import { partition } from '@aws-sdk/core/client';
import { closest } from '../env/closest';

// A misspelt region would otherwise only fail at the first AWS call.

// Region names follow `<area>-<direction>-<n>`; probing the SDK's partition table with every such
// name lists the regions it knows (the table itself is not exported).
const AREAS = ['us', 'eu', 'ap', 'sa', 'ca', 'me', 'af', 'il', 'mx', 'cn', 'us-gov', 'us-iso', 'us-isob', 'eu-isoe'];
const DIRECTIONS = ['north', 'south', 'east', 'west', 'central', 'northeast', 'northwest', 'southeast', 'southwest'];

/** True when this SDK version's endpoint partitions name the region (not only match its pattern). */
const isKnownRegion = (region: string): boolean => 'description' in partition(region);

/** A problem for a region the SDK does not know, with the nearest region it does; undefined when known. */
export function unknownRegionProblem(variableName: string, region: string): string | undefined {
  if (isKnownRegion(region)) return undefined;
  const known = AREAS.flatMap((area) =>
    DIRECTIONS.flatMap((direction) => Array.from({ length: 9 }, (_, i) => `${area}-${direction}-${i + 1}`)),
  ).filter(isKnownRegion);
  const nearest = closest(region, known, 3);
  return `${variableName} '${region}' is not a region this AWS SDK knows${nearest === undefined ? '' : `; did you mean ${nearest}?`}`;
}
