/// <reference types="vite/client" />
// 全部中文说明文件（原始文本），打包为一个按需加载的分块。
export default import.meta.glob('./**/*.md', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
