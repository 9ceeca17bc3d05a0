import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { listNotifications, markAllRead, notificationsKey, type AppNotification } from './api';
import { useNotificationHub } from './useNotificationHub';
import '../styles/notifications.css';

/** The bell in the app header: unread count, a dropdown of the latest notifications, live through the hub. */
export function NotificationBell({ live = true }: { live?: boolean }) {
  useNotificationHub(live);
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const list = useQuery({ queryKey: notificationsKey, queryFn: () => listNotifications() });
  const readAll = useMutation({
    mutationFn: markAllRead,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationsKey }),
  });
  const unread = list.data?.unreadCount ?? 0;

  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div className="bell" ref={root}>
      <button
        type="button"
        className="bell-button"
        aria-expanded={open}
        aria-haspopup="true"
        aria-label={unread === 0 ? 'Notifications' : `Notifications, ${unread} unread`}
        onClick={() => setOpen((o) => !o)}
      >
        <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2">
          <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
          <path d="M13.7 21a2 2 0 0 1-3.4 0" />
        </svg>
        {unread > 0 && (
          <span className="bell-count" data-testid="bell-count">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div className="bell-panel" role="region" aria-label="Notifications">
          <div className="bell-panel-head">
            <strong>Notifications</strong>
            <button type="button" className="link" onClick={() => readAll.mutate()} disabled={unread === 0 || readAll.isPending}>
              Mark all read
            </button>
          </div>
          {list.isPending && <p className="muted bell-empty">Loading…</p>}
          {list.isError && (
            <p className="bell-empty" role="alert">
              Notifications could not be loaded. <button type="button" className="link" onClick={() => void list.refetch()}>Try again</button>
            </p>
          )}
          {list.data && list.data.items.length === 0 && (
            <p className="muted bell-empty">No notifications. Turn them on for a flow in its editor: “Notify me”.</p>
          )}
          {list.data && list.data.items.length > 0 && (
            <ul className="bell-list">
              {list.data.items.map((n) => (
                <NotificationItem key={n.id} notification={n} onOpen={() => setOpen(false)} />
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

function NotificationItem({ notification: n, onOpen }: { notification: AppNotification; onOpen: () => void }) {
  const times = n.count && n.count > 1 ? ` (${n.count} times)` : '';
  return (
    <li className={n.readAt ? 'bell-item' : 'bell-item unread'}>
      <Link to={`/runs/${n.runId}`} onClick={onOpen}>
        <span className="bell-item-title">
          {n.flowName} failed{times}
        </span>
        {n.error && <span className="bell-item-error">{n.error}</span>}
        <time className="muted" dateTime={n.createdAt}>
          {new Date(n.createdAt).toLocaleString()}
        </time>
      </Link>
    </li>
  );
}
