// The footer's account of the human's latest action ("sent to frontend", "approval-3 approved"): each action begins by
// clearing the last one's line (and any stale notice), and an outcome that arrives after a newer action began is dropped.
import { useCallback, useRef, useState } from 'react';
import type { Cockpit } from './model/cockpit.js';

/** Say how the action it was handed to went; a later call replaces an earlier one (sending…, then sent). */
export type Report = (text: string) => void;

export function useActionStatus(cockpit: Cockpit): { status: string | null; begin: () => Report } {
  const [status, setStatus] = useState<string | null>(null);
  const latest = useRef(0);
  const begin = useCallback((): Report => {
    const action = ++latest.current;
    setStatus(null);
    if (cockpit.current.notice) cockpit.notify(null);
    return (text) => {
      if (action === latest.current) setStatus(text);
    };
  }, [cockpit]);
  return { status, begin };
}
