import type { ProblemItem } from '../../api/client';

/** A problem about a node: a message, or an item of a 400's `errors` naming the field. */
export type PanelProblem = string | ProblemItem;

export interface SortedProblems {
  /** By path in the node's config (`url`, `cases[0].port`). */
  config: Record<string, string[]>;
  /** By path in the node's data outside its config (`retry.delayMs`, `timeoutMs`, `onError`, `label`). */
  data: Record<string, string[]>;
  /** Those naming no field. */
  general: string[];
}

const segment = String.raw`(?:\.[A-Za-z_$][\w$-]*|\[\d+\])`;
// `nodes[3].data.config.url`, `data.retry.delayMs`, `config.values.x`, `$.source` (a node's own config check).
const fieldPattern = new RegExp(
  String.raw`(?:nodes\[\d+\]\.)?(?:data\.)?(config${segment}*|retry${segment}?|timeoutMs|onError|label)(?![\w$])|\$((?:\.[A-Za-z_$][\w$-]*|\[\d+\])+)`,
);

/** The field path a problem names in a node's data (`config.url`), or undefined. */
export function problemField(field: string | undefined, message: string): string | undefined {
  const source = field ?? message;
  const match = fieldPattern.exec(source);
  if (!match) return undefined;
  if (match[2]) return `config${match[2]}`;
  return match[1];
}

function add(target: Record<string, string[]>, key: string, message: string) {
  (target[key] ??= []).push(message);
}

/** Sorts a node's problems to the fields they name. */
export function sortProblems(problems: readonly PanelProblem[] | undefined): SortedProblems {
  const sorted: SortedProblems = { config: {}, data: {}, general: [] };
  for (const problem of problems ?? []) {
    const message = typeof problem === 'string' ? problem : (problem.message ?? '');
    const field = problemField(typeof problem === 'string' ? undefined : problem.field, message);
    if (!field) sorted.general.push(message);
    else if (field === 'config') add(sorted.config, '', message);
    else if (field.startsWith('config.')) add(sorted.config, field.slice('config.'.length), message);
    else if (field.startsWith('config[')) add(sorted.config, field.slice('config'.length), message);
    else add(sorted.data, field, message);
  }
  return sorted;
}
