import { useEffect, useRef } from 'react';
import { useBlocker } from 'react-router-dom';

/** Asks before leaving the page for another one in the app while there are unsaved changes. */
export function LeaveGuard({ when }: { when: boolean }) {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => when && currentLocation.pathname !== nextLocation.pathname);
  const stay = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (blocker.state === 'blocked') stay.current?.focus();
  }, [blocker.state]);
  if (blocker.state !== 'blocked') return null;
  return (
    <div className="dialog-backdrop">
      <div role="alertdialog" aria-modal="true" aria-label="Unsaved changes" className="dialog editor-leave">
        <h2>Leave without saving?</h2>
        <p>This flow has changes that are not saved. If you leave now, they are lost.</p>
        <div className="dialog-actions">
          <button type="button" ref={stay} className="primary" onClick={() => blocker.reset()}>
            Stay and keep editing
          </button>
          <button type="button" className="danger" onClick={() => blocker.proceed()}>
            Leave and discard
          </button>
        </div>
      </div>
    </div>
  );
}
