import { Layout } from './layout.tsx';

/** Before sign-in: what this is, and one button to the OpenID provider. */
export function Landing(props: { onSignIn: () => void; message?: string | undefined }) {
  return (
    <Layout>
      <h1>IT help</h1>
      {props.message ? (
        <p class="notice" role="alert">
          {props.message}
        </p>
      ) : null}
      <p>Report a problem to IT and follow your tickets. Sign in with your work email.</p>
      <button type="button" onClick={props.onSignIn}>
        Sign in
      </button>
    </Layout>
  );
}
