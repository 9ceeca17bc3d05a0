import { lazy } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { fetchSession, fetchSetup } from './api/session';
import { Layout } from './components/Layout';
import { LoadingState, ErrorState } from './components/States';
import { SetupPage } from './pages/SetupPage';
import { SignInPage } from './pages/SignInPage';
import { FlowsPage } from './pages/FlowsPage';

// The flows list is the first page; the others (and what only they use: CodeMirror, React Flow, the connection
// forms) load when they are opened. Layout shows a loading state in their place meanwhile.
const EditorPage = lazy(() => import('./pages/EditorPage').then((m) => ({ default: m.EditorPage })));
const RunsPage = lazy(() => import('./pages/RunsPage').then((m) => ({ default: m.RunsPage })));
const RunPage = lazy(() => import('./pages/RunPage').then((m) => ({ default: m.RunPage })));
const TokensPage = lazy(() => import('./pages/TokensPage').then((m) => ({ default: m.TokensPage })));
const SettingsPage = lazy(() => import('./pages/SettingsPage').then((m) => ({ default: m.SettingsPage })));
const ConnectionsPage = lazy(() => import('./pages/ConnectionsPage').then((m) => ({ default: m.ConnectionsPage })));
const ConnectionsDone = lazy(() => import('./connections/ConnectionsDone').then((m) => ({ default: m.ConnectionsDone })));

/** Decides between "create the owner", "sign in" and the app itself. */
export function App() {
  const setup = useQuery({ queryKey: ['setup'], queryFn: fetchSetup });
  const session = useQuery({ queryKey: ['session'], queryFn: fetchSession, enabled: setup.data?.needsOwner === false });

  if (setup.isPending) return <LoadingState label="Starting FlowForge…" />;
  if (setup.isError) return <ErrorState error={setup.error} onRetry={() => setup.refetch()} />;
  if (setup.data.needsOwner) return <SetupPage />;
  if (session.isPending) return <LoadingState label="Checking your session…" />;
  if (session.isError) return <ErrorState error={session.error} onRetry={() => session.refetch()} />;
  if (!session.data) return <SignInPage />;

  return (
    <Routes>
      <Route element={<Layout user={session.data} />}>
        <Route index element={<Navigate to="/flows" replace />} />
        <Route path="/flows" element={<FlowsPage />} />
        <Route path="/flows/:flowId" element={<EditorPage />} />
        <Route path="/flows/:flowId/runs/:runId" element={<RunPage />} />
        <Route path="/runs" element={<RunsPage />} />
        <Route path="/runs/:runId" element={<RunPage />} />
        <Route path="/connections" element={<ConnectionsPage />} />
        <Route path="/connections/done" element={<ConnectionsDone />} />
        <Route path="/tokens" element={<TokensPage />} />
        <Route path="/settings" element={<SettingsPage />} />
        <Route path="*" element={<Navigate to="/flows" replace />} />
      </Route>
    </Routes>
  );
}
