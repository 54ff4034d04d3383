/**
 * The administration page (`/admin`): cases with filters and a case page (diagram with
 * token positions, data, history, timers, incidents with retry, cancel, migration with an
 * element mapping and preview, moving a waiting case back or on), processes and versions,
 * the deadline report and the hand-over overview. Everything goes through the API, which
 * audits each change.
 */
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import '../shared/base.css';
import '../shared/pages.css';
import { api, ApiError, seg } from '../shared/api.js';
import { caseDiagram, type CaseDiagram } from '../shared/case-diagram.js';
import { h, replace } from '../shared/dom.js';
import { currentLang, formatDateTime } from '../shared/i18n.js';
import { actorWord, elementNames, eventWord } from '../shared/history.js';
import { header } from '../shared/layout.js';
import { humanType } from '../modeler/bpmn-utils.js';
import { requireSession, type Session } from '../shared/session.js';
import { toast, toastError } from '../shared/toast.js';
import type { TaskItem } from '../shared/tasks.js';
import { t } from './messages.js';

type Status = 'active' | 'completed' | 'cancelled' | 'incident';
interface InstanceSummary {
  id: string;
  definitionKey: string;
  version: number;
  businessKey: string | null;
  status: Status;
  startedAt: string;
  incidentCount: number;
}
interface InstanceDetail extends InstanceSummary {
  variables: Record<string, unknown>;
  activeElements: { elementId: string; name: string; type: string }[];
  tasks: TaskItem[];
  timers: { elementId: string; dueAt: string }[];
  incidents: { id: string; elementId: string; message: string; at: string }[];
}
interface Definition {
  key: string;
  name: string;
  latestVersion: number;
}
type Tab = 'cases' | 'definitions' | 'deadlines' | 'handovers';

const TABS: Tab[] = ['cases', 'definitions', 'deadlines', 'handovers'];

function field(id: string, label: string, control: HTMLElement): HTMLElement {
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}

function statusBadge(kind: string, text: string): HTMLElement {
  return h('span', { class: `status status-${kind}`, 'data-status': kind }, text);
}

function table(headers: string[], rows: HTMLElement[], testId: string): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h('table', { class: 'data', 'data-testid': testId }, h('thead', {}, h('tr', {}, headers.map((text) => h('th', { scope: 'col' }, text)))), h('tbody', {}, rows)),
  );
}

class AdminPage {
  private readonly main = h('main', { class: 'admin', id: 'main' });
  private readonly body = h('div', { class: 'admin-body' });
  private definitions: Definition[] = [];
  private diagram: CaseDiagram | null = null;
  private tabButtons = new Map<Tab, HTMLButtonElement>();

  constructor(private readonly session: Session) {}

  async start(root: HTMLElement): Promise<void> {
    const tabs = h('div', { class: 'admin-tabs', role: 'tablist', 'aria-label': t('title') });
    for (const tab of TABS) {
      const button = h('button', { type: 'button', role: 'tab', id: `tab-${tab}`, 'aria-controls': 'admin-panel', 'data-tab': tab, onclick: () => (location.hash = tab) }, t(`tab.${tab}`));
      button.addEventListener('keydown', (event) => {
        const index = TABS.indexOf(tab);
        const next = event.key === 'ArrowRight' ? TABS[(index + 1) % TABS.length] : event.key === 'ArrowLeft' ? TABS[(index + TABS.length - 1) % TABS.length] : null;
        if (next) {
          location.hash = next;
          this.tabButtons.get(next)?.focus();
        }
      });
      this.tabButtons.set(tab, button);
      tabs.append(button);
    }
    this.body.id = 'admin-panel';
    this.body.setAttribute('role', 'tabpanel');
    replace(root, header({ session: this.session, active: 'admin' }), this.main);
    replace(this.main, h('h1', { class: 'sr-only' }, t('title')), tabs, this.body);
    try {
      this.definitions = (await api.get<{ items: Definition[] }>('/api/definitions')).items;
    } catch (err) {
      toastError(err);
    }
    window.addEventListener('hashchange', () => void this.route());
    await this.route();
  }

