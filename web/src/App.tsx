import { Navigate, Route, Routes } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { fetchSession, fetchSetup } from './api/session';
import { Layout } from './components/Layout';
import { LoadingState, ErrorState } from './components/States';
import { SetupPage } from './pages/SetupPage';
import { SignInPage } from './pages/SignInPage';
import { FlowsPage } from './pages/FlowsPage';
import { EditorPage } from './pages/EditorPage';
import { RunsPage } from './pages/RunsPage';
import { RunPage } from './pages/RunPage';
import { TokensPage } from './pages/TokensPage';
import { SettingsPage } from './pages/SettingsPage';
import { ConnectionsPage } from './pages/ConnectionsPage';
import { ConnectionsDone } from './connections/ConnectionsDone';

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
