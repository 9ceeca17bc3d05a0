import { useState } from 'react';
import type { WebhookUrl } from './api';

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** The URLs of the flow's webhook triggers, each with a Copy button. */
export function WebhookUrls({ webhooks, active }: { webhooks: readonly WebhookUrl[]; active: boolean }) {
  const [copied, setCopied] = useState<string | null>(null);
  if (webhooks.length === 0) return null;
  return (
    <section className="editor-webhooks" aria-label="Webhook URLs">
      {webhooks.map((w) => (
        <div key={w.nodeId} className="editor-webhook">
          <label>
            <span>
              Webhook <code>{w.nodeId}</code>
              {!active && <span className="muted"> (answers once the flow is active)</span>}
            </span>
            <input readOnly value={w.url} onFocus={(e) => e.target.select()} />
          </label>
          <button
            type="button"
            onClick={async () => setCopied((await copyText(w.url)) ? w.nodeId : `failed:${w.nodeId}`)}
            aria-label={`Copy the URL of ${w.nodeId}`}
          >
            {copied === w.nodeId ? 'Copied' : copied === `failed:${w.nodeId}` ? 'Select and copy' : 'Copy'}
          </button>
        </div>
      ))}
    </section>
  );
}
