#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { putConsumers, succeeded, type NamespaceAnswer } from './gateway-client';
import { describeEntry, NamespacesFileError, readNamespacesFile } from './namespaces-file';
import { painter, renderAnswer, renderSummary } from './render';

// `redshift-namespaces plan|apply -f namespaces.yaml`: desired state for many namespaces, through a
// gateway's PUT /namespaces/consumers, over HTTP only: no AWS credentials in the pipeline.

const USAGE = `Usage: redshift-namespaces <plan|apply> -f <namespaces.yaml> [options]

  plan     show what apply would change (the gateway's dry run); changes nothing
  apply    make each namespace's consumers those of the file

Options:
  -f, --file <path>        the namespaces file (schema: openapi/namespaces-file.schema.json)
      --url <url>          the gateway (default: $REDSHIFT_GATEWAY_URL)
      --api-key <key>      the caller's API key (default: $REDSHIFT_GATEWAY_API_KEY)
      --wait <seconds>     apply: wait until the changes show (Prefer: wait), 0 to 900 (default 0)
  -o, --output <format>    text (default) or json
  -h, --help               this text

Exit status: 0 when everything planned or applied; 1 when any namespace or change failed; 2 when the
command line or the file is wrong.`;

/** Exit status of a run: 0 all well, 1 a failure at the gateway, 2 a usage or file mistake. */
export async function run(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: NodeJS.WriteStream,
  err: NodeJS.WriteStream,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        file: { type: 'string', short: 'f' },
        url: { type: 'string' },
        'api-key': { type: 'string' },
        wait: { type: 'string' },
        output: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    err.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  const [command] = positionals;
  // An empty variable is an unset one.
  const url = values.url ?? (env.REDSHIFT_GATEWAY_URL || undefined);
  const apiKey = values['api-key'] ?? (env.REDSHIFT_GATEWAY_API_KEY || undefined);
  const output = values.output ?? 'text';
  const waitSeconds = Number(values.wait ?? 0);
  const mistakes = [
    ...(command === 'plan' || command === 'apply' ? [] : [`the command must be plan or apply, not '${command ?? ''}'`]),
    ...(positionals.length > 1 ? [`unexpected argument '${positionals[1]}'`] : []),
    ...(values.file === undefined ? ['-f <namespaces file> is required'] : []),
    ...(url === undefined ? ['--url or REDSHIFT_GATEWAY_URL is required'] : []),
    ...(apiKey === undefined ? ['--api-key or REDSHIFT_GATEWAY_API_KEY is required'] : []),
    ...(output === 'text' || output === 'json' ? [] : [`--output must be text or json, not '${output}'`]),
    ...(Number.isInteger(waitSeconds) && waitSeconds >= 0 && waitSeconds <= 900
      ? []
      : ['--wait must be 0 to 900 seconds']),
  ];
  if (mistakes.length > 0) {
    err.write(`${mistakes.join('\n')}\n\n${USAGE}\n`);
    return 2;
  }

  let entries;
  try {
    entries = readNamespacesFile(values.file!);
  } catch (error) {
    if (!(error instanceof NamespacesFileError)) throw error;
    err.write(`${error.message}\n`);
    return 2;
  }

  const dryRun = command === 'plan';
  const colour = output === 'text' && out.isTTY === true && env.NO_COLOR === undefined;
  const paint = painter(colour);
  // Progress on a terminal only, on stderr: a pipe gets the result alone.
  const progress = err.isTTY === true && output === 'text';
  const answers: NamespaceAnswer[] = [];
  for (const [index, entry] of entries.entries()) {
    if (progress)
      err.write(`[${index + 1}/${entries.length}] ${dryRun ? 'planning' : 'applying'} ${describeEntry(entry)}…\n`);
    const answer = await putConsumers({ url: url!, apiKey: apiKey!, waitSeconds }, entry, dryRun);
    answers.push(answer);
    if (output === 'text') out.write(`${renderAnswer(answer, paint)}\n\n`);
  }
  if (output === 'json') {
    out.write(
      `${JSON.stringify(
        answers.map((answer) => ({ ...answer, ok: succeeded(answer) })),
        null,
        2,
      )}\n`,
    );
  } else {
    out.write(`${renderSummary(answers, dryRun, paint)}\n`);
  }
  return answers.every(succeeded) ? 0 : 1;
}

if (require.main === module) {
  run(process.argv.slice(2), process.env, process.stdout, process.stderr).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`redshift-namespaces failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
