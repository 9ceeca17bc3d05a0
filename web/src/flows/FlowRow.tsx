import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../api/client';
import { ActiveSwitch } from './ActiveSwitch';
import { createFlow, deleteFlow, getFlow, type FlowListItem } from './api';
import { ConfirmDialog } from './ConfirmDialog';
import { downloadFlow } from './flowFile';
import { RunStatusBadge } from './RunStatusBadge';
import { TriggerBadges } from './TriggerBadges';

function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.detail ?? error.title;
  return error instanceof Error ? error.message : String(error);
}

/** One flow in the table with its switch, last run, a link to its run history and the duplicate, export and delete actions. */
export function FlowRow({ flow, now }: { flow: FlowListItem; now?: number }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['flows'] });

  const duplicate = useMutation({
    mutationFn: async () => {
      const stored = await getFlow(flow.id);
      return createFlow({ ...stored.definition, name: `${stored.name} (copy)` });
    },
    onMutate: () => setProblem(null),
    onSuccess: refresh,
    onError: (error) => setProblem(`Could not duplicate: ${messageOf(error)}`),
  });
  const exportFile = useMutation({
    mutationFn: () => getFlow(flow.id),
    onMutate: () => setProblem(null),
    onSuccess: (stored) => downloadFlow(stored.name, stored.definition),
    onError: (error) => setProblem(`Could not export: ${messageOf(error)}`),
  });
  const remove = useMutation({
    mutationFn: () => deleteFlow(flow.id),
    onSuccess: async () => {
      setConfirming(false);
      await refresh();
    },
  });

  return (
    <tr>
      <td className="ff-name">
        <Link to={`/flows/${flow.id}`}>{flow.name}</Link>
        {problem && (
          <p className="ff-row-problem" role="alert">
            {problem}
          </p>
        )}
      </td>
      <td>
        <TriggerBadges kinds={flow.triggerKinds} />
      </td>
      <td>
        <ActiveSwitch flowId={flow.id} flowName={flow.name} active={flow.active} />
      </td>
      <td>
        <RunStatusBadge run={flow.lastRun} now={now} />
      </td>
      <td className="ff-actions">
        <Link className="button-link" to={`/runs?flowId=${flow.id}`} aria-label={`Run history of ${flow.name}`}>
          Runs
        </Link>
        <button type="button" onClick={() => duplicate.mutate()} disabled={duplicate.isPending} aria-label={`Duplicate ${flow.name}`}>
          {duplicate.isPending ? 'Duplicating…' : 'Duplicate'}
        </button>
        <button type="button" onClick={() => exportFile.mutate()} disabled={exportFile.isPending} aria-label={`Export ${flow.name}`}>
          Export
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => {
            remove.reset();
            setConfirming(true);
          }}
          aria-label={`Delete ${flow.name}`}
        >
          Delete
        </button>
        {confirming && (
          <ConfirmDialog
            title={`Delete “${flow.name}”?`}
            confirmLabel="Delete flow"
            busy={remove.isPending}
            error={remove.isError ? `Could not delete: ${messageOf(remove.error)}` : null}
            onConfirm={() => remove.mutate()}
            onCancel={() => setConfirming(false)}
          >
            <p>
              The flow disappears from your list and its triggers stop. Runs it already made stay readable under Runs.
            </p>
          </ConfirmDialog>
        )}
      </td>
    </tr>
  );
}
