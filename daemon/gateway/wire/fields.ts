// Checks on a request body's fields that answer with the field's name, so a bad request is refused before it goes upstream.
import { GatewayError } from '../errors.js';

export type Json = Record<string, unknown>;

export function invalid(param: string, message: string): GatewayError {
  return new GatewayError('invalid_request', `${param}: ${message}`, { param });
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireObject(value: unknown, param: string): Json {
  if (!isObject(value)) throw invalid(param, 'must be an object');
  return value;
}

export function requireString(value: unknown, param: string, maxLength = 1_000_000_000): string {
  if (typeof value !== 'string') throw invalid(param, value === undefined ? 'is required' : 'must be a string');
  if (value.length > maxLength) throw invalid(param, `must be at most ${maxLength} characters`);
  return value;
}

export function requireArray(value: unknown, param: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(param, value === undefined ? 'is required' : 'must be an array');
  return value;
}

export function optionalNumber(value: unknown, param: string, min: number, max: number): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) throw invalid(param, `must be a number from ${min} to ${max}`);
  return value;
}

export function optionalInteger(value: unknown, param: string, min: number, max: number): number | null {
  const n = optionalNumber(value, param, min, max);
  if (n !== null && !Number.isInteger(n)) throw invalid(param, 'must be a whole number');
  return n;
}

export function optionalBoolean(value: unknown, param: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw invalid(param, 'must be true or false');
  return value;
}

export function stopList(value: unknown, param: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((s) => typeof s === 'string')) return value as string[];
  throw invalid(param, 'must be a string or an array of strings');
}

/** A tool's JSON Schema: an object (a missing one is an empty object schema). */
export function schemaOf(value: unknown, param: string): Json {
  if (value === undefined || value === null) return { type: 'object', properties: {} };
  return requireObject(value, param);
}

/** A tool result or call argument given as structured content, as the text a model reads. */
export function textOf(value: unknown, param: string): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    return value
      .map((block, i) => {
        if (typeof block === 'string') return block;
        if (isObject(block) && typeof block.text === 'string') return block.text;
        if (isObject(block)) return JSON.stringify(block);
        throw invalid(`${param}[${i}]`, 'must be a content block');
      })
      .join('');
  }
  return JSON.stringify(value);
}

let counter = 0;
/** Ids for answers: a prefix, the time, a counter (unique within the daemon, no randomness needed). */
export function newId(prefix: string): string {
  counter = (counter + 1) % 1_000_000_000;
  return `${prefix}${Date.now().toString(36)}${counter.toString(36).padStart(6, '0')}`;
}
