import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client';

/** POST /api/expressions/preview: what a config value gives against a run, as a node of that run would see it. */
export interface ExpressionPreviewResult {
  value: unknown;
  tooLarge: boolean;
  notes: string[];
}

export function previewExpression(
  expression: string,
  runId: string | undefined,
  nodeId: string | undefined,
  signal?: AbortSignal,
): Promise<ExpressionPreviewResult> {
  return api('/api/expressions/preview', { method: 'POST', body: { expression, runId, nodeId }, signal });
}

export type PreviewState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ok'; result: ExpressionPreviewResult }
  | { status: 'error'; message: string; position?: number };

/** Wait after the last keystroke before asking the server. */
export const previewDelayMs = 400;

/** The preview of `text`, asked for once typing pauses; only text holding `{{` is previewed. */
export function useExpressionPreview(text: string, runId: string | undefined, nodeId: string | undefined, enabled = true): PreviewState {
  const [state, setState] = useState<PreviewState>({ status: 'idle' });
  const wanted = enabled && text.includes('{{');
  useEffect(() => {
    if (!wanted) {
      setState({ status: 'idle' });
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      setState({ status: 'loading' });
      previewExpression(text, runId, nodeId, controller.signal).then(
        (result) => setState({ status: 'ok', result: { value: result.value, tooLarge: !!result.tooLarge, notes: result.notes ?? [] } }),
        (error: unknown) => {
          if (controller.signal.aborted) return;
          if (error instanceof ApiError) {
            const body = (error.body ?? {}) as { position?: unknown };
            setState({ status: 'error', message: error.message, position: typeof body.position === 'number' ? body.position : undefined });
          } else {
            setState({ status: 'error', message: error instanceof Error ? error.message : String(error) });
          }
        },
      );
    }, previewDelayMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text, runId, nodeId, wanted]);
  return state;
}
