// Ink writes no frames until exit when it thinks it runs in CI; on a real terminal the cockpit must draw.

/** Removes the variables Ink's CI check looks at (CI, CONTINUOUS_INTEGRATION, CI_*) from the given environment. */
export function dropCiMarkers(env: NodeJS.ProcessEnv): void {
  for (const key of Object.keys(env)) if (key === 'CI' || key === 'CONTINUOUS_INTEGRATION' || key.startsWith('CI_')) delete env[key];
}
