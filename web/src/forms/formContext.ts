import { createContext, useContext } from 'react';

/** What expression fields need from the page: paths to complete, and the run and node to preview against. */
export interface ExpressionSupport {
  paths: readonly string[];
  runId?: string;
  nodeId?: string;
  /** Off in tests or pages that have no server to ask. */
  preview?: boolean;
}

/** The node's `connectionId` setting picks one of the user's connections, of `provider` when the node names one. */
export interface ConnectionSupport {
  provider: string | null;
}

export interface FormContextValue {
  expressions: ExpressionSupport;
  /** Set for node forms: a top-level `connectionId` (or a field marked `x-connection`) becomes a connection picker. */
  connections?: ConnectionSupport;
  /** Problems by field path (`values.x`, `cases[0].port`); '' holds those about the whole value. */
  problems: Readonly<Record<string, readonly string[]>>;
}

export const FormContext = createContext<FormContextValue>({ expressions: { paths: [] }, problems: {} });

export function useFormContext(): FormContextValue {
  return useContext(FormContext);
}

/** Joins a field path: `values` + `x` → `values.x`; numbers become `[n]`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/** Problems for a field: those naming it, and, for a field without sub-fields, those naming anything inside it. */
export function problemsFor(problems: FormContextValue['problems'], path: string, leaf: boolean): string[] {
  const found: string[] = [];
  for (const [key, messages] of Object.entries(problems)) {
    if (key === path || (leaf && (key.startsWith(`${path}.`) || key.startsWith(`${path}[`)))) found.push(...messages);
  }
  return found;
}
