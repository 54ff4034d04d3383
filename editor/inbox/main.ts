/**
 * The inbox (`/tasks`) for case workers: the open tasks of their groups and assigned to
 * them, by deadline in working days, with filters; one task at a time with its form
 * (form-js viewer, prefilled), comments, the case history and the case diagram. The list
 * follows the server without reload (polling, see `LivePoller`).
 */
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import '@bpmn-io/form-js-viewer/dist/assets/form-js.css';
import '../shared/base.css';
import '../shared/pages.css';
import { Form } from '@bpmn-io/form-js-viewer';
import { api, ApiError, seg } from '../shared/api.js';
import { caseDiagram, type CaseDiagram } from '../shared/case-diagram.js';
import { localiseValidation } from '../shared/form-errors.js';
import { actorWord, elementNames, eventWord } from '../shared/history.js';
import { h, replace } from '../shared/dom.js';
import { currentLang, formatDateTime, formatTime } from '../shared/i18n.js';
import { header } from '../shared/layout.js';
import { LivePoller } from '../shared/live.js';
import { requireSession, type Session } from '../shared/session.js';
import { toast, toastError } from '../shared/toast.js';
import { dueLabel, type TaskItem } from '../shared/tasks.js';
import { t } from './messages.js';

interface TaskDetail extends TaskItem {
  form: Record<string, unknown> | null;
  variables: Record<string, unknown>;
}

interface CommentItem {
  id: string;
  text: string;
  author: string;
  organisation: string | null;
  at: string;
  taskId: string | null;
}

interface HistoryItem {
  at: string;
  type: string;
  elementId: string | null;
  actor: string | null;
}

interface Filters {
  definitionKey: string;
  scope: 'groups' | 'mine';
  overdue: boolean;
  businessKey: string;
}

const POLL_MS = 2000;

class InboxPage {
  private filters: Filters = { definitionKey: '', scope: 'groups', overdue: false, businessKey: '' };
  private tasks: TaskItem[] = [];
  private selectedId: string | null = null;
  private form: Form | null = null;
  private diagram: CaseDiagram | null = null;
  private readonly list = h('ul', { class: 'task-list', 'data-testid': 'task-list', 'aria-label': t('list.label') });
  private readonly count = h('p', { class: 'list-count muted', 'aria-live': 'polite', 'data-testid': 'task-count' });
  private readonly detail = h('section', { class: 'task-detail', 'aria-live': 'polite', 'data-testid': 'task-detail' });
  private readonly processSelect = h('select', { id: 'filter-process' }, h('option', { value: '' }, t('filter.allProcesses')));
  private poller: LivePoller | null = null;

  constructor(private readonly session: Session) {}

  async start(root: HTMLElement): Promise<void> {
    const scopeSelect = h(
      'select',
      { id: 'filter-scope' },
      h('option', { value: 'groups' }, t('filter.scope.groups')),
      h('option', { value: 'mine' }, t('filter.scope.mine')),
    );
    const overdue = h('input', { type: 'checkbox', id: 'filter-overdue' });
    const search = h('input', { type: 'search', id: 'filter-key', autocomplete: 'off' });
    this.processSelect.addEventListener('change', () => this.setFilter({ definitionKey: this.processSelect.value }));
    scopeSelect.addEventListener('change', () => this.setFilter({ scope: scopeSelect.value as Filters['scope'] }));
    overdue.addEventListener('change', () => this.setFilter({ overdue: overdue.checked }));
    let searchTimer: number | undefined;
    search.addEventListener('input', () => {
      clearTimeout(searchTimer);
      searchTimer = window.setTimeout(() => this.setFilter({ businessKey: search.value.trim() }), 250);
    });

    replace(
      root,
      header({ session: this.session, active: 'tasks' }),
      h(
        'main',
        { class: 'inbox', id: 'main' },
        h(
          'aside',
          { class: 'inbox-side' },
          h('h1', { class: 'page-title' }, t('title')),
          h(
            'form',
            { class: 'filters', role: 'search', 'aria-label': t('filter.label'), onsubmit: (event: Event) => event.preventDefault() },
            h('div', { class: 'field' }, h('label', { for: 'filter-key' }, t('filter.search')), search),
            h('div', { class: 'field-row' },
              h('div', { class: 'field' }, h('label', { for: 'filter-process' }, t('filter.process')), this.processSelect),
              h('div', { class: 'field' }, h('label', { for: 'filter-scope' }, t('filter.scope')), scopeSelect),
            ),
            h('div', { class: 'check' }, overdue, h('label', { for: 'filter-overdue' }, t('filter.overdue'))),
          ),
          this.count,
          this.list,
        ),
        this.detail,
      ),
    );
    this.showEmptyDetail();
    void this.loadProcesses();
    await this.refresh();
    const fromHash = new URLSearchParams(location.hash.slice(1)).get('task');
    if (fromHash) await this.open(fromHash);
    window.addEventListener('hashchange', () => {
      const id = new URLSearchParams(location.hash.slice(1)).get('task');
      if (id && id !== this.selectedId) void this.open(id);
    });
    this.poller = new LivePoller(POLL_MS, () => this.refresh(true));
    this.poller.start();
  }

