// The cockpit shell: login, navigation (hash routes), language switch, the live stream. Each view
// is mounted into <main> and told about new journal entries; switching language re-mounts it.
import './style.css';
import { ApiError, connectLive, get, post, setCsrf } from './api.ts';
import type { Entry, Session } from './api.ts';
import { clear, debounce, h } from './dom.ts';
import { lang, setLang, t } from './i18n.ts';
import type { Key, Lang } from './i18n.ts';
import type { AppCtx, View } from './view.ts';
import { boardView } from './board.ts';
import { assetsView } from './assets.ts';
import { logView } from './logbook.ts';
import { cellView, clocksView, commsView } from './coordination.ts';
import { packsView, sitrepView } from './reports.ts';
import { meetingsView } from './meetings.ts';
import { contactsView } from './contacts.ts';
import { mountIntegrity } from './integrity.ts';

const ROUTES: readonly { hash: string; label: Key; make: (ctx: AppCtx, params: URLSearchParams) => View }[] = [
  { hash: 'board', label: 'navBoard', make: boardView },
  { hash: 'assets', label: 'navAssets', make: assetsView },
  { hash: 'log', label: 'navLog', make: logView },
  { hash: 'cell', label: 'navCell', make: cellView },
  { hash: 'meetings', label: 'navMeetings', make: meetingsView },
  { hash: 'contacts', label: 'navContacts', make: contactsView },
  { hash: 'clocks', label: 'navClocks', make: clocksView },
  { hash: 'comms', label: 'navComms', make: commsView },
  { hash: 'sitrep', label: 'navSitrep', make: sitrepView },
  { hash: 'packs', label: 'navPacks', make: packsView },
];

const root = document.getElementById('app') as HTMLElement;
let session: Session | undefined;
let crisisName = '';
let current: View | undefined;
let disconnect: (() => void) | undefined;
let liveBadge: HTMLElement | undefined;
let integrity: { refresh(): void; stop(): void } | undefined;

function toast(message: string, kind: 'ok' | 'error' = 'ok'): void {
  const el = h('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);
  document.body.append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 8000 : 4000);
}

function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.status === 403 ? `${t('forbidden')} (${e.message})` : `${e.message}${e.path ? ` [${e.path}]` : ''}`;
  return String(e);
}

const ctx: AppCtx = {
  get session() {
    if (!session) throw new Error('no session');
    return session;
  },
  can: (action) => session?.permissions.includes(action) === true,
  navigate: (hash) => {
    location.hash = hash;
  },
  toast,
  fail: (e) => toast(errorText(e), 'error'),
};

function parseHash(): { name: string; params: URLSearchParams } {
  const raw = location.hash.replace(/^#\/?/, '');
  const [name = 'board', query = ''] = raw.split('?');
  return { name: name || 'board', params: new URLSearchParams(query) };
}

function renderLogin(): void {
  disconnect?.();
  disconnect = undefined;
  clear(root);
  const name = h('input', { id: 'login-name', name: 'username', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const msg = h('p', { class: 'form-error', role: 'alert' });
  const form = h(
    'form',
    { class: 'login', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'crisiscell'),
    h('label', { for: 'login-name' }, t('name')),
    name,
    h('label', { for: 'login-password' }, t('password')),
    password,
    h('button', { type: 'submit', class: 'primary' }, t('login')),
    msg,
    langSwitch(),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    msg.textContent = '';
    post<Session>('/api/login', { name: name.value, password: password.value })
      .then((s) => {
        session = s;
        setCsrf(s.csrf);
        return start();
      })
      .catch((e: unknown) => {
        msg.textContent = e instanceof ApiError && e.status === 401 ? t('loginFailed') : errorText(e);
      });
  });
  root.append(h('div', { class: 'login-wrap' }, form));
  name.focus();
}

function langSwitch(): HTMLElement {
  const sel = h('select', { id: 'lang', 'aria-label': t('language') }, h('option', { value: 'en' }, 'English'), h('option', { value: 'fr' }, 'Français'));
  sel.value = lang();
  sel.addEventListener('change', () => {
    setLang(sel.value as Lang);
    if (session) renderShell();
    else renderLogin();
  });
  return sel;
}

function renderShell(): void {
  clear(root);
  const s = ctx.session;
  const { name } = parseHash();
  liveBadge = h('span', { class: 'live-badge', id: 'live-badge' }, t('offline'));
  const nav = h(
    'nav',
    { 'aria-label': 'main' },
    h('ul', null, ROUTES.map((r) => h('li', null, h('a', { href: `#/${r.hash}`, 'aria-current': r.hash === name ? 'page' : null, id: `nav-${r.hash}` }, t(r.label))))),
  );
  const logout = h('button', { type: 'button', id: 'logout' }, t('logout'));
  logout.addEventListener('click', () => {
    post('/api/logout', {}).finally(() => {
      session = undefined;
      renderLogin();
    });
  });
  const header = h(
    'header',
    { class: 'top' },
    h('div', { class: 'brand' }, h('strong', null, 'crisiscell'), h('span', { class: 'crisis-name' }, crisisName)),
    nav,
    h('div', { class: 'who' }, liveBadge, h('span', { id: 'whoami' }, `${s.user.name} · ${s.user.role}`), langSwitch(), logout),
  );
  const main = h('main', { id: 'main', tabindex: '-1' });
  const notice = ctx.can('log.note') ? null : h('p', { class: 'readonly-note', id: 'readonly-note' }, t('readOnly'));
  root.append(header, notice ?? '', main);
  integrity?.stop();
  integrity = mountIntegrity(header.querySelector('.who') as HTMLElement, main);
  mountView(main);
}

function mountView(main: HTMLElement): void {
  current?.dispose?.();
  const { name, params } = parseHash();
  const route = ROUTES.find((r) => r.hash === name) ?? ROUTES[0];
  if (!route) return;
  current = route.make(ctx, params);
  clear(main);
  main.append(current.el);
  current.refresh().catch(ctx.fail);
}

async function start(): Promise<void> {
  try {
    const c = await get<{ crisis: { name: string } | null }>('/api/crisis');
    crisisName = c.crisis?.name ?? '';
  } catch {
    crisisName = '';
  }
  renderShell();
  disconnect?.();
  // Several entries often arrive together (a bulk change, a demo load): refresh once.
  const pending: Entry[] = [];
  const flush = debounce(() => {
    const batch = pending.splice(0);
    current?.onEntries?.(batch);
  }, 60);
  disconnect = connectLive(
    (e) => {
      pending.push(e);
      flush();
      integrity?.refresh();
    },
    (live) => {
      if (liveBadge) {
        liveBadge.textContent = live ? t('live') : t('offline');
        liveBadge.classList.toggle('on', live);
      }
    },
  );
}

window.addEventListener('hashchange', () => {
  if (!session) return;
  const main = document.getElementById('main');
  if (!main) return;
  const { name } = parseHash();
  for (const a of document.querySelectorAll('nav a')) {
    if (a.id === `nav-${name}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  mountView(main);
});

setLang(lang());
get<Session>('/api/session')
  .then((s) => {
    session = s;
    setCsrf(s.csrf);
    return start();
  })
  .catch(() => renderLogin());
