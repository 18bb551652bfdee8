/** The portal's entry: its runtime configuration, the sign-in, then the app. A failure here is a message, never a blank page. */
import { render } from 'preact';
import { App } from './app';
import { createAuth } from './auth';
import { loadConfig } from './config';
import './styles.css';

const root = document.getElementById('app')!;

loadConfig()
  .then(async (config) => render(<App config={config} auth={await createAuth(config)} />, root))
  .catch((err: unknown) => {
    root.innerHTML = '';
    const p = document.createElement('p');
    p.setAttribute('role', 'alert');
    p.className = 'alert';
    p.textContent = `The portal could not start: ${err instanceof Error ? err.message : String(err)}`;
    root.append(p);
  });
