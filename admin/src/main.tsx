/** Entry point: reads the shell's data attributes (no inline script, docs/admin.md) and renders the app. */
import './styles.css';
import { render } from 'preact';
import { App, type Settings } from './app.js';
import { lang } from './i18n.js';

const root = document.getElementById('app')!;
const settings: Settings = {
  api: root.dataset.api ?? '',
  openapi: root.dataset.openapi ?? '/openapi.json',
  auth: root.dataset.auth === 'on',
  name: root.dataset.name ?? 'verbo',
};
document.documentElement.lang = lang;
root.textContent = '';
render(<App settings={settings} />, root);
