import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderPage } from '../flows/renderPage';
import { fakeApi } from '../flows/testServer';
import { NotificationSettingsSection } from './NotificationSettingsSection';

afterEach(() => vi.unstubAllGlobals());

const base = { email: 'me@example.com', emailIsAccountDefault: true, digestMinutes: 1, maxDigestMinutes: 1440, emailEnabled: true, note: null };

describe('NotificationSettingsSection', () => {
  it('saves the digest address and interval', async () => {
    const { calls } = fakeApi(({ method, url, body }) => {
      if (url.pathname !== '/api/notification-settings') return undefined;
      if (method === 'PUT') {
        const b = body as { email: string | null; digestMinutes: number };
        return { status: 200, body: { ...base, email: b.email, emailIsAccountDefault: b.email === null, digestMinutes: b.digestMinutes } };
      }
      return { status: 200, body: base };
    });
    renderPage('/settings', <NotificationSettingsSection />);

    const email = await screen.findByRole('textbox', { name: 'Send digests to' });
    expect(email.getAttribute('placeholder')).toBe('me@example.com');
    await userEvent.type(email, 'alerts@example.com');
    const minutes = screen.getByRole('spinbutton', { name: /At most one email every/ });
    await userEvent.clear(minutes);
    await userEvent.type(minutes, '15');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(calls.find((c) => c.method === 'PUT')!.body).toEqual({ email: 'alerts@example.com', digestMinutes: 15 });
  });

  it('shows the server\'s note when email is off and the field the server rejects', async () => {
    fakeApi(({ method, url }) => {
      if (url.pathname !== '/api/notification-settings') return undefined;
      if (method === 'PUT') return { status: 400, body: { title: 'The request is invalid.', detail: "'email' must be an email address.", field: 'email' } };
      return { status: 200, body: { ...base, emailEnabled: false, note: 'Email notifications are off on this server.' } };
    });
    renderPage('/settings', <NotificationSettingsSection />);

    expect((await screen.findByRole('note')).textContent).toContain('off on this server');
    await userEvent.type(screen.getByRole('textbox', { name: 'Send digests to' }), 'x@y');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByText("'email' must be an email address.")).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'Send digests to' }).getAttribute('aria-invalid')).toBe('true');
  });
});
