// Tells the app's other tabs that a connection was made: the editor that opened an OAuth consent page in a new tab
// refreshes its connection list when that tab comes back to the Connections page.
import { useEffect, useRef } from 'react';

const channelName = 'flowforge-connections';

export function announceConnected(id: string): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(channelName);
  channel.postMessage({ type: 'connected', id });
  channel.close();
}

/** Calls `onChange` with the new connection's id when another tab made one, and without when this window gets the focus back. */
export function useConnectionEvents(onChange: (connectedId?: string) => void): void {
  const latest = useRef(onChange);
  useEffect(() => {
    latest.current = onChange;
  }, [onChange]);
  useEffect(() => {
    const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(channelName);
    const onMessage = (event: MessageEvent) => {
      const data = event.data as { type?: string; id?: unknown } | null;
      if (data?.type === 'connected' && typeof data.id === 'string') latest.current(data.id);
    };
    const onFocus = () => latest.current();
    channel?.addEventListener('message', onMessage);
    window.addEventListener('focus', onFocus);
    return () => {
      channel?.removeEventListener('message', onMessage);
      channel?.close();
      window.removeEventListener('focus', onFocus);
    };
  }, []);
}
