// Migration 20: how each gateway request was routed: the classifier's class, the tier, the reasons, the provider calls made and the model fallen back from.
export default {
  version: 20,
  name: 'gateway_routing',
  sql: `
    ALTER TABLE gateway_requests ADD COLUMN route_class TEXT;
    ALTER TABLE gateway_requests ADD COLUMN route_tier TEXT;
    ALTER TABLE gateway_requests ADD COLUMN route_reasons TEXT;
    ALTER TABLE gateway_requests ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE gateway_requests ADD COLUMN fallback_from TEXT;
  `,
};
