import type { ReactNode } from 'react';
import { describedBy, errorId, helpId } from './FieldShell';

export interface FieldGroupProps {
  id: string;
  label: string;
  description?: string;
  required?: boolean;
  /** Problems of the group itself (not of its rows), listed under it. */
  problems: readonly string[];
  children: ReactNode;
}

/** Legend, help text and problems around a field made of several controls: rows of a list or of name and value. */
export function FieldGroup({ id, label, description, required, problems, children }: FieldGroupProps) {
  return (
    <fieldset className={`field field-group${problems.length > 0 ? ' field-invalid' : ''}`} aria-describedby={describedBy(id, description, problems)}>
      <legend className="field-label">
        {label}
        {required && <span className="field-required" aria-hidden="true"> *</span>}
      </legend>
      {description && (
        <p className="field-help" id={helpId(id)}>
          {description}
        </p>
      )}
      {children}
      {problems.length > 0 && (
        <div className="field-error" id={errorId(id)} role="alert">
          {problems.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
      )}
    </fieldset>
  );
}
