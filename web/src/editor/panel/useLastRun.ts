import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { RunData } from '../../forms/expressionCompletion';

interface RunPage {
  items: Array<{ id: string }>;
}

interface RunDetailsJson {
  id: string;
  input?: unknown;
  nodes: Array<{ nodeId: string; output?: unknown; status: string }>;
}

/** The flow's newest run (or the one given) with its input and node outputs, for completion and preview. */
export function useLastRun(flowId: string | undefined, lastRunId: string | undefined) {
  const runId = useQuery({
    queryKey: ['flows', flowId, 'last-run-id'],
    queryFn: async () => (await api<RunPage>(`/api/flows/${flowId}/runs?limit=1`)).items[0]?.id ?? null,
    enabled: !!flowId && !lastRunId,
    staleTime: 10_000,
  });
  const id = lastRunId ?? runId.data ?? undefined;
  const run = useQuery({
    queryKey: ['runs', id],
    queryFn: () => api<RunDetailsJson>(`/api/runs/${id}`),
    enabled: !!id,
    staleTime: 10_000,
  });
  const data: RunData | undefined = run.data
    ? { input: run.data.input, nodes: run.data.nodes.map((n) => ({ nodeId: n.nodeId, output: n.status === 'Succeeded' ? (n.output ?? undefined) : undefined })) }
    : undefined;
  return { runId: id, run: data, loading: runId.isLoading || run.isLoading, error: runId.error ?? run.error };
}
