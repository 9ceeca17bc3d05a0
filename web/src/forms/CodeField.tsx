import { CodeEditor } from './CodeEditor';
import { describedBy, FieldShell, labelId } from './FieldShell';
import { codeLanguage } from './fieldKind';
import { fieldId, titleOf, type FieldProps } from './fieldProps';
import { problemsFor, useFormContext } from './formContext';

/** Source code (such as core.code's JavaScript) in a code editor for its language. */
export function CodeField({ name, path, schema, value, onChange, required, idBase }: FieldProps) {
  const { problems } = useFormContext();
  const id = fieldId(idBase, path);
  const own = problemsFor(problems, path, true);
  return (
    <FieldShell id={id} label={titleOf(name, schema)} description={schema.description} required={required} problems={own}>
      <CodeEditor
        id={id}
        value={typeof value === 'string' ? value : ''}
        onChange={(next) => onChange(next === '' ? undefined : next)}
        language={codeLanguage(schema) ?? 'text'}
        labelledBy={labelId(id)}
        describedBy={describedBy(id, schema.description, own)}
        placeholder={typeof schema.default === 'string' ? schema.default : undefined}
        invalid={own.length > 0}
        required={required}
      />
    </FieldShell>
  );
}
