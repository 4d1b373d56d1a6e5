// The standalone app: the whole page, its address kept in step with the run.
import './page.css';
import { mountApp } from './ui/mount.ts';

const target = document.getElementById('app');
if (target) mountApp(target, { syncHash: true, standalone: true });
