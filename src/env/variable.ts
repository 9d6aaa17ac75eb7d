import type { z } from 'zod';

// The vocabulary every configured module uses to declare its settings next to its code: the
// variables that feed it and how they become its options type. config/ composes the sections, parses
// the environment once and reports every problem at once; nothing here reads process.env.

export interface Variable<S extends z.ZodType = z.ZodType> {
  /** What it means, for the docs and `.env.example`; one paragraph. */
  readonly doc: string;
  readonly schema: S;
  /** The value, as written in the environment, when the variable is unset. */
  readonly default?: string;
  /** Set in `.env.example`: the value for a local run against `npm run emulator`. */
  readonly local?: string;
}

export const variable = <S extends z.ZodType>(
  doc: string,
  schema: S,
  options: { default?: string; local?: string } = {},
): Variable<S> => ({ doc, schema, ...options });

export type VariableTable = Readonly<Record<string, Variable>>;

/** The parsed value of every variable of a table, typed by its schema. */
export type ValuesOf<V extends VariableTable> = { readonly [K in keyof V]: z.output<V[K]['schema']> };

/** What a section's `build` may ask of the configuration being loaded. */
export interface SectionContext<V extends VariableTable> {
  /** Adds a problem: the start stops, with every problem named. */
  problem(message: string): void;
  /** True when each of these variables parsed: a check across them has values to compare. */
  parsed(...names: (keyof V & string)[]): boolean;
  /** True when the environment sets the variable (to anything but the empty string), not its default. */
  isSet(name: keyof V & string): boolean;
  /** The file's text, or undefined with a problem naming the variable, the resolved path and `hint`. */
  readFile(variable: keyof V & string, path: string, hint?: string): string | undefined;
  /** Logged at every start: a setting that is allowed but risky, or that was adjusted. */
  warn(message: string): void;
}

/**
 * One module's settings: its variables, how their parsed values become its options (reporting what
 * is wrong across them), and the standard variables the libraries it configures read themselves
 * (documented beside the gateway's own, never parsed by it).
 */
export interface ConfigSection<V extends VariableTable, O> {
  /** The heading of this section in docs/configuration.md and `.env.example`. */
  readonly title: string;
  readonly variables: V;
  /**
   * The options, from values that parsed. A value whose variable failed to parse is never used: its
   * problem stops the start, so `build` may pass it through unchecked.
   */
  readonly build: (values: ValuesOf<V>, context: SectionContext<V>) => O;
  /** Variables read by a library this section configures (the AWS SDK, OpenTelemetry): name → meaning. */
  readonly readByLibraries?: Readonly<Record<string, string>>;
}

export const defineSection = <V extends VariableTable, O>(section: ConfigSection<V, O>): ConfigSection<V, O> => section;
