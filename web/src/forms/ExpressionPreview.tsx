import { useExpressionPreview } from './previewExpression';

function show(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value, null, 2);
}

/** The value the text evaluates to against the last run, below an expression field. */
export function ExpressionPreview({ text, runId, nodeId }: { text: string; runId?: string; nodeId?: string }) {
  const state = useExpressionPreview(text, runId, nodeId);
  if (state.status === 'idle') return null;
  return (
    <div className={`expression-preview preview-${state.status}`} aria-live="polite">
      <span className="expression-preview-label">{runId ? 'Preview (last run)' : 'Preview'}</span>
      {state.status === 'loading' && <span className="expression-preview-pending">Evaluating…</span>}
      {state.status === 'error' && (
        <span className="expression-preview-error">
          {state.message.replace(/^expression in (node '.*?' )?preview: /, '')}
          {state.position !== undefined && ` (character ${state.position + 1})`}
        </span>
      )}
      {state.status === 'ok' && (
        <>
          {state.result.tooLarge ? (
            <span className="expression-preview-pending">The value is too large to show here.</span>
          ) : (
            <pre className="expression-preview-value" data-testid="expression-preview-value">
              {show(state.result.value)}
            </pre>
          )}
          {state.result.notes.map((n) => (
            <span key={n} className="expression-preview-note">
              {n}
            </span>
          ))}
        </>
      )}
    </div>
  );
}
