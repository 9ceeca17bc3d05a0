import { statusLook } from './runStatus';

export function StatusBadge({ status }: { status: string | null | undefined }) {
  const look = statusLook(status);
  return (
    <span className={`status-badge ${look.className}`} data-status={status ?? ''}>
      <span className="status-icon" aria-hidden="true">
        {look.icon}
      </span>
      {look.label}
    </span>
  );
}
