import { DataTable } from '../components/DataTable';
import { exactTime, relativeTime } from '../flows/relativeTime';
import type { ApiToken } from './api';

function When({ iso, never, now }: { iso: string | null | undefined; never: string; now: number }) {
  if (!iso) return <span className="muted">{never}</span>;
  return <time dateTime={iso} title={exactTime(iso)}>{relativeTime(iso, now)}</time>;
}

const columns = ['Name', 'Created', 'Expires', 'Last used'];

/** The user's tokens (never their secrets) with a revoke button each. */
export function TokensTable({ tokens, now, onRevoke }: { tokens: ApiToken[]; now: number; onRevoke: (token: ApiToken) => void }) {
  return (
    <DataTable columns={columns}>
      {tokens.map((token) => {
        const expired = token.expiresAt !== null && new Date(token.expiresAt).getTime() <= now;
        return (
          <tr key={token.id}>
            <td className="ff-name">
              {token.name} {expired && <span className="ff-badge ff-status-failed">Expired</span>}
            </td>
            <td>
              <When iso={token.createdAt} never="" now={now} />
            </td>
            <td>
              <When iso={token.expiresAt} never="Never" now={now} />
            </td>
            <td>
              <When iso={token.lastUsedAt} never="Not used yet" now={now} />
            </td>
            <td className="ff-actions">
              <button type="button" className="danger" onClick={() => onRevoke(token)} aria-label={`Revoke ${token.name}`}>
                Revoke
              </button>
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}
