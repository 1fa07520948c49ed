// "Needs you": the terminal bell and an OSC 9 desktop notification; inside tmux the OSC goes through tmux's passthrough
// (which needs `set -g allow-passthrough on`); terminals that do not know OSC 9 ignore it.

/** Control characters would end the sequence early or do something else: keep the text printable and short. */
function clean(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').slice(0, 200);
}

export function notificationSequence(text: string, env: NodeJS.ProcessEnv = process.env): string {
  const osc = `\u001b]9;${clean(text)}\u0007`;
  if (!env.TMUX) return `\u0007${osc}`;
  // tmux passthrough: DCS tmux; <the sequence with every ESC doubled> ST
  return `\u0007\u001bPtmux;${osc.replaceAll('\u001b', '\u001b\u001b')}\u001b\\`;
}
