import { useEffect, useState } from 'react';
import type { JsonSchema } from '../api/nodeTypes';
import { CodeField } from './CodeField';
import { ConnectionField } from './ConnectionField';
import { ExpressionField } from './ExpressionField';
import { describedBy, FieldShell } from './FieldShell';
import { FieldGroup } from './FieldGroup';
import { fieldKind, placeholderOf } from './fieldKind';
import { fieldId, titleOf, type FieldProps } from './fieldProps';
import { childPath, problemsFor, useFormContext } from './formContext';
import { JsonField } from './JsonField';
import { KeyValueField } from './KeyValueField';
import { ObjectListField, StringListField } from './ListFields';

function isLong(schema: JsonSchema): boolean {
  return schema.format === 'textarea' || schema['x-multiline'] === true || (typeof schema.maxLength === 'number' && schema.maxLength > 200);
}

function TextField({ name, path, schema, value, onChange, required, idBase, multiline, secret }: FieldProps & { multiline?: boolean; secret?: boolean }) {
  const { problems } = useFormContext();
  const id = fieldId(idBase, path);
  const own = problemsFor(problems, path, true);
  const common = {
    id,
    value: typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value),
    placeholder: placeholderOf(schema),
    required,
    'aria-invalid': own.length > 0 || undefined,
    'aria-describedby': describedBy(id, schema.description, own),
    maxLength: typeof schema.maxLength === 'number' ? schema.maxLength : undefined,
  };
  const change = (text: string) => onChange(text === '' && !required ? undefined : text);
  return (
    <FieldShell id={id} label={titleOf(name, schema)} description={schema.description} required={required} problems={own}>
      {multiline ? (
        <textarea {...common} rows={4} onChange={(e) => change(e.target.value)} />
      ) : (
        <input {...common} type={secret ? 'password' : 'text'} autoComplete={secret ? 'new-password' : undefined} onChange={(e) => change(e.target.value)} />
      )}
    </FieldShell>
  );
}

/** Numbers keep the text being typed ("1.", "-") until it reads as a number within the bounds. */
function NumberField({ name, path, schema, value, onChange, required, idBase, integer }: FieldProps & { integer: boolean }) {
  const { problems } = useFormContext();
  const id = fieldId(idBase, path);
  const [text, setText] = useState(typeof value === 'number' ? String(value) : '');
  useEffect(() => {
    setText((current) => (Number(current) === value && current !== '' ? current : typeof value === 'number' ? String(value) : ''));
  }, [value]);
  const min = typeof schema.minimum === 'number' ? schema.minimum : undefined;
  const max = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  let local: string | null = null;
  if (text !== '') {
    const n = Number(text);
    if (!Number.isFinite(n)) local = 'Enter a number.';
    else if (integer && !Number.isInteger(n)) local = 'Enter a whole number.';
    else if (min !== undefined && n < min) local = `The least allowed is ${min}.`;
    else if (max !== undefined && n > max) local = `The most allowed is ${max}.`;
  }
  const own = [...(local ? [local] : []), ...problemsFor(problems, path, true)];
  const bounds = min !== undefined && max !== undefined ? `${min} to ${max}` : min !== undefined ? `at least ${min}` : max !== undefined ? `at most ${max}` : '';
  const help = [schema.description, bounds && `From ${bounds}.`.replace('From at', 'At')].filter(Boolean).join(' ') || undefined;
  return (
    <FieldShell id={id} label={titleOf(name, schema)} description={help} required={required} problems={own}>
      <input
        id={id}
        type="number"
        inputMode={integer ? 'numeric' : 'decimal'}
        step={integer ? 1 : 'any'}
        min={min}
        max={max}
        value={text}
        placeholder={placeholderOf(schema)}
        required={required}
        aria-invalid={own.length > 0 || undefined}
        aria-describedby={describedBy(id, help, own)}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          if (next === '') onChange(undefined);
          else {
            const n = Number(next);
            if (Number.isFinite(n) && (!integer || Number.isInteger(n)) && (min === undefined || n >= min) && (max === undefined || n <= max)) onChange(n);
          }
        }}
      />
    </FieldShell>
  );
}

