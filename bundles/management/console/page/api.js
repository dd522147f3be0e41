// The console's only state-changing path: POST api/action with the CSRF token from the page's bootstrap.
const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content ?? '';

export const session = { token: meta('oxk-token'), user: meta('oxk-user'), route: meta('oxk-route') };

/** Runs an action on the node; resolves with its result or rejects with the node's message. */
export async function act(action, fields = {}) {
  let res;
  try {
    res = await fetch('/monitoring/console/api/action', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-oxk-console-token': session.token },
      body: JSON.stringify({ action, ...fields }),
      credentials: 'same-origin',
    });
  } catch (err) {
    throw new Error(`the node did not answer (${err.message})`);
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
  return body.result;
}
