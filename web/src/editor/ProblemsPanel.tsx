import type { ProblemItem } from '../api/client';

export interface ProblemsPanelProps {
  problems: readonly ProblemItem[];
  onSelectNode: (nodeId: string) => void;
  onDismiss: () => void;
}

/** Every problem the server found in the last save; a problem naming a node selects it when clicked. */
export function ProblemsPanel({ problems, onSelectNode, onDismiss }: ProblemsPanelProps) {
  return (
    <section className="editor-problems" role="alert" aria-label="Problems">
      <header>
        <strong>
          {problems.length === 1 ? 'The flow was not saved: 1 problem' : `The flow was not saved: ${problems.length} problems`}
        </strong>
        <button type="button" onClick={onDismiss} aria-label="Dismiss the problems">
          Dismiss
        </button>
      </header>
      <ul>
        {problems.map((p, i) => {
          const nodeId = p.nodeId ?? (Array.isArray(p.nodeIds) && typeof p.nodeIds[0] === 'string' ? p.nodeIds[0] : undefined);
          const message = p.message ?? String(p.code ?? 'Problem');
          return (
            <li key={i}>
              {nodeId ? (
                <button type="button" className="link" onClick={() => onSelectNode(nodeId)}>
                  <code>{nodeId}</code> {message}
                </button>
              ) : (
                <span>
                  {p.edgeId && <code>{p.edgeId}</code>} {message}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
