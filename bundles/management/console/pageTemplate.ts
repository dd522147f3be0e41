import { createHash } from 'node:crypto';

/** Bare module names the page and preact/hooks import, mapped to the copies this node serves. */
const IMPORT_MAP = JSON.stringify({
  imports: { preact: '/monitoring/console/vendor/preact.mjs', 'preact/hooks': '/monitoring/console/vendor/hooks.mjs', htm: '/monitoring/console/vendor/htm.mjs', uplot: '/monitoring/console/vendor/uPlot.esm.js' },
});

/** The CSP allows exactly this inline script (the import map) besides the node's own files. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  `script-src 'self' 'sha256-${createHash('sha256').update(IMPORT_MAP).digest('base64')}'`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
].join('; ');

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page's bootstrap: the CSRF token, user and route in meta tags (no inline script reads them). */
export function pageHtml(o: { token: string; user: string; route: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<meta name="oxk-token" content="${escapeHtml(o.token)}">
<meta name="oxk-user" content="${escapeHtml(o.user)}">
<meta name="oxk-route" content="${escapeHtml(o.route)}">
<title>oxkernel console · ${escapeHtml(o.route)}</title>
<link rel="stylesheet" href="/monitoring/console/vendor/uPlot.min.css">
<link rel="stylesheet" href="/monitoring/console/style.css">
<script type="importmap">${IMPORT_MAP}</script>
<script type="module" src="/monitoring/console/app.js"></script>
</head>
<body><div id="app"><p class="loading">Loading the console…</p></div></body>
</html>
`;
}

/** The answer while the console is off: what to set, and nothing about the cluster. */
export function offPage(reason: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>oxkernel console is off</title></head>
<body><h1>The web console is off</h1>
<p>${escapeHtml(reason)}.</p>
<p>Set <code>com.openexchange.jolokia.user</code> and <code>com.openexchange.jolokia.password</code> in
<code>management.properties</code> (the Jolokia credentials) and restart the node; the console is then at
<code>/monitoring/console</code>.</p>
</body></html>
`;
}
