import { useRef, useState } from 'react';
import { ApiError, type ProblemItem } from '../api/client';
import { createFlow } from './api';
import { maxFlowFileBytes, parseFlowFile } from './flowFile';

export interface ImportOutcome {
  problems: string[] | null;
}

function describe(problem: ProblemItem): string {
  const where = [problem.nodeId && `node “${problem.nodeId}”`, problem.edgeId && `edge “${problem.edgeId}”`, problem.field && `field ${problem.field}`]
    .filter(Boolean)
    .join(', ');
  const message = problem.message ?? (typeof problem.detail === 'string' ? problem.detail : JSON.stringify(problem));
  return where ? `${where}: ${message}` : message;
}

/** What the server said about a refused flow, one line per problem. */
export function problemLines(error: unknown): string[] {
  if (error instanceof ApiError) {
    const lines = error.problems.map(describe);
    return lines.length > 0 ? lines : [error.detail ?? error.title];
  }
  return [error instanceof Error ? error.message : String(error)];
}

/** "Import": picks a .json flow file, saves it as a new flow, and reports every problem the server names. */
export function ImportFlowButton({ onImported, onProblems }: { onImported: (id: string) => void; onProblems: (title: string, lines: string[]) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);

  const onFile = async (file: File) => {
    if (file.size > maxFlowFileBytes) {
      onProblems(`Could not import ${file.name}`, [`The file has ${file.size} bytes; a flow file may have at most ${maxFlowFileBytes}.`]);
      return;
    }
    setBusy(true);
    try {
      const parsed = parseFlowFile(file.name, await file.text());
      if (!parsed.ok) {
        onProblems(`Could not import ${file.name}`, [parsed.problem]);
        return;
      }
      const created = await createFlow(parsed.document);
      onImported(created.id);
    } catch (error) {
      onProblems(`The server refused ${file.name}`, problemLines(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        className="visually-hidden"
        aria-label="Flow file to import"
        tabIndex={-1}
        data-testid="import-file"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) void onFile(file);
        }}
      />
      <button type="button" onClick={() => input.current?.click()} disabled={busy}>
        {busy ? 'Importing…' : 'Import'}
      </button>
    </>
  );
}
