// A method's params as a person reads them: a short type for each, and a plausible value to put in an example call.

type JsonSchema = Record<string, unknown>;

/** A param's type in a word or two: string, integer, exclusive|shared, array of object, any JSON. */
export function typeLabel(schema: JsonSchema | undefined): string {
  if (!schema) return 'any JSON';
  if (Array.isArray(schema.enum)) return schema.enum.map(String).join('|');
  if ('const' in schema) return JSON.stringify(schema.const);
  const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(options)) return [...new Set(options.map(typeLabel))].join(' or ');
  if (schema.type === 'array') return `array of ${typeLabel(schema.items as JsonSchema | undefined)}`;
  if (typeof schema.type === 'string') return schema.type;
  return 'any JSON';
}

/** A value the schema accepts, made up from the param's name where it can be: name=my-name, limit=1, mode=exclusive. */
export function placeholder(key: string, schema: JsonSchema | undefined): unknown {
  if (!schema) return 'hello';
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ('const' in schema) return schema.const;
  if ('default' in schema) return schema.default;
  const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(options) && options.length > 0) return placeholder(key, options[0]);
  switch (schema.type) {
    case 'string':
      return stringFor(key, schema);
    case 'integer':
    case 'number':
      return numberFor(schema);
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: Math.max(1, Number(schema.minItems ?? 1)) }, () => placeholder(key, schema.items as JsonSchema | undefined));
    case 'object':
      return objectFor(schema);
    default:
      return 'hello';
  }
}

/** The example call a person can paste: `brains rpc METHOD a=... b=...`, each value quoted for a POSIX shell when it needs it. */
export function exampleCall(method: string, params: Record<string, unknown>): string {
  const words = Object.entries(params).map(([key, value]) => `${key}=${shellWord(typeof value === 'string' && !readsAsJson(value) ? value : JSON.stringify(value))}`);
  return ['brains rpc', method, ...words].join(' ');
}

function stringFor(key: string, schema: JsonSchema): string {
  const stem = key.replace(/_(id|name)$/, '').replaceAll('_', '-');
  const literalStart = typeof schema.pattern === 'string' ? /^\^([A-Za-z0-9_-]+)/.exec(schema.pattern)?.[1] : undefined;
  const candidates = [`my-${stem}`, ...(literalStart ? [`${literalStart}1`, literalStart] : []), '/tmp/work', 'user.example', 'example'];
  return candidates.find((candidate) => accepts(schema, candidate)) ?? key.toUpperCase();
}

function accepts(schema: JsonSchema, value: string): boolean {
  if (typeof schema.minLength === 'number' && value.length < schema.minLength) return false;
  if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) return false;
  const patterns = [schema.pattern, ...((schema.allOf as JsonSchema[] | undefined) ?? []).map((part) => part.pattern)];
  return patterns.every((pattern) => typeof pattern !== 'string' || matches(pattern, value));
}

function matches(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return true;
  }
}

function numberFor(schema: JsonSchema): number {
  const minimum = typeof schema.minimum === 'number' ? schema.minimum : undefined;
  const maximum = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  if (minimum !== undefined && minimum > 1) return minimum;
  return maximum !== undefined && maximum < 1 ? maximum : 1;
}

function objectFor(schema: JsonSchema): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  return Object.fromEntries(required.map((key) => [key, placeholder(key, properties[key])]));
}

/** brains rpc reads a key=value as JSON when it parses: such a string is written as a JSON string to stay one. */
function readsAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function shellWord(text: string): string {
  return /^[A-Za-z0-9_./:@,+-]*$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}
