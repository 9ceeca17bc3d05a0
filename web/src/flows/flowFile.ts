// Flow files: a flow's stored document saved as `<name>.flow.json`, and such a file read back for import.

/** Files larger than this are not read at all: no flow document comes near it (the server takes 4 MiB by default). */
export const maxFlowFileBytes = 16 * 1024 * 1024;

/** A file name for the flow: its name with characters file systems refuse replaced, then `.flow.json`. */
export function flowFileName(name: string): string {
  const safe = name
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '-')
    .trim()
    .slice(0, 120);
  return `${safe || 'flow'}.flow.json`;
}

/** Saves the document through the browser's download. */
export function downloadFlow(name: string, document: unknown): void {
  const blob = new Blob([JSON.stringify(document, null, 2) + '\n'], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = window.document.createElement('a');
  link.href = url;
  link.download = flowFileName(name);
  link.style.display = 'none';
  window.document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export type ParsedFlowFile = { ok: true; document: Record<string, unknown> } | { ok: false; problem: string };

/** The JSON object in a flow file, or what is wrong with the file in words a person can act on. */
export function parseFlowFile(fileName: string, text: string): ParsedFlowFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: `${fileName} is not valid JSON (${reason}).` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, problem: `${fileName} must hold one flow: a JSON object with "name", "nodes" and "edges".` };
  }
  const document = parsed as Record<string, unknown>;
  if (typeof document.name !== 'string' || document.name.trim() === '') {
    document.name = fileName.replace(/(\.flow)?\.json$/i, '') || 'Imported flow';
  }
  return { ok: true, document };
}