  private async loadProcesses(): Promise<void> {
    try {
      const { items } = await api.get<{ items: { key: string; name: string }[] }>('/api/definitions');
      for (const item of items) this.processSelect.appendChild(h('option', { value: item.key }, item.name || item.key));
    } catch (err) {
      toastError(err);
    }
  }

  private setFilter(change: Partial<Filters>): void {
    this.filters = { ...this.filters, ...change };
    void this.refresh();
  }

  private query(): string {
    const params = new URLSearchParams({ state: 'open', limit: '200' });
    if (this.filters.definitionKey) params.set('definitionKey', this.filters.definitionKey);
    if (this.filters.scope === 'mine') params.set('assignee', 'me');
    else params.set('candidate', 'me');
    if (this.filters.overdue) params.set('overdue', 'true');
    if (this.filters.businessKey) params.set('businessKey', this.filters.businessKey);
    return params.toString();
  }

  /** Loads the list; a quiet refresh (the poller) re-renders only when something changed. */
  private async refresh(quiet = false): Promise<boolean> {
    let items: TaskItem[];
    try {
      items = (await api.get<{ items: TaskItem[] }>(`/api/tasks?${this.query()}`)).items;
    } catch (err) {
      if (!quiet) toastError(err);
      return false;
    }
    const changed = JSON.stringify(items) !== JSON.stringify(this.tasks);
    this.tasks = items;
    if (changed || !quiet) this.renderList();
    this.count.textContent = `${t(items.length === 1 ? 'list.count.one' : 'list.count.many', { n: items.length })} · ${t('list.updated', { time: formatTime(new Date()) })}`;
    return changed;
  }

  private renderList(): void {
    const now = new Date();
    if (this.tasks.length === 0) {
      replace(this.list, h('li', { class: 'task-empty muted' }, t('list.empty')));
      return;
    }
    replace(
      this.list,
      this.tasks.map((task) => {
        const due = dueLabel(task.dueAt, now, t);
        const assignee = task.assignee === this.session.user.id ? t('task.assignee.me') : task.assignee ? t('task.assignee', { who: task.assignee }) : t('task.unassigned');
        return h(
          'li',
          {},
          h(
            'a',
            {
              href: `#task=${encodeURIComponent(task.id)}`,
              class: `task-item${task.id === this.selectedId ? ' selected' : ''}${due.overdue ? ' overdue' : ''}`,
              'data-task-id': task.id,
              'data-element-id': task.elementId,
              'aria-current': task.id === this.selectedId ? 'true' : false,
            },
            h('span', { class: 'task-name' }, task.name),
            h('span', { class: 'task-key' }, task.businessKey ? t('task.case', { key: task.businessKey }) : t('task.noKey')),
            h('span', { class: `due due-${due.kind}`, 'data-testid': 'due', title: task.dueAt ? t('due.at', { when: formatDateTime(task.dueAt) }) : '' }, due.text),
            h('span', { class: 'task-meta' }, assignee),
          ),
        );
      }),
    );
  }

  private showEmptyDetail(): void {
    replace(this.detail, h('p', { class: 'detail-empty muted' }, t('detail.empty')));
  }