  private async route(): Promise<void> {
    const hash = location.hash.slice(1);
    this.diagram?.destroy();
    this.diagram = null;
    const caseId = hash.startsWith('case=') ? decodeURIComponent(hash.slice(5)) : null;
    const tab: Tab = caseId ? 'cases' : TABS.includes(hash as Tab) ? (hash as Tab) : 'cases';
    for (const [id, button] of this.tabButtons) {
      button.setAttribute('aria-selected', String(id === tab));
      button.tabIndex = id === tab ? 0 : -1;
    }
    this.body.setAttribute('aria-labelledby', `tab-${tab}`);
    if (caseId) return this.showCase(caseId);
    if (tab === 'cases') return this.showCases();
    if (tab === 'definitions') return this.showDefinitions();
    if (tab === 'deadlines') return this.showDeadlines();
    return this.showHandovers();
  }

  private processOptions(all = true): HTMLOptionElement[] {
    return [...(all ? [h('option', { value: '' }, t('filter.all'))] : []), ...this.definitions.map((definition) => h('option', { value: definition.key }, definition.name || definition.key))];
  }

  // ------------------------------------------------------------------ cases
  private casesFilter = { definitionKey: '', version: '', status: '', businessKey: '', withIncidents: false };

  private async showCases(): Promise<void> {
    const f = this.casesFilter;
    const process = h('select', {}, this.processOptions());
    process.value = f.definitionKey;
    const version = h('input', { type: 'number', min: '1', inputmode: 'numeric', value: f.version });
    const status = h('select', {}, h('option', { value: '' }, t('filter.all')), (['active', 'incident', 'completed', 'cancelled'] as const).map((s) => h('option', { value: s }, t(`status.${s}`))));
    status.value = f.status;
    const key = h('input', { type: 'search', value: f.businessKey });
    const incidents = h('input', { type: 'checkbox', id: 'f-incidents', checked: f.withIncidents });
    const results = h('div', { 'aria-live': 'polite' });
    const form = h(
      'form',
      { class: 'admin-filters', role: 'search' },
      field('f-process', t('filter.process'), process),
      field('f-version', t('filter.version'), version),
      field('f-status', t('filter.status'), status),
      field('f-key', t('filter.key'), key),
      h('div', { class: 'check' }, incidents, h('label', { for: 'f-incidents' }, t('filter.incidents'))),
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-action': 'search' }, t('filter.apply')),
    );
    const load = async () => {
      Object.assign(f, { definitionKey: process.value, version: version.value, status: status.value, businessKey: key.value.trim(), withIncidents: incidents.checked });
      const params = new URLSearchParams({ limit: '200' });
      if (f.definitionKey) params.set('definitionKey', f.definitionKey);
      if (f.version) params.set('version', f.version);
      if (f.status) params.set('status', f.status);
      if (f.businessKey) params.set('businessKey', f.businessKey);
      if (f.withIncidents) params.set('withIncidents', 'true');
      try {
        const { items } = await api.get<{ items: InstanceSummary[] }>(`/api/instances?${params}`);
        replace(
          results,
          items.length === 0
            ? h('p', { class: 'muted' }, t('cases.empty'))
            : table(
                [t('col.case'), t('col.process'), t('col.version'), t('col.status'), t('col.incidents'), t('col.started')],
                items.map((item) =>
                  h(
                    'tr',
                    { class: item.incidentCount > 0 ? 'row-alert' : '', 'data-instance-id': item.id },
                    h('td', {}, h('a', { href: `#case=${encodeURIComponent(item.id)}` }, item.businessKey ?? item.id)),
                    h('td', {}, this.nameOf(item.definitionKey)),
                    h('td', {}, String(item.version)),
                    h('td', {}, statusBadge(item.status, t(`status.${item.status}`))),
                    h('td', {}, String(item.incidentCount)),
                    h('td', {}, formatDateTime(item.startedAt)),
                  ),
                ),
                'case-table',
              ),
        );
      } catch (err) {
        toastError(err);
      }
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void load();
    });
    replace(this.body, form, results);
    await load();
  }

  private nameOf(key: string): string {
    return this.definitions.find((definition) => definition.key === key)?.name || key;
  }

  // ------------------------------------------------------------------ one case
  private async showCase(id: string): Promise<void> {
    let instance: InstanceDetail;
    try {
      instance = await api.get<InstanceDetail>(`/api/instances/${seg(id)}`);
    } catch (err) {
      toastError(err);
      return;
    }
    const running = instance.status === 'active' || instance.status === 'incident';
    const title = h('h2', { tabindex: '-1', class: 'task-title', 'data-testid': 'case-title' }, t('case.title', { key: instance.businessKey ?? instance.id }));
    const diagramPanel = h('section', { class: 'panel', 'aria-labelledby': 'h-diagram' }, h('h3', { id: 'h-diagram' }, t('case.diagram')));
    const side = h('div', { class: 'task-aside' });

    // positions, open tasks, timers, incidents
    side.append(
      h('section', { class: 'panel', 'data-testid': 'positions', 'aria-labelledby': 'h-pos' },
        h('h3', { id: 'h-pos' }, t('case.positions')),
        h('ul', {}, instance.activeElements.map((element) => h('li', { 'data-element-id': element.elementId }, `${element.name || element.elementId} (${humanType(element.type)})`))),
        instance.tasks.filter((task) => task.state === 'open').length > 0
          ? h('p', {}, h('strong', {}, `${t('case.tasks')}: `), instance.tasks.filter((task) => task.state === 'open').map((task) => `${task.name} — ${task.candidateGroups.join(', ')}`).join('; '))
          : null,
      ),
      h('section', { class: 'panel', 'data-testid': 'timers', 'aria-labelledby': 'h-timers' },
        h('h3', { id: 'h-timers' }, t('case.timers')),
        instance.timers.length === 0 ? h('p', { class: 'muted' }, t('case.timers.none')) : h('ul', {}, instance.timers.map((timer) => h('li', {}, `${timer.elementId}: ${formatDateTime(timer.dueAt)}`))),
      ),
      h('section', { class: 'panel', 'data-testid': 'incidents', 'aria-labelledby': 'h-incidents' },
        h('h3', { id: 'h-incidents' }, t('case.incidents')),
        instance.incidents.length === 0
          ? h('p', { class: 'muted' }, t('case.incidents.none'))
          : h('ul', {}, instance.incidents.map((incident) =>
              h('li', { 'data-incident-id': incident.id }, h('strong', {}, incident.elementId), ` — ${incident.message} (${formatDateTime(incident.at)}) `,
                h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'retry', onclick: () => this.act(id, `/api/instances/${seg(id)}/incidents/${seg(incident.id)}/retry`, undefined, t('case.retried')) }, t('case.retry'))),
            )),
      ),
    );

    // interventions
    const actions = h('section', { class: 'panel', 'aria-labelledby': 'h-actions', 'data-testid': 'actions' }, h('h3', { id: 'h-actions' }, t('case.actions')));
    if (running) actions.append(...(await this.interventions(instance)));

    const variables = h('section', { class: 'panel', 'aria-labelledby': 'h-vars' }, h('h3', { id: 'h-vars' }, t('case.variables')),
      h('dl', { class: 'var-list', 'data-testid': 'variables' }, Object.entries(instance.variables).flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, typeof value === 'string' ? value : JSON.stringify(value))])));
    const historyPanel = h('section', { class: 'panel', 'aria-labelledby': 'h-history', 'data-testid': 'history' }, h('h3', { id: 'h-history' }, t('case.history')));

    replace(
      this.body,
      h('p', {}, h('a', { href: '#cases' }, `← ${t('case.back')}`)),
      h('div', { class: 'task-head' }, h('div', {}, title, h('p', { class: 'task-sub' }, h('span', {}, `${this.nameOf(instance.definitionKey)} · ${t('col.version')} ${instance.version}`), statusBadge(instance.status, t(`status.${instance.status}`))))),
      h('div', { class: 'case-grid' }, h('div', { class: 'task-aside' }, diagramPanel, actions, variables, historyPanel), side),
    );
    title.focus();

    let names = new Map<string, string>();
    try {
      const xml = await api.getText(`/api/definitions/${seg(instance.definitionKey)}/versions/${instance.version}/xml`);
      names = elementNames(xml);
      this.diagram = caseDiagram(t('case.diagramLabel'));
      diagramPanel.append(this.diagram.element);
      const counts = new Map<string, number>();
      for (const element of instance.activeElements) counts.set(element.elementId, (counts.get(element.elementId) ?? 0) + 1);
      for (const incident of instance.incidents) if (!counts.has(incident.elementId)) counts.set(incident.elementId, 1);
      await this.diagram.show(xml, [...counts].map(([elementId, n]) => ({ elementId, label: String(n) })), { focus: true });
    } catch (err) {
      diagramPanel.append(h('p', { class: 'muted' }, err instanceof Error ? err.message : String(err)));
    }
    try {
      const { items } = await api.get<{ items: { at: string; type: string; elementId: string | null; actor: string | null }[] }>(`/api/instances/${seg(id)}/history?limit=200`);
      historyPanel.append(h('ol', { class: 'history-list' }, items.map((item) => h('li', {}, `${formatDateTime(item.at)} · ${eventWord(item.type)}${item.elementId ? `: ${names.get(item.elementId) ?? item.elementId}` : ''}${item.actor ? ` · ${actorWord(item.actor)}` : ''}`))));
    } catch (err) {
      historyPanel.append(h('p', { class: 'muted' }, err instanceof Error ? err.message : String(err)));
    }
  }

  private async act(id: string, path: string, body: unknown, done: string, refused?: HTMLElement): Promise<boolean> {
    try {
      await api.post(path, body);
      toast('success', done);
      await this.showCase(id);
      return true;
    } catch (err) {
      if (refused && err instanceof ApiError) {
        refused.textContent = t('case.refused', { reason: [err.message, ...err.details.map((detail) => detail.message)].join(' · ') });
        refused.hidden = false;
      } else toastError(err);
      return false;
    }
  }

  /** Cancel, move (modify) and migrate forms of a running case. */
  private async interventions(instance: InstanceDetail): Promise<HTMLElement[]> {
    const id = instance.id;
    const reason = h('input', { type: 'text', maxlength: '1000', autocomplete: 'off' });
    const refused = h('div', { class: 'alert alert-error', role: 'alert', hidden: true, 'data-testid': 'refused' });
    const needReason = (): string | null => {
      const text = reason.value.trim();
      if (!text) {
        refused.textContent = t('case.reasonMissing');
        refused.hidden = false;
        reason.focus();
        return null;
      }
      return text;
    };

    // Elements one can start before: the flow nodes of this version's diagram.
    let nodes: { id: string; name: string }[] = [];
    try {
      const xml = await api.getText(`/api/definitions/${seg(instance.definitionKey)}/versions/${instance.version}/xml`);
      const doc = new DOMParser().parseFromString(xml, 'application/xml');
      nodes = [...doc.getElementsByTagNameNS('http://www.omg.org/spec/BPMN/20100524/MODEL', '*')]
        .filter((element) => /Task$|Event$|Gateway$|subProcess$/.test(element.localName) && !/^(start|boundary)Event$/.test(element.localName) && element.getAttribute('id'))
        .map((element) => ({ id: element.getAttribute('id')!, name: element.getAttribute('name') ?? '' }));
    } catch {
      nodes = [];
    }
    const from = h('select', {}, instance.activeElements.map((element) => h('option', { value: element.elementId }, element.name || element.elementId)));
    const to = h('select', {}, nodes.map((node) => h('option', { value: node.id }, node.name ? `${node.name} (${node.id})` : node.id)));

    const versions: number[] = [];
    try {
      const definition = await api.get<{ versions: { version: number }[] }>(`/api/definitions/${seg(instance.definitionKey)}`);
      versions.push(...definition.versions.map((v) => v.version).filter((v) => v !== instance.version));
    } catch {
      // no versions: no migration
    }
    const toVersion = h('select', {}, versions.map((v) => h('option', { value: String(v) }, String(v))));
    const waiting = [...new Set(instance.activeElements.map((element) => element.elementId))];
    const mapInputs = waiting.map((elementId) => ({ elementId, input: h('input', { type: 'text', placeholder: t('case.migrate.same'), 'data-map-from': elementId }) }));
    const plan = h('div', { class: 'plan', 'aria-live': 'polite', 'data-testid': 'migration-plan' });
    const migrateBody = () => {
      const mapping: Record<string, string> = {};
      for (const { elementId, input } of mapInputs) if (input.value.trim()) mapping[elementId] = input.value.trim();
      return { toVersion: Number(toVersion.value), ...(Object.keys(mapping).length ? { mapping } : {}) };
    };

    return [
      refused,
      field('a-reason', t('case.reason'), reason),
      h('div', { class: 'action-row' },
        h('button', { type: 'button', class: 'btn', 'data-action': 'cancel-case', onclick: () => {
          const text = needReason();
          if (text) void this.act(id, `/api/instances/${seg(id)}/cancel`, { reason: text }, t('case.cancelled'), refused);
        } }, t('case.cancel')),
      ),
      h('h4', {}, t('case.move')),
      h('div', { class: 'action-row' },
        field('a-from', t('case.move.from'), from),
        field('a-to', t('case.move.to'), to),
        h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'modify', onclick: () => {
          const text = needReason();
          if (text) void this.act(id, `/api/instances/${seg(id)}/modify`, { reason: text, instructions: [{ cancel: from.value }, { startBefore: to.value }] }, t('case.moved'), refused);
        } }, t('case.move.do')),
      ),
      ...(versions.length > 0
        ? [
            h('h4', {}, t('case.migrate')),
            h('div', { class: 'action-row' }, field('a-version', t('case.migrate.version'), toVersion)),
            ...mapInputs.map(({ elementId, input }) => h('div', { class: 'action-row' }, field(`a-map-${elementId}`, t('case.migrate.map', { from: elementId }), input))),
            h('div', { class: 'action-row' },
              h('button', { type: 'button', class: 'btn', 'data-action': 'migration-preview', onclick: async () => {
                refused.hidden = true;
                try {
                  const answer = await api.post<{ moves: { from: string; to: string; name: string }[] }>(`/api/instances/${seg(id)}/migration-plan`, migrateBody());
                  replace(plan, h('ul', {}, answer.moves.map((move) => h('li', {}, t('case.migrate.plan', { from: move.from, to: move.to }), move.name ? ` (${move.name})` : ''))));
                } catch (err) {
                  replace(plan);
                  if (err instanceof ApiError) {
                    refused.textContent = t('case.refused', { reason: [err.message, ...err.details.map((detail) => detail.message)].join(' · ') });
                    refused.hidden = false;
                  } else toastError(err);
                }
              } }, t('case.migrate.preview')),
              h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'migrate', onclick: () => void this.act(id, `/api/instances/${seg(id)}/migrate`, migrateBody(), t('case.migrated', { version: toVersion.value }), refused) }, t('case.migrate.do')),
            ),
            plan,
          ]
        : []),
    ];
  }

  // ------------------------------------------------------------------ definitions
  private async showDefinitions(): Promise<void> {
    const rows: HTMLElement[] = [];
    for (const definition of this.definitions) {
      try {
        const detail = await api.get<{ versions: { version: number; deployedAt: string; deployedBy: string }[] }>(`/api/definitions/${seg(definition.key)}`);
        rows.push(h('tr', { 'data-key': definition.key }, h('td', {}, definition.name || definition.key, h('div', { class: 'muted' }, definition.key)), h('td', {}, detail.versions.map((v) => h('div', {}, `v${v.version} · ${formatDateTime(v.deployedAt)} · ${v.deployedBy}`)))));
      } catch (err) {
        toastError(err);
      }
    }
    replace(this.body, table([t('col.process'), t('col.versions')], rows, 'definitions-table'));
  }

  // ------------------------------------------------------------------ deadline report
  private async showDeadlines(): Promise<void> {
    const process = h('select', {}, this.processOptions());
    const results = h('div', { 'aria-live': 'polite' });
    const load = async () => {
      try {
        const report = await api.get<{ total: number; items: { definitionKey: string; elementId: string; name: string; organisations: string[]; overdue: number; oldestDueAt: string }[] }>(
          `/api/reports/deadlines${process.value ? `?definitionKey=${encodeURIComponent(process.value)}` : ''}`,
        );
        replace(
          results,
          h('p', { 'data-testid': 'deadline-total', 'data-total': String(report.total) }, t('deadlines.total', { n: report.total })),
          report.items.length === 0
            ? h('p', { class: 'muted' }, t('deadlines.empty'))
            : table(
                [t('col.process'), t('col.step'), t('col.organisation'), t('col.overdue'), t('col.oldest')],
                report.items.map((row) => h('tr', { class: 'row-alert', 'data-element-id': row.elementId }, h('td', {}, this.nameOf(row.definitionKey)), h('td', {}, row.name), h('td', {}, row.organisations.join(', ')), h('td', { 'data-testid': 'overdue-count' }, String(row.overdue)), h('td', {}, formatDateTime(row.oldestDueAt)))),
                'deadline-table',
              ),
        );
      } catch (err) {
        toastError(err);
      }
    };
    process.addEventListener('change', () => void load());
    replace(this.body, h('div', { class: 'admin-filters' }, field('d-process', t('deadlines.process'), process)), results);
    await load();
  }

  // ------------------------------------------------------------------ hand-overs
  private async showHandovers(): Promise<void> {
    const results = h('div', { 'aria-live': 'polite' });
    const load = async () => {
      try {
        const { items } = await api.get<{ items: any[] }>('/api/handovers');
        replace(
          results,
          items.length === 0
            ? h('p', { class: 'muted' }, t('handovers.empty'))
            : table(
                [t('col.message'), t('col.from'), t('col.to'), t('col.sent'), t('col.delivery'), t('col.attempts'), t('col.feedback'), t('col.due')],
                items.map((item) =>
                  h(
                    'tr',
                    { class: item.feedback === 'overdue' || item.state === 'pending' ? 'row-alert' : '', 'data-message': item.messageName, 'data-correlation-key': item.correlationKey ?? '', 'data-feedback': item.feedback },
                    h('td', {}, item.messageName, h('div', { class: 'muted' }, item.correlationKey ?? '')),
                    h('td', {}, item.fromOrganisation ?? item.fromProcess ?? ''),
                    h('td', {}, item.toOrganisations.join(', ')),
                    h('td', {}, formatDateTime(item.sentAt)),
                    h('td', {}, statusBadge(item.state, item.state === 'delivered' ? t('handovers.delivered') : t('handovers.pending')), item.lastError ? h('div', { class: 'muted' }, item.lastError) : null),
                    h('td', {}, String(item.attempts)),
                    h('td', {}, statusBadge(item.feedback, t(`handovers.${item.feedback as 'closed'}`)), item.feedbackMessage ? h('div', { class: 'muted' }, item.feedbackMessage) : null),
                    h('td', {}, item.feedbackAt ? formatDateTime(item.feedbackAt) : item.feedbackDueAt ? formatDateTime(item.feedbackDueAt) : ''),
                  ),
                ),
                'handover-table',
              ),
        );
      } catch (err) {
        toastError(err);
      }
    };
    replace(this.body, h('p', { class: 'muted' }, t('handovers.help')), h('button', { type: 'button', class: 'btn', onclick: () => void load() }, t('refresh')), results);
    await load();
  }
}

document.documentElement.lang = currentLang();
const session = requireSession('administrator', 'auditor');
void new AdminPage(session).start(document.getElementById('app') ?? document.body);
