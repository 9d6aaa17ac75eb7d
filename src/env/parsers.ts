import bytes from 'bytes';
import { z } from 'zod';

// Parsers the sections share: environment values are strings, and each parser says in its message
// what a good value looks like.

export const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

export const decimal = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, 'must be a number such as 10 or 2.5')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

/** Unset or empty is undefined. */
export const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

export const required = (example: string) => z.string({ error: `is required (such as ${example})` }).trim();

export const nonEmpty = z.string().trim().min(1, 'must not be empty');

export const endpointUrl = optionalText.pipe(
  z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).optional(),
);

export const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1');

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });

export const byteSize = (max: number, maxText: string) =>
  z.string().transform((value, ctx) => {
    const parsed = bytes.parse(value);
    if (parsed === null || !Number.isFinite(parsed) || parsed < 1 || parsed > max) {
      ctx.addIssue({ code: 'custom', message: `must be a size from 1b to ${maxText}, such as 16kb` });
      return z.NEVER;
    }
    return parsed;
  });
