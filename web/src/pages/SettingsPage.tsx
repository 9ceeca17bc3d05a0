import { NotificationSettingsSection } from '../notifications/NotificationSettingsSection';

/** /settings: the signed-in user's own settings. */
export function SettingsPage() {
  return (
    <div className="ff-page">
      <header className="ff-page-header">
        <h1>Settings</h1>
      </header>
      <NotificationSettingsSection />
    </div>
  );
}