  private async open(id: string, focus = true): Promise<void> {
    let task: TaskDetail;
    try {
      task = await api.get<TaskDetail>(`/api/tasks/${seg(id)}`);
    } catch (err) {
      toastError(err);
      return;
    }
    this.selectedId = id;
    if (location.hash !== `#task=${encodeURIComponent(id)}`) history.replaceState(null, '', `#task=${encodeURIComponent(id)}`);
    this.renderList();
    this.form?.destroy();
    this.form = null;
    this.diagram?.destroy();
    this.diagram = null;
    const me = this.session.user.id;
    const mine = task.assignee === me;
    const heldByOther = task.assignee !== null && !mine;
    const due = dueLabel(task.dueAt, new Date(), t);

    const actions = h('div', { class: 'task-actions' });
    if (!task.assignee) actions.append(h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'claim', onclick: () => this.command(task, 'claim') }, t('action.claim')));
    if (mine) actions.append(h('button', { type: 'button', class: 'btn', 'data-action': 'unclaim', onclick: () => this.command(task, 'unclaim') }, t('action.unclaim')));
    if (!heldByOther) actions.append(h('button', { type: 'button', class: 'btn', 'data-action': 'delegate', onclick: () => void this.delegate(task, actions) }, t('action.delegate')));

    const formHost = h('div', { class: 'form-host', 'data-testid': 'form-host' });
    const formAlert = h('div', { class: 'alert alert-error', role: 'alert', hidden: true, 'data-testid': 'form-alert' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-action': 'complete', disabled: heldByOther }, t('action.submit'));
    const formSection = h(
      'form',
      { class: 'task-form', novalidate: true, 'aria-labelledby': 'form-heading' },
      h('h2', { id: 'form-heading' }, t('section.form')),
      formAlert,
      task.form ? formHost : h('p', { class: 'muted' }, t('form.none')),
      heldByOther ? h('p', { class: 'muted' }, t('task.assignee', { who: task.assignee! })) : null,
      h('div', { class: 'form-footer' }, submit),
    );
    formSection.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.complete(task, formAlert, submit);
    });

    const diagramSection = h('section', { class: 'panel', 'aria-labelledby': 'diagram-heading' }, h('h2', { id: 'diagram-heading' }, t('section.diagram')));
    const commentsSection = h('section', { class: 'panel', 'aria-labelledby': 'comments-heading', 'data-testid': 'comments' }, h('h2', { id: 'comments-heading' }, t('section.comments')));
    const historySection = h('section', { class: 'panel', 'aria-labelledby': 'history-heading', 'data-testid': 'history' }, h('h2', { id: 'history-heading' }, t('section.history')));

    const title = h('h2', { class: 'task-title', tabindex: '-1', 'data-testid': 'task-title' }, task.name);
    replace(
      this.detail,
      h(
        'div',
        { class: 'task-head' },
        h('div', {},
          title,
          h('p', { class: 'task-sub' },
            h('span', {}, task.businessKey ? t('task.case', { key: task.businessKey }) : t('task.noKey')),
            h('span', { class: `due due-${due.kind}` }, due.text),
            task.dueAt ? h('span', { class: 'muted' }, t('due.at', { when: formatDateTime(task.dueAt) })) : null,
            h('span', { class: 'muted', 'data-testid': 'assignee' }, mine ? t('task.assignee.me') : task.assignee ? t('task.assignee', { who: task.assignee }) : t('task.unassigned')),
            h('span', { class: 'muted' }, t('task.groups', { groups: task.candidateGroups.join(', ') })),
          ),
        ),
        actions,
      ),
      h('div', { class: 'task-columns' }, formSection, h('div', { class: 'task-aside' }, diagramSection, commentsSection, historySection)),
    );
    if (focus) title.focus();

    if (task.form) {
      this.form = new Form({ container: formHost });
      localiseValidation(this.form as any);
      try {
        await this.form.importSchema(task.form, task.variables);
        if (heldByOther) this.form.setProperty('readOnly', true);
        labelFormFields(formHost);
      } catch (err) {
        toastError(err);
      }
    }
    const diagram = api.get<{ xml: string; activeElementIds: string[] }>(`/api/tasks/${seg(task.id)}/diagram`);
    diagram.catch(() => undefined);
    void this.loadDiagram(task, diagramSection, diagram);
    void this.loadComments(task, commentsSection);
    void this.loadHistory(task, historySection, diagram);
  }

  private async command(task: TaskDetail, action: 'claim' | 'unclaim'): Promise<void> {
    try {
      await api.post(`/api/tasks/${seg(task.id)}/${action}`);
      toast('success', t(action === 'claim' ? 'claimed' : 'unclaimed'));
      await this.refresh();
      await this.open(task.id, false);
      this.detail.querySelector<HTMLElement>(`[data-action=${action === 'claim' ? 'unclaim' : 'claim'}]`)?.focus();
    } catch (err) {
      toastError(err);
    }
  }

  private async delegate(task: TaskDetail, actions: HTMLElement): Promise<void> {
    actions.querySelector('.delegate-box')?.remove();
    let candidates: { id: string; name: string }[] = [];
    try {
      candidates = (await api.get<{ items: { id: string; name: string }[] }>(`/api/tasks/${seg(task.id)}/candidates`)).items;
    } catch (err) {
      toastError(err);
      return;
    }
    if (candidates.length === 0) {
      toast('info', t('action.delegate.none'));
      return;
    }
    const select = h('select', { id: 'delegate-to' }, candidates.map((user) => h('option', { value: user.id }, `${user.name} (${user.id})`)));
    const box = h(
      'div',
      { class: 'delegate-box' },
      h('label', { for: 'delegate-to' }, t('action.delegate.to')),
      select,
      h('button', {
        type: 'button',
        class: 'btn btn-primary',
        'data-action': 'delegate-confirm',
        onclick: async () => {
          try {
            await api.post(`/api/tasks/${seg(task.id)}/delegate`, { userId: select.value });
            toast('success', t('delegated', { who: select.value }));
            await this.refresh();
            await this.open(task.id, false);
          } catch (err) {
            toastError(err);
          }
        },
      }, t('action.delegate.confirm')),
    );
    actions.append(box);
    select.focus();
  }

  private async complete(task: TaskDetail, alert: HTMLElement, submit: HTMLButtonElement): Promise<void> {
    alert.hidden = true;
    let data: Record<string, unknown> = {};
    if (this.form) {
      const result = this.form.submit() as { data: Record<string, unknown>; errors: Record<string, unknown> };
      if (Object.keys(result.errors).length > 0) {
        alert.textContent = t('form.invalid');
        alert.hidden = false;
        focusFirstError(this.detail);
        return;
      }
      data = result.data;
    }
    submit.disabled = true;
    try {
      await api.post(`/api/tasks/${seg(task.id)}/complete`, { variables: data });
    } catch (err) {
      submit.disabled = false;
      if (err instanceof ApiError && err.status === 422 && this.form) {
        showServerErrors(this.form, err, alert);
        focusFirstError(this.detail);
        return;
      }
      toastError(err);
      return;
    }
    toast('success', t('completed'));
    await this.offerNext(task);
  }

  /** After completing: the case's next open task the caller may do, or a short note. */
  private async offerNext(done: TaskDetail): Promise<void> {
    this.form?.destroy();
    this.form = null;
    this.selectedId = null;
    history.replaceState(null, '', location.pathname);
    await this.refresh();
    let next: TaskItem | undefined;
    try {
      const { items } = await api.get<{ items: TaskItem[] }>(`/api/tasks?state=open&candidate=me&instanceId=${encodeURIComponent(done.instanceId)}`);
      next = items.find((item) => item.id !== done.id);
    } catch {
      next = undefined;
    }
    const title = h('h2', { tabindex: '-1' }, t('next.title'));
    replace(
      this.detail,
      h(
        'div',
        { class: 'next-task', 'data-testid': 'next-task' },
        title,
        next
          ? h('a', { class: 'btn btn-primary', href: `#task=${encodeURIComponent(next.id)}`, 'data-action': 'open-next', 'data-task-id': next.id }, t('next.open', { name: next.name }))
          : h('p', { class: 'muted' }, t('next.none')),
      ),
    );
    title.focus();
  }

  private async loadDiagram(task: TaskDetail, section: HTMLElement, diagram: Promise<{ xml: string; activeElementIds: string[] }>): Promise<void> {
    try {
      const answer = await diagram;
      if (this.selectedId !== task.id) return;
      this.diagram = caseDiagram(t('diagram.label'));
      section.append(this.diagram.element);
      await this.diagram.show(answer.xml, answer.activeElementIds.map((elementId) => ({ elementId, label: elementId === task.elementId ? t('diagram.here') : undefined })), { focus: true });
    } catch (err) {
      section.append(h('p', { class: 'muted' }, err instanceof Error ? err.message : String(err)));
    }
  }

  private async loadComments(task: TaskDetail, section: HTMLElement): Promise<void> {
    const list = h('ul', { class: 'comment-list' });
    const text = h('textarea', { id: 'comment-text', rows: '2', maxlength: '10000' });
    const onTask = h('input', { type: 'checkbox', id: 'comment-on-task', checked: true });
    const render = async () => {
      try {
        const { items } = await api.get<{ items: CommentItem[] }>(`/api/instances/${seg(task.instanceId)}/comments`);
        replace(
          list,
          items.length === 0
            ? h('li', { class: 'muted' }, t('comments.empty'))
            : items.map((comment) =>
                h('li', { class: 'comment' }, h('div', { class: 'comment-meta' }, `${comment.author}${comment.organisation ? ` · ${comment.organisation}` : ''} · ${formatDateTime(comment.at)}`), h('div', { class: 'comment-text' }, comment.text)),
              ),
        );
      } catch (err) {
        replace(list, h('li', { class: 'muted' }, err instanceof Error ? err.message : String(err)));
      }
    };
    const form = h(
      'form',
      { class: 'comment-form' },
      h('label', { for: 'comment-text' }, t('comments.new')),
      text,
      h('div', { class: 'comment-actions' }, h('span', { class: 'check' }, onTask, h('label', { for: 'comment-on-task' }, t('comments.onTask'))), h('button', { type: 'submit', class: 'btn btn-small', 'data-action': 'comment' }, t('comments.add'))),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!text.value.trim()) return;
      try {
        await api.post(`/api/instances/${seg(task.instanceId)}/comments`, { text: text.value.trim(), ...(onTask.checked ? { taskId: task.id } : {}) });
        text.value = '';
        await render();
      } catch (err) {
        toastError(err);
      }
    });
    section.append(list, form);
    await render();
  }

  private async loadHistory(task: TaskDetail, section: HTMLElement, diagram: Promise<{ xml: string }>): Promise<void> {
    try {
      const { items } = await api.get<{ items: HistoryItem[] }>(`/api/instances/${seg(task.instanceId)}/history?limit=200`);
      const names = await diagram.then((answer) => elementNames(answer.xml)).catch(() => new Map<string, string>());
      section.append(
        items.length === 0
          ? h('p', { class: 'muted' }, t('history.empty'))
          : h('ol', { class: 'history-list' }, items.map((item) => h('li', {}, h('time', { datetime: item.at }, formatDateTime(item.at)), ' ', h('span', {}, describeEvent(item, names)), item.actor ? h('span', { class: 'muted' }, ` ${t('history.by', { who: actorWord(item.actor)! })}`) : null))),
      );
    } catch (err) {
      section.append(h('p', { class: 'muted' }, err instanceof Error ? err.message : String(err)));
    }
  }
}

