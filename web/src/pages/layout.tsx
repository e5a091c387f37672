import type { ComponentChildren } from 'preact';

export function Layout(props: { who?: string; onSignOut?: () => void; children: ComponentChildren }) {
  return (
    <>
      <header class="bar">
        <span class="brand">Co-managed IT</span>
        {props.who && props.onSignOut ? (
          <span class="who">
            <span>{props.who}</span>
            <button type="button" class="link" onClick={props.onSignOut}>
              Sign out
            </button>
          </span>
        ) : null}
      </header>
      <main id="main">{props.children}</main>
    </>
  );
}
