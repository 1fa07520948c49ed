// A provider's key, read from the daemon's environment at each request (gateway.json only names it), or the caller's own in pass-through.
import { ENV_REFERENCE, type ProviderConfig } from '../../../rpc/gateway-config.js';
import { GatewayError } from '../errors.js';

/** The key a ${ENV:NAME} reference names, or null when the provider has none. Never logged, never stored. */
export function providerKey(name: string, config: ProviderConfig, env: NodeJS.ProcessEnv = process.env): string | null {
  if (config.api_key === undefined) return null;
  const variable = ENV_REFERENCE.exec(config.api_key)?.[1];
  const value = variable === undefined ? undefined : env[variable];
  if (value === undefined || value === '') {
    throw new GatewayError('upstream', `provider ${name} has no key: the daemon's environment does not set ${variable ?? 'the variable its api_key names'}`);
  }
  return value;
}

/** The caller's credential headers a pass-through provider forwards unchanged. */
export const PASS_THROUGH_HEADERS = ['authorization', 'x-api-key', 'anthropic-version', 'anthropic-beta', 'openai-organization', 'openai-project'] as const;