function BooleanField({ name, path, schema, value, onChange, idBase }: FieldProps) {
  const { problems } = useFormContext();
  const id = fieldId(idBase, path);
  const own = problemsFor(problems, path, true);
  const checked = typeof value === 'boolean' ? value : schema.default === true;
  return (
    <FieldShell id={id} label={titleOf(name, schema)} description={schema.description} problems={own} inline>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        aria-invalid={own.length > 0 || undefined}
        aria-describedby={describedBy(id, schema.description, own)}
        onChange={(e) => onChange(e.target.checked)}
      />
    </FieldShell>
  );
}

function EnumField({ name, path, schema, value, onChange, required, idBase }: FieldProps) {
  const { problems } = useFormContext();
  const id = fieldId(idBase, path);
  const own = problemsFor(problems, path, true);
  const options = (schema.enum ?? []).filter((o) => o !== null);
  const index = options.findIndex((o) => o === value);
  const fallback = schema.default !== undefined ? `Default (${String(schema.default)})` : 'Not set';
  return (
    <FieldShell id={id} label={titleOf(name, schema)} description={schema.description} required={required} problems={own}>
      <select
        id={id}
        value={index >= 0 ? String(index) : ''}
        required={required}
        aria-invalid={own.length > 0 || undefined}
        aria-describedby={describedBy(id, schema.description, own)}
        onChange={(e) => onChange(e.target.value === '' ? undefined : options[Number(e.target.value)])}
      >
        {(!required || index < 0) && <option value="">{fallback}</option>}
        {options.map((o, i) => (
          <option key={String(o)} value={String(i)}>
            {String(o)}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

/** The properties of an object schema, one field each, in the schema's order. */
export function ObjectProperties({
  schema,
  value,
  path,
  idBase,
  onChange,
}: {
  schema: JsonSchema;
  value: Record<string, unknown>;
  path: string;
  idBase: string;
  onChange: (value: Record<string, unknown>) => void;
}) {
  const required = new Set(schema.required ?? []);
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([name, property]) => (
        <SchemaField
          key={name}
          name={name}
          path={childPath(path, name)}
          schema={property}
          value={value[name]}
          required={required.has(name)}
          idBase={idBase}
          onChange={(next) => {
            const copy = { ...value };
            if (next === undefined) delete copy[name];
            else copy[name] = next;
            onChange(copy);
          }}
        />
      ))}
    </>
  );
}

function ObjectField({ name, path, schema, value, onChange, required, idBase }: FieldProps) {
  const { problems } = useFormContext();
  const id = fieldId(idBase, path);
  const own = problemsFor(problems, path, false);
  const object = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  return (
    <FieldGroup id={id} label={titleOf(name, schema)} description={schema.description} required={required} problems={own}>
      <ObjectProperties schema={schema} value={object} path={path} idBase={idBase} onChange={(next) => onChange(Object.keys(next).length === 0 && !required ? undefined : next)} />
    </FieldGroup>
  );
}

/** One field, its control chosen by {@link fieldKind} from the schema alone. */
export function SchemaField(props: FieldProps) {
  const { connections } = useFormContext();
  if (connections && (props.path === 'connectionId' || props.schema['x-connection'] === true)) return <ConnectionField {...props} provider={connections.provider} />;
  switch (fieldKind(props.schema)) {
    case 'text':
      return <TextField {...props} />;
    case 'multiline':
      return <TextField {...props} multiline />;
    case 'expression':
      return <ExpressionField {...props} multiline={isLong(props.schema)} />;
    case 'anyValue':
      return <ExpressionField {...props} anyValue />;
    case 'secret':
      return <TextField {...props} secret />;
    case 'code':
      return <CodeField {...props} />;
    case 'number':
      return <NumberField {...props} integer={false} />;
    case 'integer':
      return <NumberField {...props} integer />;
    case 'boolean':
      return <BooleanField {...props} />;
    case 'enum':
      return <EnumField {...props} />;
    case 'keyValue':
      return <KeyValueField {...props} />;
    case 'objectList':
      return <ObjectListField {...props} />;
    case 'stringList':
      return <StringListField {...props} />;
    case 'object':
      return <ObjectField {...props} />;
    default:
      return <JsonField {...props} />;
  }
}
