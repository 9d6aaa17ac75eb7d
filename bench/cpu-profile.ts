// Reads a V8 CPU profile (`node --cpu-prof`) and says where the time went, by package or module:
// what each layer of the gateway costs (express, the validator, pino, the AWS SDK, our own code, ...).

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `node_modules/<package>`, one of our own files, a Node.js internal module, or V8's own bucket. */
export function moduleOf({ functionName, url }: ProfileNode['callFrame']): string {
  const path = url.replace(/^file:\/\//, '');
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (inPackage) return inPackage[1]!;
  const ours = /\/(dist|src|test|bench)\/(.+)$/.exec(path);
  if (ours) return `gateway ${ours[1]}/${ours[2]}`;
  if (path.startsWith('node:')) return `node ${path.slice('node:'.length).split('/')[0]}`;
  return functionName || '(anonymous)';
}

/** Self time by module over the whole profile, in microseconds. */
function selfTimeByModule(profile: CpuProfile): Map<string, number> {
  const moduleById = new Map(profile.nodes.map((node) => [node.id, moduleOf(node.callFrame)]));
  const micros = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const module = moduleById.get(id) ?? '(unknown)';
    micros.set(module, (micros.get(module) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  micros.delete('(idle)');
  return micros;
}

/**
 * Self time per request by module, the gateway's beside the bare forwarder's, largest difference
 * first: what each layer of the gateway adds. Each profile covers its process's whole life (start-up
 * included), divided by the requests it served.
 */
export function compareCpuProfiles(
  gateway: { profile: CpuProfile; requests: number },
  baseline: { profile: CpuProfile; requests: number },
  top: number,
  labels: [string, string] = ['gateway', 'bare'],
): string {
  const ours = selfTimeByModule(gateway.profile);
  const bare = selfTimeByModule(baseline.profile);
  const perRequest = (micros: Map<string, number>, requests: number, module: string) =>
    (micros.get(module) ?? 0) / requests;
  const total = (micros: Map<string, number>, requests: number) =>
    [...micros.values()].reduce((sum, value) => sum + value, 0) / requests;
  const rows = [...new Set([...ours.keys(), ...bare.keys()])]
    .map((module) => {
      const g = perRequest(ours, gateway.requests, module);
      const b = perRequest(bare, baseline.requests, module);
      return { module, g, b, extra: g - b };
    })
    .sort((x, y) => y.extra - x.extra)
    .slice(0, top);
  const us = (value: number) => value.toFixed(1).padStart(7);
  return (
    `CPU profiles at saturation: self time per request by module, in µs\n` +
    `${labels[0].padStart(7)} ${labels[1].padStart(7)} ${'extra'.padStart(7)}  module\n` +
    `${us(total(ours, gateway.requests))} ${us(total(bare, baseline.requests))} ${us(total(ours, gateway.requests) - total(bare, baseline.requests))}  (all, idle excluded)\n` +
    rows.map(({ module, g, b, extra }) => `${us(g)} ${us(b)} ${us(extra)}  ${module}`).join('\n') +
    '\n'
  );
}
