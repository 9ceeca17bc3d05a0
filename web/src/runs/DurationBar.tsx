import { formatDuration } from './format';

/** A duration as text and as a bar whose width (0–100 %) the list works out from its longest visible run. */
export function DurationBar({ ms, width, status }: { ms: number | undefined; width: number; status: string }) {
  return (
    <div className="duration-cell">
      <span className="duration-text">{ms == null && status.toLowerCase() === 'running' ? 'running…' : formatDuration(ms)}</span>
      <span className="duration-track" aria-hidden="true">
        <span className={`duration-bar bar-${status.toLowerCase()}`} style={{ width: `${width}%` }} />
      </span>
    </div>
  );
}
