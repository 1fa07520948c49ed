// What a request cost: the price of the model that ran (else of the name asked for) from gateway.json, times its tokens.
import type { GatewayConfig } from '../../rpc/gateway-config.js';

export interface Price {
  input_per_mtok: number;
  output_per_mtok: number;
}

/** The price of the upstream model, else of the model as the caller named it; null when neither has one. */
export function priceOf(prices: GatewayConfig['prices'], upstreamModel: string | null, model: string | null): Price | null {
  if (!prices) return null;
  for (const name of [upstreamModel, model]) {
    if (name !== null && Object.prototype.hasOwnProperty.call(prices, name)) return prices[name]!;
  }
  return null;
}

export function costOf(price: Price, inputTokens: number, outputTokens: number): number {
  // Rounded to 1e-12 so a record reads 0.0105, not 0.010499999999999999.
  return Math.round(((inputTokens / 1e6) * price.input_per_mtok + (outputTokens / 1e6) * price.output_per_mtok) * 1e12) / 1e12;
}
