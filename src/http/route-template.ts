import type { IncomingMessage } from 'node:http';

/** The template of the route that matched (`/namespaces/registrations`), never the raw path; undefined when none did. */
export function routeTemplate(req: IncomingMessage): string | undefined {
  return 'route' in req ? (req.route as { path?: string } | undefined)?.path : undefined;
}
