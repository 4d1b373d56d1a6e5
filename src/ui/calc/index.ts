// The inspector's calculation and failure panels: one lazily loaded chunk.
export { default as CalcPanel } from './CalcPanel.svelte';
export { default as FailurePanel } from './FailurePanel.svelte';
