import type { ReactNode } from 'react';
import { FieldProblems } from './FieldProblems';

export interface FieldShellProps {
  id: string;
  label: string;
  description?: string;
  required?: boolean;
  problems: readonly string[];
  children: ReactNode;
  /** Checkboxes put their label after the box. */
  inline?: boolean;
}

export const helpId = (id: string) => `${id}-help`;
export const errorId = (id: string) => `${id}-error`;
export const labelId = (id: string) => `${id}-label`;

/** The ids a control is described by: its help text and its problems. */
export function describedBy(id: string, description: string | undefined, problems: readonly string[]): string | undefined {
  const ids = [description ? helpId(id) : null, problems.length > 0 ? errorId(id) : null].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

/** Label, help text and problems around one control. */
export function FieldShell({ id, label, description, required, problems, children, inline }: FieldShellProps) {
  const labelNode = (
    <label className="field-label" id={labelId(id)} htmlFor={id}>
      {label}
      {required && (
        <span className="field-required" aria-hidden="true">
          {' '}
          *
        </span>
      )}
    </label>
  );
  return (
    <div className={`field${problems.length > 0 ? ' field-invalid' : ''}${inline ? ' field-inline' : ''}`}>
      {inline ? (
        <div className="field-inline-row">
          {children}
          {labelNode}
        </div>
      ) : (
        <>
          {labelNode}
          {children}
        </>
      )}
      {description && (
        <p className="field-help" id={helpId(id)}>
          {description}
        </p>
      )}
      <FieldProblems id={id} problems={problems} />
    </div>
  );
}
