import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConfigSection, SectionContext, Variable, VariableTable } from '../env/variable';
import { misspeltVariables } from './near-misses';
import { SECTIONS, type Config } from './sections';

export type { Config } from './sections';

/** Thrown by loadConfig; its message names every problem of the configuration at once. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type AnySection = ConfigSection<VariableTable, unknown>;
const sections = Object.entries(SECTIONS) as unknown as [keyof typeof SECTIONS, AnySection][];

/** Every environment variable the gateway reads, by section. */
export const VARIABLES: Readonly<Record<string, Variable>> = Object.assign(
  {},
  ...sections.map(([, section]) => section.variables),
) as Record<string, Variable>;
export const CONFIG_VARIABLES = Object.keys(VARIABLES);
/** The standard variables the AWS SDK and OpenTelemetry read themselves: name → meaning. */
export const LIBRARY_VARIABLES: Readonly<Record<string, string>> = Object.assign(
  {},
  ...sections.map(([, section]) => section.readByLibraries ?? {}),
) as Record<string, string>;

type Env = Readonly<Record<string, string | undefined>>;
type ReadTextFile = (path: string) => string;

/**
 * Parses and checks the environment once, at start-up: each section's variables on their own (one
 * bad variable does not hide the others), then its checks across them.
 * @throws ConfigError naming every problem at once: each bad variable, each misspelt one, each
 * setting that contradicts another, each file that cannot be read.
 */
export function loadConfig(
  env: Env = process.env,
  readTextFile: ReadTextFile = (path) => readFileSync(path, 'utf8'),
): Config {
  const problems: string[] = misspeltVariables(env, [...CONFIG_VARIABLES, ...Object.keys(LIBRARY_VARIABLES)]);
  const warnings: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, section] of sections) {
    const values: Record<string, unknown> = {};
    const failed = new Set<string>();
    for (const [name, { schema, default: fallback }] of Object.entries(section.variables)) {
      const parsed = schema.safeParse(env[name] ?? fallback);
      if (parsed.success) {
        values[name] = parsed.data;
      } else {
        failed.add(name);
        for (const issue of parsed.error.issues) problems.push(`${[name, ...issue.path].join('.')} ${issue.message}`);
      }
    }
    const context: SectionContext<VariableTable> = {
      problem: (message) => problems.push(message),
      parsed: (...names) => names.every((name) => !failed.has(name)),
      isSet: (name) => (env[name] ?? '') !== '',
      warn: (message) => warnings.push(message),
      readFile(variable, path, hint) {
        try {
          return readTextFile(path);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? 'error';
          problems.push(
            `${variable} cannot be read: ${resolve(path)} (${code})${hint === undefined ? '' : `: ${hint}`}`,
          );
          return undefined;
        }
      },
    };
    config[key] = section.build(values, context);
  }
  if (problems.length > 0) {
    const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
    // One line: a log pipeline keeps it as one event.
    throw new ConfigError(`invalid configuration (${count}): ${problems.join('; ')}`);
  }
  return deepFreeze({ ...config, warnings } as unknown as Config);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value) && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
