/** Short notices in the corner: success fades, errors stay until closed. */
import { ApiError, NetworkError } from './api.js';
import { h } from './dom.js';
import { t } from './messages.js';

export type ToastKind = 'success' | 'error' | 'info';

function region(): HTMLElement {
  let element = document.getElementById('toasts');
  if (!element) {
    element = h('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.appendChild(element);
  }
  return element;
}

export function toast(kind: ToastKind, text: string, detail?: string): HTMLElement {
  const close = h('button', { class: 'toast-close', type: 'button', 'aria-label': t('close'), title: t('close') }, '×');
  const element = h('div', { class: `toast toast-${kind}`, 'data-kind': kind }, h('div', { class: 'toast-text' }, text, detail ? h('div', { class: 'toast-detail' }, detail) : null), close);
  close.addEventListener('click', () => element.remove());
  region().appendChild(element);
  if (kind !== 'error') setTimeout(() => element.remove(), 5000);
  return element;
}

/** A user-facing sentence for any error thrown by the API client. */
export function describeError(err: unknown): string {
  if (err instanceof NetworkError) return t('error.network');
  if (err instanceof ApiError) {
    if (err.status === 403) return `${t('error.forbidden')} (${err.message})`;
    return err.message;
  }
  return t('error.generic', { message: err instanceof Error ? err.message : String(err) });
}

export function toastError(err: unknown): void {
  toast('error', describeError(err));
}
