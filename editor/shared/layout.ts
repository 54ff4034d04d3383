/**
 * The page frame every signed-in page shares: a header with the product name, the
 * pages the user's roles allow, the user, the language switch and sign-out.
 */
import { request } from './api.js';
import { h } from './dom.js';
import { currentLang, LANGS, setLang, type Lang } from './i18n.js';
import { t } from './messages.js';
import { clearSession, hasRole, type Session } from './session.js';

export interface HeaderOptions {
  session: Session;
  /** The current page, highlighted in the navigation. */
  active: 'editor' | 'tasks' | 'admin';
  /** Called before the language changes (the page reloads); return false to stay. */
  beforeLanguageChange?: () => boolean;
}

export function logo(): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 32 32');
  svg.setAttribute('class', 'logo');
  svg.setAttribute('aria-hidden', 'true');
  const circles: [number, string][] = [
    [11, 'var(--brand)'],
    [21, 'var(--brand-2)'],
  ];
  for (const [cx, color] of circles) {
    const circle = document.createElementNS('http://www.w3.org/2000/svg', 'circle');
    circle.setAttribute('cx', String(cx));
    circle.setAttribute('cy', '16');
    circle.setAttribute('r', '9');
    circle.setAttribute('fill', 'none');
    circle.setAttribute('stroke', color);
    circle.setAttribute('stroke-width', '3.5');
    svg.appendChild(circle);
  }
  return svg;
}

export function languageSwitch(beforeChange?: () => boolean): HTMLElement {
  const current = currentLang();
  return h(
    'div',
    { class: 'lang-switch', role: 'group', 'aria-label': t('user.language') },
    LANGS.map((lang: Lang) =>
      h(
        'button',
        {
          type: 'button',
          class: lang === current ? 'active' : '',
          'aria-pressed': lang === current ? 'true' : 'false',
          lang,
          'data-lang': lang,
          onclick: () => {
            if (lang === currentLang()) return;
            if (beforeChange && !beforeChange()) return;
            setLang(lang);
            location.reload();
          },
        },
        lang.toUpperCase(),
      ),
    ),
  );
}

export function header(options: HeaderOptions): HTMLElement {
  const { user } = options.session;
  const links: { id: HeaderOptions['active']; href: string; label: string; show: boolean }[] = [
    { id: 'editor', href: '/editor', label: t('nav.editor'), show: hasRole(user, 'process-owner', 'administrator') },
    { id: 'tasks', href: '/tasks', label: t('nav.tasks'), show: hasRole(user, 'case-worker') },
    { id: 'admin', href: '/admin', label: t('nav.admin'), show: hasRole(user, 'administrator', 'auditor') },
  ];
  const roles = user.roles.map((role) => t(`role.${role}` as 'role.administrator')).join(', ');
  const signOut = h('button', { type: 'button', class: 'btn btn-ghost sign-out', 'data-action': 'sign-out' }, t('user.signOut'));
  signOut.addEventListener('click', async () => {
    try {
      await request('DELETE', '/api/session', { keepOn401: true });
    } catch {
      // signed out locally either way
    }
    clearSession();
    location.assign('/');
  });
  return h(
    'header',
    { class: 'app-header' },
    h('a', { class: 'brand', href: '/' }, logo(), h('span', { class: 'brand-name' }, t('product')), h('span', { class: 'brand-sub' }, t('collaboration'))),
    h(
      'nav',
      { class: 'app-nav' },
      links.filter((link) => link.show).map((link) => h('a', { href: link.href, class: link.id === options.active ? 'active' : '', 'aria-current': link.id === options.active ? 'page' : false }, link.label)),
    ),
    h(
      'div',
      { class: 'app-user' },
      h('span', { class: 'user-name', title: user.id }, user.name, h('span', { class: 'user-role' }, roles)),
      languageSwitch(options.beforeLanguageChange),
      signOut,
    ),
  );
}
