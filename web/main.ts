import { ApiError, forgetKey, isReport, storedKey, storeKey } from './api.ts';
import { esc } from './format.ts';
import { renderAccount } from './views/account.ts';
import { renderDesk } from './views/desk.ts';
import { renderPortfolio } from './views/portfolio.ts';
import { renderRetention } from './views/retention.ts';

const view = document.getElementById('view') as HTMLElement;
const forget = document.getElementById('forget-key') as HTMLButtonElement;

/** Asks for a read key once per tab; it is kept in sessionStorage, never put in a URL. */
function askForKey(message = ''): void {
  view.innerHTML = `<h1>API key</h1>
    <form class="key" id="key-form">
      <p>Paste a churnguard API key with the <code>read</code> scope (<code>scripts/create-api-key.ts --scope read</code>;
      locally, <code>.churnguard/local-api-key</code>). It stays in this tab only.</p>
      ${message ? `<p class="error" role="alert">${esc(message)}</p>` : ''}
      <label for="api-key">API key</label>
      <input id="api-key" name="key" type="password" autocomplete="off" required />
      <button type="submit">Open</button>
    </form>`;
  view.querySelector('form')?.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = new FormData(event.target as HTMLFormElement).get('key');
    if (typeof key === 'string' && key.trim()) storeKey(key.trim());
    void route();
  });
}

async function route(): Promise<void> {
  forget.hidden = isReport || !storedKey();
  if (!isReport && !storedKey()) return askForKey();
  const [, page = 'desk', id = ''] = location.hash.split('/');
  view.innerHTML = '<p role="status">Loading…</p>';
  try {
    if (page === 'account' && id) await renderAccount(view, decodeURIComponent(id));
    else if (page === 'retention') await renderRetention(view);
    else if (page === 'portfolio') await renderPortfolio(view);
    else await renderDesk(view, () => void route());
    document.title = `churnguard: ${view.querySelector('h1')?.textContent ?? ''}`;
    view.setAttribute('data-ready', page);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      forgetKey();
      return askForKey('That key was not recognised.');
    }
    view.innerHTML = `<p class="error" role="alert">${esc(error instanceof Error ? error.message : error)}</p>`;
  }
}

forget.addEventListener('click', () => {
  forgetKey();
  void route();
});
window.addEventListener('hashchange', () => void route());
void route();
