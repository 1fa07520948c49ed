// The operator's preamble as a system message before the caller's own: in our shape, and in a pass-through body in the provider's own format.
import type { ChatRequest } from './ir.js';
import type { GatewayEndpoint } from './recorder.js';

export function withPreamble(req: ChatRequest, preamble: string): void {
  req.system = req.system === null || req.system === '' ? preamble : `${preamble}\n\n${req.system}`;
}

/** A caller's body (already checked by its format's parser) with the preamble first: Anthropic's system blocks, OpenAI's messages. */
export function rawWithPreamble(endpoint: GatewayEndpoint, body: Record<string, unknown>, preamble: string): Record<string, unknown> {
  if (endpoint === 'messages') {
    const system = body.system;
    if (Array.isArray(system)) return { ...body, system: [{ type: 'text', text: preamble }, ...system] };
    return { ...body, system: typeof system === 'string' && system !== '' ? `${preamble}\n\n${system}` : preamble };
  }
  if (endpoint === 'chat.completions' && Array.isArray(body.messages)) return { ...body, messages: [{ role: 'system', content: preamble }, ...body.messages] };
  return body;
}
