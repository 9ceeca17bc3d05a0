import { useQueryClient } from '@tanstack/react-query';
import { AuthForm } from '../components/AuthForm';
import { createOwner } from '../api/session';

export function SetupPage() {
  const queryClient = useQueryClient();
  return (
    <AuthForm
      title="Create the owner account"
      intro="This FlowForge server has no accounts yet. The first account owns it."
      submitLabel="Create account"
      passwordAutocomplete="new-password"
      onSubmit={async (email, password) => {
        await createOwner(email, password);
        await queryClient.invalidateQueries();
      }}
    />
  );
}
