import { FieldProblems } from './FieldProblems';
import { describedBy, helpId, type FieldShellProps } from './FieldShell';

/** As a single field's shell; the problems are those of the group itself, not of its rows. */
export type FieldGroupProps = Omit<FieldShellProps, 'inline'>;

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
      <FieldProblems id={id} problems={problems} />
    </fieldset>
  );
}
