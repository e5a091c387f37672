/**
 * The local provider's own pages (sign-in, sign-out, errors): plain HTML forms with no inline
 * script or style, so the gateway's Content-Security-Policy (script-src/style-src 'self') holds.
 */

export const PAGE_CSS_PATH = '/oidc/assets/page.css';

/** Blue/grey on white: every text pair is above WCAG AA 4.5:1. */
export const PAGE_CSS = `*{box-sizing:border-box}
body{margin:0;font:1rem/1.5 system-ui,sans-serif;color:#1b1f24;background:#f4f6f8}
main{max-width:26rem;margin:3rem auto;padding:1.5rem;background:#fff;border:1px solid #c9d1d9;border-radius:.5rem}
h1{font-size:1.5rem;margin:0 0 1rem}
label{display:block;font-weight:600;margin-bottom:.25rem}
input{width:100%;padding:.6rem;font:inherit;border:1px solid #57606a;border-radius:.25rem}
button{margin-top:1rem;width:100%;padding:.7rem;font:inherit;font-weight:600;color:#fff;background:#0b5cad;border:0;border-radius:.25rem;cursor:pointer}
button.secondary{color:#0b5cad;background:#fff;border:1px solid #0b5cad}
button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid #1b1f24;outline-offset:2px}
.error{color:#a40e26;background:#fff0f0;border:1px solid #a40e26;border-radius:.25rem;padding:.5rem .75rem}
.hint{color:#57606a;font-size:.9rem}
a{color:#0b5cad}
@media (max-width:30rem){main{margin:1rem .5rem}}
`;

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Co-managed IT</title>
<link rel="stylesheet" href="${PAGE_CSS_PATH}">
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

/** The sign-in page: one field labelled Email and a Sign in button (local provider only). */
export function signInPage(opts: { action: string; abort: string; email?: string; error?: string }): string {
  const error = opts.error
    ? `<p class="error" role="alert" id="email-error">${escapeHtml(opts.error)}</p>`
    : '';
  const described = opts.error ? ' aria-describedby="email-error" aria-invalid="true"' : '';
  return page(
    'Sign in',
    `<h1>Sign in</h1>
${error}
<form method="post" action="${escapeHtml(opts.action)}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required autofocus value="${escapeHtml(opts.email ?? '')}"${described}>
<button type="submit">Sign in</button>
</form>
<p class="hint">Local sign-in for the demo: no password. The people you can sign in as are in the tenant's division of work (<code>people</code>).</p>
<p><a href="${escapeHtml(opts.abort)}">Cancel</a></p>`,
  );
}

/** Sign-out confirmation (RP-initiated logout); `form` is the provider's hidden form. */
export function signOutPage(form: string): string {
  // The provider's form carries its own id (op.logoutForm); the buttons submit it.
  return page(
    'Sign out',
    `<h1>Sign out?</h1>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
<button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>`,
  );
}

export function signedOutPage(home: string): string {
  return page(
    'Signed out',
    `<h1>Signed out</h1><p><a href="${escapeHtml(home)}">Back to the start page</a></p>`,
  );
}

export function errorPage(out: object): string {
  const rows = Object.entries(out)
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(String(v))}</dd>`)
    .join('');
  return page(
    'Sign-in problem',
    `<h1>Sign-in problem</h1><dl>${rows}</dl><p><a href="/">Start again</a></p>`,
  );
}
