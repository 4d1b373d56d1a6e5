/**
 * The element's module (`dist/handshake-lab.js`): importing it registers `<handshake-lab>` where
 * there is a DOM, and nothing else. The same exports serve pages that mount the app themselves.
 */
import { defineHandshakeLab } from './element.ts';

export { defineHandshakeLab, HANDSHAKE_LAB_TAG, type HandshakeLabElement } from './element.ts';
export { mountApp, type MountOptions } from '../ui/mount.ts';
export { AppControl, type AppCommand, type AppEvents, type ControlsMode, type EmbedView, type StepDetail } from '../ui/control.svelte.ts';

defineHandshakeLab();
