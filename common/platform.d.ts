// The platform APIs common/ may use, for its own type check (common/tsconfig.json) only: both Node and the browser
// provide these, so code under common/ runs on either side. The other tsconfigs exclude this file (they get the real
// declarations from the DOM library or @types/node).

/** WHATWG Encoding API (Node global since v11). */
declare class TextDecoder {
  constructor(label?: string);
  decode(input?: Uint8Array): string;
}

/** A file the person picked or dropped; the bridge (preload, browser) is the only code that touches one. */
interface File {
  readonly name: string;
}
