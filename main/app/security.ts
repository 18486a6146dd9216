// Locks down the Electron session and every web contents: CSP header, no permissions, no navigation, no new windows, no webviews.
import { app, type Session } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../server/headers';

/**
 * The CSP header on every response the session loads (the dev server's pages included); renderer/index.html carries
 * the same policy as a <meta>, which is what applies to file:// pages where no headers exist.
 * Camera, microphone, notifications, geolocation…: the lab needs none, so every request and check is refused.
 */
export function secureSession(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/**
 * The app is one page that routes internally, so any navigation away from it (a dropped file, a link to a web page,
 * a script setting location) is an attack or an accident; both are refused. Same for popups and <webview>.
 */
export function lockDownWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}
