// Ambient types for the renderer: .vue modules and the window.lab bridge the Electron preload exposes.
/// <reference types="vite/client" />
import type { LabApi } from '../common/api';

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

declare global {
  interface Window {
    /** present only inside Electron (preload/index.ts); absent in browser mode */
    lab?: LabApi & { pathForFile?(file: File): string };
  }
}
