import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { HubConnectionBuilder, HubConnectionState, LogLevel } from '@microsoft/signalr';
import { notificationsKey } from './api';

/**
 * Listens on the live hub for "notification" events (every connection of a user hears them) and refreshes the bell's
 * list when one arrives, and after a reconnect (notifications may have come while offline).
 */
export function useNotificationHub(enabled = true) {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!enabled) return;
    const refresh = () => void queryClient.invalidateQueries({ queryKey: notificationsKey });
    const connection = new HubConnectionBuilder()
      .withUrl('/hubs/runs')
      .withAutomaticReconnect()
      .configureLogging(LogLevel.None)
      .build();
    connection.on('notification', refresh);
    connection.onreconnected(refresh);
    connection.start().catch(() => undefined);
    return () => {
      if (connection.state !== HubConnectionState.Disconnected) void connection.stop();
    };
  }, [enabled, queryClient]);
}
