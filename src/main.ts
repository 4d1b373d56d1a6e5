// Placeholder entry until the app lands (the UI is being built on its own branch).
const root = document.getElementById('app');
if (root) root.textContent = 'Handshake Lab';
