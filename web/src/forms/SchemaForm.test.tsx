import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JsonSchema, NodeTypeDescriptor } from '../api/nodeTypes';
import { SchemaForm } from './SchemaForm';
import { editorNamed, setEditorText } from './testing';
import nodeTypes from './__fixtures__/node-types.json';

const noPreview = { paths: [], preview: false };

function renderForm(schema: JsonSchema, value: Record<string, unknown> = {}, problems?: Record<string, string[]>) {
  const onChange = vi.fn();
  const result = render(<SchemaForm schema={schema} value={value} onChange={onChange} problems={problems} expressions={noPreview} />);
  const rerender = (next: Record<string, unknown>) =>
    result.rerender(<SchemaForm schema={schema} value={next} onChange={onChange} problems={problems} expressions={noPreview} />);
  return { ...result, onChange, rerender, last: () => onChange.mock.calls.at(-1)?.[0] as Record<string, unknown> };
}

afterEach(() => vi.restoreAllMocks());

describe('SchemaForm', () => {
  it('renders a text field with its title, help, default as placeholder and required mark, and reports changes', () => {
    const form = renderForm({
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', title: 'Name', description: 'Who to greet.', default: 'world' } },
    });
    const input = screen.getByLabelText(/Name/) as HTMLInputElement;
    expect(input.placeholder).toBe('world');
    expect(input.required).toBe(true);
    expect(input.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(input.getAttribute('aria-describedby')!)!.textContent).toBe('Who to greet.');
    fireEvent.change(input, { target: { value: 'Ada' } });
    expect(form.last()).toEqual({ name: 'Ada' });
  });

  it('uses a multi-line box for long text', () => {
    renderForm({ type: 'object', properties: { note: { type: 'string', title: 'Note', maxLength: 10_000 } } });
    expect(screen.getByLabelText('Note').tagName).toBe('TEXTAREA');
  });

  it('reports numbers within their bounds and explains ones outside', () => {
    const form = renderForm({ type: 'object', properties: { ms: { type: 'integer', title: 'Ms', minimum: 0, maximum: 100 } } });
    const input = screen.getByLabelText('Ms');
    fireEvent.change(input, { target: { value: '42' } });
    expect(form.last()).toEqual({ ms: 42 });
    form.onChange.mockClear();
    fireEvent.change(input, { target: { value: '500' } });
    expect(form.onChange).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toContain('The most allowed is 100.');
    fireEvent.change(input, { target: { value: '' } });
    expect(form.last()).toEqual({});
  });

  it('reports a checkbox as a boolean', () => {
    const form = renderForm({ type: 'object', properties: { follow: { type: 'boolean', title: 'Follow redirects', default: true } } });
    const box = screen.getByLabelText('Follow redirects') as HTMLInputElement;
    expect(box.checked).toBe(true);
    fireEvent.click(box);
    expect(form.last()).toEqual({ follow: false });
  });

  it('renders an enum as a select with the default named', () => {
    const form = renderForm({
      type: 'object',
      properties: { mode: { type: 'string', title: 'Mode', enum: ['object', 'append', 'first'], default: 'object' } },
    });
    const select = screen.getByLabelText('Mode') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['Default (object)', 'object', 'append', 'first']);
    fireEvent.change(select, { target: { value: '1' } });
    expect(form.last()).toEqual({ mode: 'append' });
  });

  it('edits an object of texts as rows that can be added and removed', () => {
    const form = renderForm(
      { type: 'object', properties: { headers: { type: ['object', 'null'], title: 'Headers', additionalProperties: { type: 'string' } } } },
      { headers: { Accept: 'text/plain' } },
    );
    expect((screen.getByLabelText('Headers: name 1') as HTMLInputElement).value).toBe('Accept');
    fireEvent.click(screen.getByRole('button', { name: 'Add entry' }));
    fireEvent.change(screen.getByLabelText('Headers: name 2'), { target: { value: 'X-Id' } });
    fireEvent.change(screen.getByLabelText('Headers: value 2'), { target: { value: '7' } });
    expect(form.last()).toEqual({ headers: { Accept: 'text/plain', 'X-Id': '7' } });
    fireEvent.click(screen.getByRole('button', { name: 'Remove Headers entry 1' }));
    expect(form.last()).toEqual({ headers: { 'X-Id': '7' } });
  });

  it('edits values that accept expressions in key/value rows with a code editor', () => {
    const form = renderForm(
      {
        type: 'object',
        properties: { responseHeaders: { type: ['object', 'null'], title: 'Response headers', additionalProperties: { type: 'string', 'x-expression': true } } },
      },
      { responseHeaders: { 'X-Run': '{{ input.id }}' } },
    );
    expect(form.container.querySelector('.cm-ff-template')!.textContent).toBe('{{ input.id }}');
    act(() => setEditorText(editorNamed(form.container, 'Response headers: value 1'), '{{ input.other }}'));
    expect(form.last()).toEqual({ responseHeaders: { 'X-Run': '{{ input.other }}' } });
  });

  it('edits a list of objects with add, remove and reorder', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        cases: {
          type: 'array',
          title: 'Cases',
          items: { type: 'object', properties: { port: { type: 'string', title: 'Port' }, note: { type: 'string', title: 'Note' } }, required: ['port'] },
        },
      },
    };
    const form = renderForm(schema, { cases: [{ port: 'gold' }, { port: 'silver' }] });
    expect(screen.getAllByRole('group', { name: /^Case \d/ })).toHaveLength(2);
    fireEvent.click(screen.getByRole('button', { name: 'Move case 2 up' }));
    expect(form.last()).toEqual({ cases: [{ port: 'silver' }, { port: 'gold' }] });
    fireEvent.click(screen.getByRole('button', { name: 'Add case' }));
    expect(form.last()).toEqual({ cases: [{ port: 'gold' }, { port: 'silver' }, {}] });
    fireEvent.click(screen.getByRole('button', { name: 'Remove case 1' }));
    expect(form.last()).toEqual({ cases: [{ port: 'silver' }] });
    const second = screen.getByRole('group', { name: 'Case 2' });
    fireEvent.change(within(second).getByLabelText(/Port/), { target: { value: 'bronze' } });
    expect(form.last()).toEqual({ cases: [{ port: 'gold' }, { port: 'bronze' }] });
  });

  it('edits a list of texts', () => {
    const form = renderForm({ type: 'object', properties: { tags: { type: 'array', title: 'Tags', items: { type: 'string' } } } }, { tags: ['a'] });
    fireEvent.click(screen.getByRole('button', { name: 'Add item' }));
    expect(form.last()).toEqual({ tags: ['a', ''] });
    form.rerender({ tags: ['a', ''] });
    fireEvent.change(screen.getByLabelText('Tags 2'), { target: { value: 'b' } });
    expect(form.last()).toEqual({ tags: ['a', 'b'] });
  });

  it('shows a JSON parse error inline and reports the value once it parses', () => {
    const form = renderForm({ type: 'object', properties: { values: { type: 'object', title: 'Values', 'x-expression': true } } });
    const view = editorNamed(form.container, 'Values');
    act(() => setEditorText(view, '{ "a": 1,'));
    expect(screen.getByRole('alert').textContent).toMatch(/Not valid JSON/);
    expect(form.onChange).not.toHaveBeenCalled();
    act(() => setEditorText(view, '{ "a": "{{ input.x }}" }'));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(form.last()).toEqual({ values: { a: '{{ input.x }}' } });
  });

  it('edits an expression field in a code editor that marks {{ }}', () => {
    const form = renderForm({ type: 'object', properties: { url: { type: 'string', title: 'Url', 'x-expression': true } } }, { url: 'https://x/{{ input.id }}' });
    expect(form.container.querySelector('.cm-ff-template')!.textContent).toBe('{{ input.id }}');
    const view = editorNamed(form.container, 'Url');
    act(() => setEditorText(view, 'https://y/{{ input.id }}\nmore'));
    expect(form.last()).toEqual({ url: 'https://y/{{ input.id }} more' });
  });

  it('keeps the type of a value of any type: JSON reads as JSON, anything else as text', () => {
    const form = renderForm({ type: 'object', properties: { equals: { title: 'Equals', 'x-expression': true } } }, { equals: '1' });
    const view = editorNamed(form.container, 'Equals');
    expect(view.state.doc.toString()).toBe('"1"');
    act(() => setEditorText(view, '1'));
    expect(form.last()).toEqual({ equals: 1 });
    act(() => setEditorText(view, 'gold'));
    expect(form.last()).toEqual({ equals: 'gold' });
  });

  it('edits JavaScript source in a code editor', () => {
    const form = renderForm({ type: 'object', properties: { source: { type: 'string', title: 'Source', format: 'javascript', 'x-expression': true } } });
    const view = editorNamed(form.container, 'Source');
    act(() => setEditorText(view, 'return 1;'));
    expect(form.last()).toEqual({ source: 'return 1;' });
    expect(form.container.querySelector('.cm-ff-template')).toBeNull();
  });

  it('shows server problems next to the field they name', () => {
    renderForm(
      {
        type: 'object',
        properties: {
          url: { type: 'string', title: 'Url' },
          cases: { type: 'array', title: 'Cases', items: { type: 'object', properties: { port: { type: 'string', title: 'Port' } } } },
        },
      },
      { cases: [{ port: 'default' }] },
      { url: ['url is required'], 'cases[0].port': ["'default' is reserved"] },
    );
    const url = screen.getByLabelText('Url');
    expect(url.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(url.getAttribute('aria-describedby')!)!.textContent).toBe('url is required');
    const port = within(screen.getByRole('group', { name: 'Case 1' })).getByLabelText('Port');
    expect(port.getAttribute('aria-invalid')).toBe('true');
    expect(port.closest('.field')!.textContent).toContain("'default' is reserved");
  });

  it('renders the form of every node type the server describes without errors', () => {
    const errors = vi.spyOn(console, 'error');
    const types = nodeTypes as unknown as NodeTypeDescriptor[];
    expect(types.length).toBeGreaterThan(10);
    for (const type of types) {
      const { container, unmount } = render(<SchemaForm schema={type.configSchema} value={{}} onChange={() => {}} expressions={noPreview} />);
      const properties = Object.keys(type.configSchema.properties ?? {});
      if (properties.length === 0) expect(container.textContent).toContain('nothing to set');
      for (const name of properties) {
        const title = (type.configSchema.properties![name].title as string) ?? name;
        expect(container.textContent, `${type.id}.${name}`).toContain(title);
      }
      // Every control has an accessible name.
      for (const control of container.querySelectorAll('input, select, textarea, [contenteditable="true"]')) {
        const named = control.getAttribute('aria-label') || control.getAttribute('aria-labelledby') || container.querySelector(`label[for="${control.id}"]`);
        expect(named, `${type.id}: ${control.outerHTML.slice(0, 80)}`).toBeTruthy();
      }
      unmount();
    }
    expect(errors).not.toHaveBeenCalled();
  });
});
