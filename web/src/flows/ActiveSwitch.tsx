import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../api/client';
import { setFlowActive } from './api';

/** Turns a flow's webhook and schedule triggers on or off; when the server refuses, says why next to the switch. */
export function ActiveSwitch({ flowId, flowName, active }: { flowId: string; flowName: string; active: boolean }) {
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<string | null>(null);
  const mutation = useMutation({
    mutationFn: (next: boolean) => setFlowActive(flowId, next),
    onMutate: () => setProblem(null),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['flows'] }),
    onError: (error) => setProblem(error instanceof ApiError ? (error.detail ?? error.title) : String(error)),
  });
  const shown = mutation.isPending ? !active : active;
  const problemId = `active-problem-${flowId}`;
  return (
    <div className="ff-switch-cell">
      <button
        type="button"
        role="switch"
        aria-checked={shown}
        aria-label={`Active: ${flowName}`}
        aria-describedby={problem ? problemId : undefined}
        className="ff-switch"
        disabled={mutation.isPending}
        onClick={() => mutation.mutate(!active)}
      >
        <span className="ff-switch-track" aria-hidden="true">
          <span className="ff-switch-thumb" />
        </span>
        <span className="ff-switch-label">{shown ? 'On' : 'Off'}</span>
      </button>
      {problem && (
        <p id={problemId} className="ff-row-problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
