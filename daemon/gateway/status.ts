// What system.info and brains status say of the gateway: where it listens, or why it does not and what to do about it.
import type { GatewayStatus } from '../../rpc/contract/system.js';

export interface GatewayFacts {
  /** The port asked for (0: any free one); null when the gateway is turned off. */
  configuredPort: number | null;
  server: { url: string; port: number } | null;
  portTaken: boolean;
  configProblem: string | null;
}

export function gatewayStatus({ configuredPort, server, portTaken, configProblem }: GatewayFacts): GatewayStatus {
  const base = { config_problem: configProblem };
  if (server) return { ...base, state: 'on', url: server.url, port: server.port, reason: null };
  if (configuredPort === null) {
    return { ...base, state: 'disabled', url: null, port: null, reason: 'turned off (--gateway-port off or BRAINS_GATEWAY_PORT=off); give it a port and restart the daemon to serve it' };
  }
  if (portTaken) {
    return {
      ...base,
      state: 'port_taken',
      url: null,
      port: configuredPort,
      reason: `port ${configuredPort} was in use when the daemon started; set --gateway-port or BRAINS_GATEWAY_PORT to another port (0 for any free one) and restart the daemon`,
    };
  }
  return { ...base, state: 'stopped', url: null, port: configuredPort, reason: 'not listening: the daemon is starting or stopping' };
}
