import { Suspense } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { signOut, type SessionUser } from '../api/session';
import { NotificationBell } from '../notifications/NotificationBell';
import { LoadingState } from './States';

/** Query keys that outlive a sign-out: whether the server has its owner, and the (now empty) session itself. */
const keptAtSignOut = new Set(['setup', 'session']);

export function Layout({ user }: { user: SessionUser }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const onSignOut = async () => {
    try {
      await signOut();
    } finally {
      // Nobody is signed in now: say so instead of asking the server again (a reload would, and get a 401), and drop
      // everything read for this account before the sign-in page shows.
      await queryClient.cancelQueries();
      queryClient.removeQueries({ predicate: (query) => !keptAtSignOut.has(String(query.queryKey[0])) });
      queryClient.setQueryData(['session'], null);
      navigate('/', { replace: true });
    }
  };
  return (
    <div className="app">
      <header className="topbar">
        <NavLink to="/flows" className="brand" aria-label="FlowForge home">
          <img src="/favicon.svg" alt="" width={22} height={22} /> FlowForge
        </NavLink>
        <nav aria-label="Main">
          <NavLink to="/flows">Flows</NavLink>
          <NavLink to="/runs">Runs</NavLink>
          <NavLink to="/connections" end={false}>Connections</NavLink>
          <NavLink to="/tokens">API tokens</NavLink>
          <NavLink to="/settings">Settings</NavLink>
        </nav>
        <div className="topbar-user">
          <NotificationBell />
          <span className="muted">{user.email}</span>
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main className="content">
        <Suspense fallback={<LoadingState label="Loading the page…" />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
