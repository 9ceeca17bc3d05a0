import { useEffect, useRef, useState } from 'react';
import { HubConnectionBuilder, HubConnectionState, LogLevel } from '@microsoft/signalr';
import type { NodeEvent } from './runCanvas';

export interface RunEvent {
  runId: string;
  status: string;
  error?: string | null;
  at?: string;
}

export type HubState = 'connecting' | 'live' | 'reconnecting' | 'offline';

interface Handlers {
  onNode: (event: NodeEvent) => void;
  onRun: (event: RunEvent) => void;
  /** Called each time watching (re)starts: changes made while not connected are only in a fresh read. */
  onWatching: (status: string) => void;
}

/**
 * Watches one run on the live hub (/hubs/runs): node and run status changes arrive as they are committed.
 * Reconnects on its own and watches again after each reconnect. Pass `enabled: false` for a run that has finished.
 */
export function useRunHub(runId: string, enabled: boolean, handlers: Handlers): HubState {
  const [state, setState] = useState<HubState>('connecting');
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    if (!enabled) {
      setState('offline');
      return;
    }
    let stopped = false;
    const connection = new HubConnectionBuilder()
      .withUrl('/hubs/runs')
      .withAutomaticReconnect()
      // Connection trouble shows in the page (the live indicator), not as console noise.
      .configureLogging(LogLevel.None)
      .build();
    connection.on('node', (e: NodeEvent) => {
      if (e.runId === runId) latest.current.onNode(e);
    });
    connection.on('run', (e: RunEvent) => {
      if (e.runId === runId) latest.current.onRun(e);
    });
    const watch = async () => {
      const status = await connection.invoke<string>('Watch', runId);
      if (!stopped) {
        setState('live');
        latest.current.onWatching(status);
      }
    };
    connection.onreconnecting(() => !stopped && setState('reconnecting'));
    connection.onreconnected(() => {
      watch().catch(() => !stopped && setState('offline'));
    });
    connection.onclose(() => !stopped && setState('offline'));
    setState('connecting');
    connection
      .start()
      .then(watch)
      .catch(() => !stopped && setState('offline'));
    return () => {
      stopped = true;
      if (connection.state !== HubConnectionState.Disconnected) void connection.stop();
    };
  }, [runId, enabled]);

  return state;
}
