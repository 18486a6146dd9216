// Security headers shared by the Electron shell and the browser-mode server: one Content-Security-Policy for both.

/**
 * Everything the renderer loads is its own: scripts only from the app, no eval, no remote hosts.
 * Inline styles stay allowed because Vue's style bindings and ECharts write style attributes.
 * Keep in step with the <meta> in renderer/index.html.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'";

/** Headers on every browser-mode response: no sniffing, no framing by other sites, no referrer leaking the token. */
export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
