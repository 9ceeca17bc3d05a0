import { NavLink, Outlet } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { signOut, type SessionUser } from '../api/session';
import { NotificationBell } from '../notifications/NotificationBell';

export function Layout({ user }: { user: SessionUser }) {
  const queryClient = useQueryClient();
  const onSignOut = async () => {
    try {
      await signOut();
    } finally {
      queryClient.clear();
      await queryClient.invalidateQueries();
      window.location.assign('/');
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
        <Outlet />
      </main>
    </div>
  );
}
