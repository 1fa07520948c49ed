// The launchd LaunchAgent that runs the daemon, and its ProgramArguments read back (for `brains service status`).
import { SERVICE_MARKER } from '../../rpc/service-start.js';
import type { ServiceSpec } from './spec.js';

/**
 * The plist's text. RunAtLoad starts the daemon at login (and at bootstrap); KeepAlive {SuccessfulExit: false} restarts
 * it when it crashes but not after it stopped cleanly (brains down, a shutdown call), the same rule as systemd's
 * Restart=on-failure. launchd appends the daemon's output to StandardOutPath and StandardErrorPath.
 */
export function plistText(label: string, spec: ServiceSpec): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    `<!-- ${SERVICE_MARKER}: the brains daemon of one state dir. brains service install rewrites this file; brains service uninstall removes it. -->`,
    '<plist version="1.0">',
    '<dict>',
    '  <key>Label</key>',
    `  <string>${xml(label)}</string>`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...spec.argv.map((arg) => `    <string>${xml(arg)}</string>`),
    '  </array>',
    '  <key>EnvironmentVariables</key>',
    '  <dict>',
    ...spec.environment.flatMap(([key, value]) => [`    <key>${xml(key)}</key>`, `    <string>${xml(value)}</string>`]),
    '  </dict>',
    '  <key>StandardOutPath</key>',
    `  <string>${xml(spec.log)}</string>`,
    '  <key>StandardErrorPath</key>',
    `  <string>${xml(spec.log)}</string>`,
    '  <key>RunAtLoad</key>',
    '  <true/>',
    '  <key>KeepAlive</key>',
    '  <dict>',
    '    <key>SuccessfulExit</key>',
    '    <false/>',
    '  </dict>',
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function unxml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/** The ProgramArguments of a plist brains wrote; null when it has none. */
export function plistProgramArguments(text: string): string[] | null {
  const array = /<key>ProgramArguments<\/key>\s*<array>([\s\S]*?)<\/array>/.exec(text)?.[1];
  if (array === undefined) return null;
  return [...array.matchAll(/<string>([\s\S]*?)<\/string>/g)].map((m) => unxml(m[1]!));
}
