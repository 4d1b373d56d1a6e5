/**
 * The app's stylesheet as text, for the element's constructable stylesheet. The element build
 * (vite.embed.config.ts) replaces the placeholder below with the app's CSS, adapted for a shadow
 * root (build/shadow-css.ts); anywhere else (tests, dev) the element simply has no styles.
 */
export const APP_CSS_PLACEHOLDER = '__HANDSHAKE_LAB_APP_CSS__';
export const APP_CSS: string = '__HANDSHAKE_LAB_APP_CSS__';
