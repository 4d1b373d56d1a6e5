/// <reference types="vite/client" />
// Every English explanation file, as raw text, in one lazily loaded chunk.
export default import.meta.glob('./**/*.md', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
