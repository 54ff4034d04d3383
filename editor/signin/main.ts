/**
 * The sign-in page (`/`): user name and password against POST /api/session, then on to
 * the page the user came from or the start page of their role.
 */
import '../shared/base.css';
import './signin.css';
import { ApiError, request } from '../shared/api.js';
import { h, replace } from '../shared/dom.js';
import { currentLang, messages } from '../shared/i18n.js';
import { languageSwitch, logo } from '../shared/layout.js';
import { describeError } from '../shared/toast.js';
import { homeFor, readSession, safeNext, storeSession, type Session } from '../shared/session.js';

const t = messages({
  nl: {
    title: 'Aanmelden',
    intro: 'Samen werken aan veiligheid: meldingen, onderzoek en afspraken tussen Veilig Thuis, politie, OM, Raad voor de Kinderbescherming, reclassering en gemeente.',
    username: 'Gebruikersnaam',
    password: 'Wachtwoord',
    submit: 'Aanmelden',
    busy: 'Bezig met aanmelden…',
    wrong: 'Gebruikersnaam of wachtwoord klopt niet.',
    tooMany: 'Te veel mislukte pogingen. Probeer het over enkele minuten opnieuw.',
    footer: 'Samenspel — procesondersteuning voor Veiligheid Voorop!',
  },
  en: {
    title: 'Sign in',
    intro: 'Working together on safety: reports, investigations and agreements between Veilig Thuis, police, prosecution, the Child Protection Board, probation and municipality.',
    username: 'User name',
    password: 'Password',
    submit: 'Sign in',
    busy: 'Signing in…',
    wrong: 'User name or password is not right.',
    tooMany: 'Too many failed attempts. Try again in a few minutes.',
    footer: 'Samenspel — process support for Veiligheid Voorop!',
  },
});

function goOn(session: Session): void {
  const next = safeNext(new URLSearchParams(location.search).get('next'));
  location.replace(next && next !== '/' ? next : homeFor(session.user));
}

function render(): void {
  document.documentElement.lang = currentLang();
  document.title = `${t('title')} · Samenspel`;
  const existing = readSession();
  if (existing) {
    goOn(existing);
    return;
  }

  const error = h('div', { class: 'alert alert-error', role: 'alert', hidden: true });
  const username = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, autofocus: true, spellcheck: 'false', autocapitalize: 'none' });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary signin-submit' }, t('submit'));
  const form = h(
    'form',
    { class: 'signin-form', method: 'post', action: '/', novalidate: true },
    error,
    h('div', { class: 'field' }, h('label', { for: 'username' }, t('username')), username),
    h('div', { class: 'field' }, h('label', { for: 'password' }, t('password')), password),
    submit,
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    if (!username.value.trim() || !password.value) {
      username.value.trim() ? password.focus() : username.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t('busy');
    try {
      const session = await request<Session>('POST', '/api/session', {
        json: { username: username.value.trim(), password: password.value },
        anonymous: true,
        keepOn401: true,
      });
      storeSession(session);
      goOn(session);
    } catch (err) {
      error.textContent = err instanceof ApiError && err.status === 401 ? t('wrong') : err instanceof ApiError && err.status === 429 ? t('tooMany') : describeError(err);
      error.hidden = false;
      password.value = '';
      password.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = t('submit');
    }
  });

  const app = document.getElementById('app') ?? document.body;
  replace(
    app,
    h(
      'main',
      { class: 'signin-page' },
      h('div', { class: 'signin-lang' }, languageSwitch()),
      h(
        'section',
        { class: 'signin-card' },
        h('div', { class: 'signin-brand' }, logo(), h('div', {}, h('div', { class: 'brand-name' }, 'Samenspel'), h('div', { class: 'muted' }, 'Veiligheid Voorop!'))),
        h('h1', {}, t('title')),
        h('p', { class: 'muted signin-intro' }, t('intro')),
        form,
      ),
      h('footer', { class: 'signin-footer muted' }, t('footer')),
    ),
  );
}

render();
