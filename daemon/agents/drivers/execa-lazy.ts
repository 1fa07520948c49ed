// execa loads when an agent process first starts, so a daemon that runs no agents does not carry its module graph.
let loading: Promise<typeof import('execa')> | null = null;

export function loadExeca(): Promise<typeof import('execa')> {
  return (loading ??= import('execa'));
}
