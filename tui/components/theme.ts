// Colours for the cockpit, or none at all when NO_COLOR is set (https://no-color.org).
const noColor = () => 'NO_COLOR' in process.env && process.env.NO_COLOR !== '';

/** A colour name for Ink, or undefined when colour is off. */
export function tint(color: string): string | undefined {
  return noColor() ? undefined : color;
}
