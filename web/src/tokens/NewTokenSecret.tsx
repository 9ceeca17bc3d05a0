import { useEffect, useRef, useState } from 'react';
import type { CreatedApiToken } from './api';

/** The secret of a token just created, in a box to copy from, with the warning that it will not be shown again. */
export function NewTokenSecret({ created, onDone }: { created: CreatedApiToken; onDone: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const box = useRef<HTMLInputElement>(null);
  useEffect(() => {
    box.current?.focus();
    box.current?.select();
  }, []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied('yes');
    } catch {
      box.current?.select();
      setCopied('failed');
    }
  };

  return (
    <section className="tk-secret" aria-labelledby="tk-secret-title">
      <h2 id="tk-secret-title">Token “{created.name}” created</h2>
      <p className="tk-warning" role="note">
        Copy it now: this is the only time it is shown. FlowForge keeps only a fingerprint of it, so a lost token can only be
        revoked and replaced.
      </p>
      <div className="tk-secret-row">
        <label htmlFor="tk-secret-value" className="visually-hidden">
          New API token
        </label>
        <input id="tk-secret-value" ref={box} readOnly value={created.token} spellCheck={false} onFocus={(e) => e.target.select()} />
        <button type="button" className="primary" onClick={copy}>
          Copy
        </button>
      </div>
      <p className="muted" aria-live="polite">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'Copying was not allowed; the token is selected, press Ctrl+C.' : 'Send it as “Authorization: Bearer <token>”.'}
      </p>
      <div>
        <button type="button" onClick={onDone}>
          I have copied it
        </button>
      </div>
    </section>
  );
}
