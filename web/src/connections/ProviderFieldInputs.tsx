import type { ProviderField } from './api';
import { isSecretField, type FieldValues } from './providerFields';

interface ProviderFieldInputsProps {
  fields: ProviderField[];
  values: FieldValues;
  onChange: (values: FieldValues) => void;
  problems: Record<string, string>;
  idBase: string;
}

/** Inputs for a provider's fields; secret ones are password inputs that start empty. */
export function ProviderFieldInputs({ fields, values, onChange, problems, idBase }: ProviderFieldInputsProps) {
  return (
    <>
      {fields.map((field) => {
        const id = `${idBase}-pf-${field.name}`;
        const problem = problems[field.name];
        const common = {
          id,
          value: values[field.name] ?? '',
          'aria-invalid': problem ? true : undefined,
          'aria-describedby': problem ? `${id}-error` : undefined,
        };
        const set = (value: string) => onChange({ ...values, [field.name]: value });
        return (
          <div key={field.name} className={`field${problem ? ' field-invalid' : ''}`}>
            <label className="field-label" htmlFor={id}>
              {field.label}
              {field.required && (
                <span className="field-required" aria-hidden="true">
                  {' '}
                  *
                </span>
              )}
            </label>
            {field.type === 'select' && field.options?.length ? (
              <select {...common} onChange={(e) => set(e.target.value)}>
                {field.options.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            ) : (
              <input
                {...common}
                type={isSecretField(field) ? 'password' : field.type === 'number' ? 'number' : field.type === 'url' ? 'url' : 'text'}
                autoComplete={isSecretField(field) ? 'new-password' : 'off'}
                spellCheck={false}
                placeholder={isSecretField(field) ? undefined : (field.default ?? undefined)}
                onChange={(e) => set(e.target.value)}
              />
            )}
            {problem && (
              <p className="field-error" id={`${id}-error`} role="alert">
                {problem}
              </p>
            )}
          </div>
        );
      })}
    </>
  );
}
