import { errorId } from './FieldShell';

/** A field's problems, under its controls: the element its aria-describedby names. Nothing when there are none. */
export function FieldProblems({ id, problems }: { id: string; problems: readonly string[] }) {
  if (problems.length === 0) return null;
  return (
    <div className="field-error" id={errorId(id)} role="alert">
      {problems.map((p) => (
        <p key={p}>{p}</p>
      ))}
    </div>
  );
}
