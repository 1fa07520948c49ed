// Which top-level params a method cannot go without, read from its schema: the daemon's errors and `brains rpc --list` agree.
import { z } from 'zod';

/** The top-level params a method cannot go without, in contract order. */
export function requiredParams(schema: z.ZodType): string[] {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>)
    // A key may be left out when its schema says so (optional, defaulted); z.unknown() accepts undefined yet is required.
    .filter(([, field]) => (field as { _zod: { optin?: string } })._zod.optin === undefined)
    .map(([key]) => key);
}

/** The top-level params a method takes but can go without, in contract order. */
export function optionalParams(schema: z.ZodType): string[] {
  if (!(schema instanceof z.ZodObject)) return [];
  const required = new Set(requiredParams(schema));
  return Object.keys(schema.shape as Record<string, z.ZodType>).filter((key) => !required.has(key));
}
