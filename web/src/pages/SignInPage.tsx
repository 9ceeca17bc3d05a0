import { useQueryClient } from '@tanstack/react-query';
import { AuthForm } from '../components/AuthForm';
import { signIn } from '../api/session';

export function SignInPage() {
  const queryClient = useQueryClient();
  return (
    <AuthForm
      title="Sign in to FlowForge"
      intro="Use the email and password of your account."
      submitLabel="Sign in"
      passwordAutocomplete="current-password"
      onSubmit={async (email, password) => {
        await signIn(email, password);
        await queryClient.invalidateQueries();
      }}
    />
  );
}