function describeEvent(item: HistoryItem, names: Map<string, string>): string {
  return item.elementId ? `${eventWord(item.type)}: ${names.get(item.elementId) ?? item.elementId}` : eventWord(item.type);
}

/** form-js 1.23 leaves some inputs without a programmatic label (radio groups): name them. */
function labelFormFields(host: HTMLElement): void {
  host.querySelectorAll<HTMLElement>('.fjs-form-field-radio, .fjs-form-field-checklist').forEach((field) => {
    const label = field.querySelector('.fjs-form-field-label');
    if (label && !field.getAttribute('role')) {
      field.setAttribute('role', 'radiogroup');
      if (!label.id) label.id = `lbl-${Math.random().toString(36).slice(2, 9)}`;
      field.setAttribute('aria-labelledby', label.id);
    }
  });
}

/** Puts the server's 422 details on the form-js fields (by key) and lists the rest. */
function showServerErrors(form: Form, err: ApiError, alert: HTMLElement): void {
  const registry = (form as any).get('formFieldRegistry');
  const fields: { id: string; key?: string }[] = registry.getAll();
  const errors: Record<string, string[]> = {};
  const unplaced: string[] = [];
  for (const detail of err.details) {
    const field = detail.path ? fields.find((candidate) => candidate.key === detail.path) : undefined;
    if (field) (errors[field.id] ??= []).push(detail.message);
    else unplaced.push(detail.path ? `${detail.path}: ${detail.message}` : detail.message);
  }
  (form as any)._setState({ errors });
  alert.replaceChildren(t('form.serverInvalid', { n: err.details.length }), ...unplaced.map((text) => h('div', {}, text)));
  alert.hidden = false;
  alert.dataset.source = 'server';
}

function focusFirstError(root: HTMLElement): void {
  window.setTimeout(() => {
    const field = root.querySelector<HTMLElement>('.fjs-has-errors input, .fjs-has-errors textarea, .fjs-has-errors .fjs-select-display, .fjs-has-errors [tabindex]');
    field?.focus();
  }, 0);
}

document.documentElement.lang = currentLang();
const session = requireSession('case-worker');
void new InboxPage(session).start(document.getElementById('app') ?? document.body);
