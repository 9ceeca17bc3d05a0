import type { ConnectionProvider } from './api';

// Brand colours of the providers FlowForge knows; any other provider gets the accent colour.
const colours: Record<string, string> = {
  slack: '#4a154b',
  google: '#1a73e8',
  github: '#24292f',
  microsoft: '#0078d4',
  smtp: '#b54708',
  openai: '#10a37f',
};

/**
 * A provider's icon: an image when the provider names one by URL (`/…` or `data:image/…`, the only sources the page's
 * policy allows), else a coloured monogram. Decorative: the provider's name is always written next to it.
 */
export function ProviderIcon({ provider, id }: { provider?: ConnectionProvider; id: string | null }) {
  const icon = provider?.icon ?? '';
  if (icon.startsWith('/') || icon.startsWith('data:image/')) return <img className="cn-icon" src={icon} alt="" width={20} height={20} />;
  const name = provider?.displayName ?? id ?? '?';
  const key = (provider?.id ?? id ?? '').toLowerCase();
  const background = colours[key] ?? (id ? 'var(--accent)' : '#667085');
  return (
    <span className="cn-icon cn-monogram" aria-hidden="true" style={{ background }}>
      {id ? (
        name.charAt(0).toUpperCase()
      ) : (
        <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round">
          <circle cx="8" cy="15" r="4" />
          <path d="M11 12l8-8M16 7l2 2M14 9l2 2" />
        </svg>
      )}
    </span>
  );
}
