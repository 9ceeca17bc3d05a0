const names: Record<string, string> = {
  'trigger.manual': 'Manual',
  'trigger.webhook': 'Webhook',
  'trigger.schedule': 'Schedule',
};

/** What starts a flow, as small badges: "Webhook", "Schedule", "Manual" (other trigger types by their id). */
export function TriggerBadges({ kinds }: { kinds: string[] }) {
  if (kinds.length === 0) return <span className="muted">None</span>;
  return (
    <ul className="ff-badges" aria-label="Triggers">
      {kinds.map((kind) => (
        <li key={kind} className={`ff-badge ff-trigger ff-trigger-${kind.replace(/[^a-z0-9]+/gi, '-')}`} title={kind}>
          {names[kind] ?? kind.replace(/^trigger\./, '')}
        </li>
      ))}
    </ul>
  );
}
