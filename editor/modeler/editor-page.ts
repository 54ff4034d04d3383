/**
 * The process editor page: bpmn-js Modeler with the Zeebe properties panel, live
 * validation, forms, drafts, versions, comparison, deploy and running cases.
 *
 * Layout: header | toolbar | [process list + versions] [canvas + problems/changes]
 * [properties | form]. The page talks to the API only through `shared/api.ts`.
 */
import BpmnModeler from 'bpmn-js/lib/Modeler';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { diff } from 'bpmn-js-differ';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, ZeebePropertiesProviderModule } from 'bpmn-js-properties-panel';
import ZeebeBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-cloud';
import minimapModule from 'diagram-js-minimap';
import zeebeModdle from 'zeebe-bpmn-moddle/resources/zeebe.json';
import { api, ApiError, seg } from '../shared/api.js';
import { download, h, icon, replace } from '../shared/dom.js';
import { formatDateTime, formatTime } from '../shared/i18n.js';
import { header } from '../shared/layout.js';
import { hasRole, type Session } from '../shared/session.js';
import { describeError, toast, toastError } from '../shared/toast.js';
import {
  canHaveForm,
  diagramName,
  formFields,
  linkedFormId,
  mainProcessId,
  newDiagramXml,
  referencedFormIds,
  humanType,
  slug,
  starterForm,
  type DiagramElement,
  type ModdleObject,
} from './bpmn-utils.js';
import changeTrackerModule from './features/change-tracker/index.js';
import diffMarkersModule from './features/diff-markers/index.js';
import instanceOverlaysModule from './features/instance-overlays/index.js';
import propertiesFilterModule from './features/properties-filter/index.js';
import samenspelLintingModule from './features/samenspel-linting/index.js';
import type { LintProblem } from './features/samenspel-linting/SamenspelLinting.js';
import supportedElementsModule from './features/supported-elements/index.js';
import translateModule from './features/translate/index.js';
import { counted, t } from './messages.js';

// ---------------------------------------------------------------- API shapes

interface DefinitionItem {
  key: string;
  name: string;
  latestVersion: number;
}
interface DraftItem {
  key: string;
  savedAt: string;
  savedBy: string;
  problems: LintProblem[];
}
interface DraftDetail extends DraftItem {
  xml: string;
  forms: Record<string, Record<string, unknown>>;
}
interface VersionItem {
  version: number;
  deployedAt: string;
  deployedBy: string;
}
interface ServerProblem {
  elementId: string | null;
  rule: string;
  message: string;
  severity: 'error' | 'warning';
}
interface ElementStatistics {
  elementId: string;
  active: number;
  incidents: number;
}

type Source =
  | { kind: 'new' }
  | { kind: 'file'; fileName: string }
  | { kind: 'draft'; savedAt: string; savedBy: string }
  | { kind: 'version'; version: number };

// Services of the modeler, typed as far as the page uses them.
interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface Canvas {
  zoom(level?: number | 'fit-viewport', center?: 'auto' | { x: number; y: number }): number;
  viewbox(box?: Box): Box & { scale: number; inner: Box; outer: Box };
  scrollToElement(element: unknown): void;
  resized(): void;
  getRootElement(): DiagramElement;
}
interface EventBus {
  on(event: string | string[], callback: (event: any) => void): void;
  on(event: string | string[], priority: number, callback: (event: any) => void): void;
}

const ICONS = {
  undo: 'M12.5 8c-2.65 0-5.05 1-6.9 2.6L2 7v9h9l-3.62-3.62A7.95 7.95 0 0 1 12.5 10c3.54 0 6.55 2.31 7.6 5.5l2.37-.78C21.08 10.53 17.15 8 12.5 8z',
  redo: 'M18.4 10.6A10.45 10.45 0 0 0 11.5 8c-4.65 0-8.58 3.03-9.96 7.22l2.36.78A8 8 0 0 1 11.5 10c1.95 0 3.73.72 5.12 1.88L13 15.5h9v-9l-3.6 4.1z',
  zoomIn: 'M15.5 14h-.79l-.28-.27A6.47 6.47 0 0 0 16 9.5 6.5 6.5 0 1 0 9.5 16c1.61 0 3.09-.59 4.23-1.57l.27.28v.79l5 4.99L20.49 19l-4.99-5zm-6 0A4.5 4.5 0 1 1 14 9.5 4.49 4.49 0 0 1 9.5 14zm2.5-4h-2v2H9v-2H7V9h2V7h1v2h2v1z',
  zoomOut: 'M15.5 14h-.79l-.28-.27A6.47 6.47 0 0 0 16 9.5 6.5 6.5 0 1 0 9.5 16c1.61 0 3.09-.59 4.23-1.57l.27.28v.79l5 4.99L20.49 19l-4.99-5zm-6 0A4.5 4.5 0 1 1 14 9.5 4.49 4.49 0 0 1 9.5 14zM7 9h5v1H7z',
  fit: 'M3 5v4h2V5h4V3H5a2 2 0 0 0-2 2zm2 10H3v4a2 2 0 0 0 2 2h4v-2H5v-4zm14 4h-4v2h4a2 2 0 0 0 2-2v-4h-2v4zm0-16h-4v2h4v4h2V5a2 2 0 0 0-2-2z',
  file: 'M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8l-6-6zm4 18H6V4h7v5h5v11z',
  plus: 'M19 13h-6v6h-2v-6H5v-2h6V5h2v6h6v2z',
  download: 'M19 9h-4V3H9v6H5l7 7 7-7zM5 18v2h14v-2H5z',
  check: 'M9 16.17 4.83 12l-1.42 1.41L9 19 21 7l-1.41-1.41z',
  compare: 'M10 3H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h5v2h2V1h-2v2zm0 15H5l5-6v6zm9-15h-5v2h5v13l-5-6v9h5a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2z',
  cases: 'M12 2a10 10 0 1 0 10 10A10 10 0 0 0 12 2zm0 18a8 8 0 1 1 8-8 8 8 0 0 1-8 8zm.5-13H11v6l5.25 3.15.75-1.23-4.5-2.67z',
  save: 'M17 3H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V7l-4-4zm-5 16a3 3 0 1 1 3-3 3 3 0 0 1-3 3zm3-10H5V5h10v4z',
  deploy: 'M5 20h14v-2H5v2zm0-10h4v6h6v-6h4l-7-7-7 7z',
  refresh: 'M17.65 6.35A7.96 7.96 0 0 0 12 4a8 8 0 1 0 7.73 10h-2.08A6 6 0 1 1 12 6c1.66 0 3.14.69 4.22 1.78L13 11h7V4l-2.35 2.35z',
  error: 'M12 2a10 10 0 1 0 10 10A10 10 0 0 0 12 2zm1 15h-2v-2h2zm0-4h-2V7h2z',
  warning: 'M1 21h22L12 2 1 21zm12-3h-2v-2h2v2zm0-4h-2v-4h2v4z',
  ok: 'M12 2a10 10 0 1 0 10 10A10 10 0 0 0 12 2zm-2 15-5-5 1.41-1.41L10 14.17l7.59-7.59L19 8z',
};

export class EditorPage {
  private readonly canSave: boolean;
  private readonly canDeploy: boolean;
  private modeler!: BpmnModeler;
  private oldViewer: NavigatedViewer | null = null;

  private key: string | null = null;
  private source: Source = { kind: 'new' };
  /** Forms saved with the draft or made/edited here: formId -> form-js schema. */
  private forms = new Map<string, Record<string, unknown>>();
  /** Form ids known to be deployed (GET /api/forms/{id} answered). */
  private deployedForms = new Map<string, Record<string, unknown>>();
  private missingForms = new Set<string>();
  private definitions: DefinitionItem[] = [];
  private drafts: DraftItem[] = [];
  private versions: VersionItem[] = [];
  private currentDraft: DraftItem | null = null;
  private problems: LintProblem[] = [];
  private serverVerdict: { valid: boolean; problems: ServerProblem[]; at: Date } | null = null;
  private diffVersion: number | null = null;
  private casesVersion: number | null = null;
  private saving = false;
  private lastSavedAt: Date | null = null;
  private bottomTab: 'problems' | 'changes' = 'problems';
  private rightTab: 'properties' | 'form' = 'properties';
  private filterText = '';

  // elements of the page
  private readonly el = {
    title: h('h1', { class: 'doc-title', 'data-testid': 'title' }),
    sourceBadge: h('span', { class: 'badge', 'data-testid': 'source' }),
    status: h('span', { class: 'save-status', 'data-testid': 'save-status', role: 'status' }),
    processList: h('ul', { class: 'process-list', 'data-testid': 'process-list' }),
    versionList: h('ul', { class: 'version-list', 'data-testid': 'version-list' }),
    versionsHeading: h('h2', { class: 'sidebar-heading' }),
    canvas: h('div', { class: 'canvas', id: 'canvas', 'data-testid': 'canvas' }),
    oldCanvas: h('div', { class: 'canvas canvas-old', hidden: true, 'data-testid': 'diff-old' }),
    canvasLabels: h('div', { class: 'canvas-labels', hidden: true }),
    casesBar: h('div', { class: 'cases-bar', hidden: true, 'data-testid': 'cases-bar' }),
    problemsTab: h('button', { type: 'button', class: 'tab active', 'data-tab': 'problems' }),
    changesTab: h('button', { type: 'button', class: 'tab', 'data-tab': 'changes', hidden: true }),
    bottomBody: h('div', { class: 'bottom-body', 'data-testid': 'bottom-panel' }),
    properties: h('div', { class: 'properties', 'data-testid': 'properties' }),
    formTab: h('div', { class: 'form-tab', hidden: true, 'data-testid': 'form-tab' }),
    propertiesTabButton: h('button', { type: 'button', class: 'tab active', 'data-tab': 'properties' }),
    formTabButton: h('button', { type: 'button', class: 'tab', 'data-tab': 'form' }),
    fileInput: h('input', { type: 'file', accept: '.bpmn,.xml,application/xml,text/xml', hidden: true, 'data-testid': 'open-file-input' }),
    compareButton: null as HTMLButtonElement | null,
    casesButton: null as HTMLButtonElement | null,
    saveButton: null as HTMLButtonElement | null,
  };

  constructor(
    private readonly session: Session,
    private readonly connectorTypes: string[],
  ) {
    this.canSave = hasRole(session.user, 'process-owner');
    this.canDeploy = hasRole(session.user, 'administrator');
  }

  // ================================================================ start

  async start(root: HTMLElement): Promise<void> {
    document.title = `${t('pageTitle')} · Samenspel`;
    replace(root, this.layout());
    this.createModeler();
    window.addEventListener('beforeunload', (event) => {
      if (!this.isDirty()) return;
      event.preventDefault();
      event.returnValue = t('leave.warning');
    });
    await this.openNew();
    await this.refreshLists();
    const wanted = new URLSearchParams(location.search).get('process');
    if (wanted && this.knownKeys().includes(wanted)) await this.openProcess(wanted);
  }

  private layout(): HTMLElement {
    const button = (label: string, iconPath: string, action: string, onClick: () => void, cls = 'btn') => {
      const element = h('button', { type: 'button', class: cls, 'data-action': action, title: label }, icon(iconPath), h('span', { class: 'btn-label' }, label));
      element.addEventListener('click', onClick);
      return element;
    };
    const iconButton = (label: string, iconPath: string, action: string, onClick: () => void) => {
      const element = h('button', { type: 'button', class: 'btn btn-icon', 'data-action': action, title: label, 'aria-label': label }, icon(iconPath));
      element.addEventListener('click', onClick);
      return element;
    };

    this.el.fileInput.addEventListener('change', () => {
      const file = this.el.fileInput.files?.[0];
      this.el.fileInput.value = '';
      if (file) void this.openFile(file);
    });

    const fileMenu = h(
      'div',
      { class: 'menu', hidden: true, role: 'menu' },
      h('button', { type: 'button', role: 'menuitem', 'data-action': 'new', onclick: () => this.ifDiscarded(() => this.openNew()) }, icon(ICONS.plus), t('toolbar.new')),
      h('button', { type: 'button', role: 'menuitem', 'data-action': 'open-file', onclick: () => this.el.fileInput.click() }, icon(ICONS.file), t('toolbar.openFile')),
      h('hr', {}),
      h('button', { type: 'button', role: 'menuitem', 'data-action': 'download-bpmn', onclick: () => void this.downloadBpmn() }, icon(ICONS.download), t('toolbar.downloadBpmn')),
      h('button', { type: 'button', role: 'menuitem', 'data-action': 'download-svg', onclick: () => void this.downloadSvg() }, icon(ICONS.download), t('toolbar.downloadSvg')),
    );
    const fileButton = button(t('toolbar.file'), ICONS.file, 'file-menu', () => {
      fileMenu.hidden = !fileMenu.hidden;
    });
    fileButton.setAttribute('aria-haspopup', 'menu');
    document.addEventListener('click', (event) => {
      if (!fileButton.contains(event.target as Node)) fileMenu.hidden = true;
    });

    this.el.compareButton = button(t('toolbar.compare'), ICONS.compare, 'compare', () => void this.toggleCompare());
    this.el.casesButton = button(t('toolbar.cases'), ICONS.cases, 'cases', () => void this.toggleCases());
    this.el.saveButton = button(t('toolbar.save'), ICONS.save, 'save', () => void this.saveDraft(), 'btn btn-primary');

    const toolbar = h(
      'div',
      { class: 'toolbar' },
      h('div', { class: 'doc' }, h('div', { class: 'doc-line' }, this.el.title, this.el.sourceBadge), this.el.status),
      h('div', { class: 'toolbar-group' }, iconButton(t('toolbar.undo'), ICONS.undo, 'undo', () => this.modeler.get<any>('commandStack').undo()), iconButton(t('toolbar.redo'), ICONS.redo, 'redo', () => this.modeler.get<any>('commandStack').redo())),
      h('div', { class: 'toolbar-spacer' }),
      h('div', { class: 'toolbar-group' }, h('div', { class: 'menu-anchor' }, fileButton, fileMenu), this.el.fileInput),
      h('div', { class: 'toolbar-group' }, button(t('toolbar.validate'), ICONS.check, 'validate', () => void this.validateOnServer()), this.el.compareButton, this.el.casesButton),
      h('div', { class: 'toolbar-group' }, this.canSave ? this.el.saveButton : null, this.canDeploy ? button(t('toolbar.deploy'), ICONS.deploy, 'deploy', () => void this.deploy(), 'btn btn-accent') : null),
    );

    const zoom = h(
      'div',
      { class: 'zoom-controls' },
      iconButton(t('toolbar.zoomIn'), ICONS.zoomIn, 'zoom-in', () => this.zoomBy(1.2)),
      iconButton(t('toolbar.zoomOut'), ICONS.zoomOut, 'zoom-out', () => this.zoomBy(1 / 1.2)),
      iconButton(t('toolbar.fit'), ICONS.fit, 'zoom-fit', () => {
        this.fit();
        if (this.oldViewer) this.fit(this.oldViewer.get<Canvas>('canvas'), { left: 24, top: 40, right: 24, bottom: 24 });
      }),
    );

    const filter = h('input', { type: 'search', class: 'sidebar-filter', placeholder: t('sidebar.filter'), 'aria-label': t('sidebar.filter') });
    filter.addEventListener('input', () => {
      this.filterText = filter.value.trim().toLowerCase();
      this.renderProcessList();
    });

    this.el.problemsTab.addEventListener('click', () => this.showBottom('problems'));
    this.el.changesTab.addEventListener('click', () => this.showBottom('changes'));
    this.el.propertiesTabButton.textContent = t('panel.properties');
    this.el.formTabButton.textContent = t('panel.form');
    this.el.propertiesTabButton.addEventListener('click', () => this.showRight('properties'));
    this.el.formTabButton.addEventListener('click', () => this.showRight('form'));
    this.el.changesTab.textContent = t('panel.changes');

    return h(
      'div',
      { class: 'editor-page' },
      header({ session: this.session, active: 'editor', beforeLanguageChange: () => !this.isDirty() || confirm(t('open.discard')) }),
      toolbar,
      h(
        'div',
        { class: 'workspace' },
        h(
          'aside',
          { class: 'sidebar' },
          h('h2', { class: 'sidebar-heading' }, t('sidebar.processes')),
          filter,
          this.el.processList,
          this.el.versionsHeading,
          this.el.versionList,
        ),
        h(
          'main',
          { class: 'center' },
          h('div', { class: 'canvases' }, this.el.canvasLabels, this.el.oldCanvas, this.el.canvas, this.el.casesBar, zoom),
          h('section', { class: 'bottom-panel' }, h('div', { class: 'tabs' }, this.el.problemsTab, this.el.changesTab), this.el.bottomBody),
        ),
        h(
          'aside',
          { class: 'right-panel' },
          h('div', { class: 'tabs right-tabs' }, this.el.propertiesTabButton, this.el.formTabButton),
          this.el.properties,
          this.el.formTab,
        ),
      ),
    );
  }

  private createModeler(): void {
    this.modeler = new BpmnModeler({
      container: this.el.canvas,
      keyboard: { bind: true },
      propertiesPanel: { parent: this.el.properties },
      additionalModules: [
        BpmnPropertiesPanelModule,
        BpmnPropertiesProviderModule,
        ZeebePropertiesProviderModule,
        ZeebeBehaviorsModule,
        minimapModule,
        translateModule,
        supportedElementsModule,
        propertiesFilterModule,
        samenspelLintingModule,
        instanceOverlaysModule,
        diffMarkersModule,
        changeTrackerModule,
      ],
      moddleExtensions: { zeebe: zeebeModdle },
      linting: { active: true },
      samenspelLinting: { connectorTypes: this.connectorTypes },
    } as any);

    const eventBus = this.modeler.get<EventBus>('eventBus');
    eventBus.on('samenspel.problems', ({ problems }: { problems: LintProblem[] }) => {
      this.problems = problems;
      this.renderBottom();
    });
    eventBus.on('samenspel.dirty', () => this.renderStatus());
    eventBus.on('selection.changed', () => this.renderFormTab());
    let formsCheck: ReturnType<typeof setTimeout> | undefined;
    let diffUpdate: ReturnType<typeof setTimeout> | undefined;
    eventBus.on('elements.changed', () => {
      clearTimeout(formsCheck);
      formsCheck = setTimeout(() => void this.checkForms(), 250);
      this.renderFormTab();
      this.renderTitle();
      if (this.diffVersion !== null) {
        clearTimeout(diffUpdate);
        diffUpdate = setTimeout(() => void this.updateDiff(), 400);
      }
    });
  }

  // ================================================================ helpers

  private canvas(): Canvas {
    return this.modeler.get<Canvas>('canvas');
  }

  /**
   * Shows the whole diagram beside the palette (left) and above the lint button, at most
   * at 100 %: what fit-viewport does, with room for what floats over the canvas.
   */
  private fit(canvas: Canvas = this.canvas(), margins = { left: 124, top: 24, right: 24, bottom: 60 }): void {
    canvas.zoom('fit-viewport', 'auto');
    const { inner, outer } = canvas.viewbox();
    if (!inner.width || !inner.height || !outer.width) return;
    const width = Math.max(100, outer.width - margins.left - margins.right);
    const height = Math.max(100, outer.height - margins.top - margins.bottom);
    const scale = Math.min(width / inner.width, height / inner.height, 1);
    const x = inner.x - (margins.left + (width - inner.width * scale) / 2) / scale;
    const y = inner.y - (margins.top + (height - inner.height * scale) / 2) / scale;
    canvas.viewbox({ x, y, width: outer.width / scale, height: outer.height / scale });
  }

  private zoomBy(factor: number): void {
    const canvas = this.canvas();
    canvas.zoom(canvas.zoom() * factor, 'auto');
  }

  private isDirty(): boolean {
    return this.modeler?.get<{ isDirty(): boolean }>('changeTracker').isDirty() ?? false;
  }

  private async confirmDiscard(): Promise<boolean> {
    return !this.isDirty() || confirm(t('open.discard'));
  }

  /** Runs `action` unless there are unsaved changes the user wants to keep. */
  private ifDiscarded(action: () => Promise<unknown>): void {
    void this.confirmDiscard().then((ok) => (ok ? action() : undefined));
  }

  private definitionsRoot(): ModdleObject {
    return (this.modeler as unknown as { getDefinitions(): ModdleObject }).getDefinitions();
  }

  private elements(): DiagramElement[] {
    return this.modeler.get<{ getAll(): DiagramElement[] }>('elementRegistry').getAll();
  }

  private element(id: string): DiagramElement | undefined {
    return this.modeler.get<{ get(id: string): DiagramElement | undefined }>('elementRegistry').get(id);
  }

  private elementLabel(id: string | null): string {
    if (!id) return t('problems.diagram');
    const element = this.element(id);
    const name = element?.businessObject?.name;
    return name ? `${name}` : id;
  }

  private knownKeys(): string[] {
    return [...new Set([...this.definitions.map((d) => d.key), ...this.drafts.map((d) => d.key)])];
  }

  private latestVersion(): number | null {
    return this.versions.length ? Math.max(...this.versions.map((v) => v.version)) : null;
  }

  /** The forms to save or deploy with the diagram: those it links that were made or loaded here. */
  private formsToSend(): Record<string, Record<string, unknown>> {
    const linked = new Set(referencedFormIds(this.elements()));
    return Object.fromEntries([...this.forms].filter(([id]) => linked.has(id)));
  }

  private async currentXml(): Promise<string> {
    const { xml } = await this.modeler.saveXML({ format: true });
    return xml ?? '';
  }

  // ================================================================ lists

  private async refreshLists(): Promise<void> {
    try {
      const [definitions, drafts] = await Promise.all([
        api.get<{ items: DefinitionItem[] }>('/api/definitions?limit=500'),
        api.get<{ items: DraftItem[] }>('/api/drafts?limit=500'),
      ]);
      this.definitions = definitions.items;
      this.drafts = drafts.items;
    } catch (err) {
      toastError(err);
    }
    this.renderProcessList();
    await this.refreshVersions();
  }

  private async refreshVersions(): Promise<void> {
    this.versions = [];
    this.currentDraft = null;
    if (this.key) {
      const key = this.key;
      const deployed = this.definitions.some((d) => d.key === key);
      const [detail, draft] = await Promise.all([
        deployed
          ? api.get<{ versions: VersionItem[] }>(`/api/definitions/${seg(key)}`).catch((err: unknown) => {
              if (!(err instanceof ApiError && err.status === 404)) toastError(err);
              return { versions: [] as VersionItem[] };
            })
          : { versions: [] as VersionItem[] },
        Promise.resolve(this.drafts.find((d) => d.key === key) ?? null),
      ]);
      if (key !== this.key) return;
      this.versions = [...detail.versions].sort((a, b) => b.version - a.version);
      this.currentDraft = draft;
    }
    this.renderVersionList();
    this.renderToolbarState();
  }

  private renderProcessList(): void {
    const byKey = new Map<string, { key: string; name: string; version: number | null; draft: boolean }>();
    for (const definition of this.definitions) byKey.set(definition.key, { key: definition.key, name: definition.name, version: definition.latestVersion, draft: false });
    for (const draft of this.drafts) {
      const entry = byKey.get(draft.key) ?? { key: draft.key, name: draft.key, version: null, draft: false };
      entry.draft = true;
      byKey.set(draft.key, entry);
    }
    const items = [...byKey.values()]
      .filter((item) => !this.filterText || item.name.toLowerCase().includes(this.filterText) || item.key.includes(this.filterText))
      .sort((a, b) => a.name.localeCompare(b.name, 'nl'));
    if (items.length === 0) {
      replace(this.el.processList, h('li', { class: 'empty muted' }, t('sidebar.empty')));
      return;
    }
    replace(
      this.el.processList,
      items.map((item) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: `process-item${item.key === this.key ? ' current' : ''}`,
              'data-key': item.key,
              'aria-current': item.key === this.key ? 'true' : false,
              onclick: () => this.ifDiscarded(() => this.openProcess(item.key)),
            },
            h('span', { class: 'process-name' }, item.name),
            h(
              'span',
              { class: 'process-meta' },
              h('span', { class: 'process-key' }, item.key),
              item.version !== null ? h('span', { class: 'badge badge-version' }, t('sidebar.versionBadge', { version: item.version })) : null,
              item.draft ? h('span', { class: 'badge badge-draft' }, t('sidebar.draftBadge')) : null,
            ),
          ),
        ),
      ),
    );
  }

  private renderVersionList(): void {
    this.el.versionsHeading.textContent = t('sidebar.versions');
    this.el.versionsHeading.hidden = !this.key;
    this.el.versionList.hidden = !this.key;
    if (!this.key) return;
    const rows: HTMLElement[] = [];
    const isOpen = (source: Source) => JSON.stringify(source) === JSON.stringify(this.source);
    if (this.currentDraft) {
      const draft = this.currentDraft;
      const open = this.source.kind === 'draft';
      rows.push(
        h(
          'li',
          { class: `version-item${open ? ' current' : ''}`, 'data-version': 'draft' },
          h('button', { type: 'button', class: 'version-open', onclick: () => this.ifDiscarded(() => this.openDraft(draft.key)) }, h('span', { class: 'version-title' }, t('sidebar.draft'), open ? h('span', { class: 'badge' }, t('sidebar.current')) : null), h('span', { class: 'version-meta' }, t('sidebar.draftBy', { when: formatDateTime(draft.savedAt), who: draft.savedBy }))),
        ),
      );
    }
    for (const version of this.versions) {
      const source: Source = { kind: 'version', version: version.version };
      rows.push(
        h(
          'li',
          { class: `version-item${isOpen(source) ? ' current' : ''}`, 'data-version': String(version.version) },
          h(
            'button',
            { type: 'button', class: 'version-open', onclick: () => this.ifDiscarded(() => this.openVersion(this.key!, version.version)) },
            h('span', { class: 'version-title' }, t('sidebar.version', { version: version.version }), isOpen(source) ? h('span', { class: 'badge' }, t('sidebar.current')) : null),
            h('span', { class: 'version-meta' }, t('sidebar.versionBy', { when: formatDateTime(version.deployedAt), who: version.deployedBy })),
          ),
          h('button', { type: 'button', class: 'btn btn-icon btn-small', title: t('sidebar.compareWith'), 'aria-label': t('sidebar.compareWith'), 'data-action': 'compare-version', onclick: () => void this.compareWith(version.version) }, icon(ICONS.compare)),
        ),
      );
    }
    if (!this.versions.length) rows.push(h('li', { class: 'empty muted' }, t('sidebar.noVersions')));
    replace(this.el.versionList, rows);
  }

  // ================================================================ open

  private async importXml(xml: string, key: string | null, source: Source, forms: Record<string, Record<string, unknown>> = {}): Promise<boolean> {
    this.closeCompare();
    this.clearCases();
    try {
      const { warnings } = await this.modeler.importXML(xml);
      if (warnings.length) toast('info', t('open.warnings', { count: warnings.length }));
    } catch (err) {
      toast('error', t('open.failed', { message: err instanceof Error ? err.message.split('\n')[0] : String(err) }));
      return false;
    }
    this.forms = new Map(Object.entries(forms));
    this.key = key ?? mainProcessId(this.definitionsRoot());
    this.source = source;
    this.serverVerdict = null;
    this.lastSavedAt = null;
    this.fit();
    this.renderTitle();
    this.renderStatus();
    this.renderFormTab();
    this.renderBottom();
    this.renderProcessList();
    await this.checkForms();
    await this.refreshVersions();
    return true;
  }

  private async openNew(): Promise<void> {
    const id = `proces-${Math.random().toString(36).slice(2, 7)}`;
    await this.importXml(newDiagramXml(id, t('title.untitled')), null, { kind: 'new' });
  }

  /** Opens the draft of a process if there is one, else its latest version. */
  private async openProcess(key: string): Promise<void> {
    if (this.drafts.some((draft) => draft.key === key)) await this.openDraft(key);
    else await this.openVersion(key, 'latest');
  }

  private async openDraft(key: string): Promise<void> {
    try {
      const draft = await api.get<DraftDetail>(`/api/drafts/${seg(key)}`);
      await this.importXml(draft.xml, key, { kind: 'draft', savedAt: draft.savedAt, savedBy: draft.savedBy }, draft.forms);
    } catch (err) {
      toastError(err);
    }
  }

  private async openVersion(key: string, version: number | 'latest'): Promise<void> {
    try {
      const xml = await api.getText(`/api/definitions/${seg(key)}/versions/${seg(version)}/xml`);
      const number = version === 'latest' ? (this.definitions.find((d) => d.key === key)?.latestVersion ?? 0) : version;
      await this.importXml(xml, key, { kind: 'version', version: number });
    } catch (err) {
      toastError(err);
    }
  }

  private async openFile(file: File): Promise<void> {
    if (!(await this.confirmDiscard())) return;
    const xml = await file.text();
    if (await this.importXml(xml, null, { kind: 'file', fileName: file.name })) {
      toast('success', t('open.loaded', { name: file.name }));
    }
  }

  // ================================================================ title and status

  private renderTitle(): void {
    const name = diagramName(this.definitionsRoot(), this.key) ?? t('title.untitled');
    this.el.title.textContent = name;
    this.el.title.title = this.key ?? '';
    const source = this.source;
    this.el.sourceBadge.className = `badge badge-${source.kind}`;
    this.el.sourceBadge.textContent =
      source.kind === 'new'
        ? t('source.new')
        : source.kind === 'file'
          ? t('source.file', { name: source.fileName })
          : source.kind === 'draft'
            ? t('source.draft')
            : t('source.version', { version: source.version });
  }

  private renderStatus(): void {
    const dirty = this.isDirty();
    const state = this.saving ? 'saving' : dirty ? 'dirty' : this.lastSavedAt ? 'saved' : 'clean';
    this.el.status.dataset.state = state;
    this.el.status.textContent =
      state === 'saving' ? t('status.saving') : state === 'dirty' ? t('status.dirty') : state === 'saved' ? t('status.saved', { time: formatTime(this.lastSavedAt!) }) : t('status.clean');
    if (this.el.saveButton) this.el.saveButton.disabled = this.saving;
  }

  private renderToolbarState(): void {
    this.el.compareButton?.classList.toggle('pressed', this.diffVersion !== null);
    this.el.casesButton?.classList.toggle('pressed', this.casesVersion !== null);
  }

  // ================================================================ problems panel

  private showBottom(tab: 'problems' | 'changes'): void {
    this.bottomTab = tab;
    this.renderBottom();
  }

  private renderBottom(): void {
    const errors = this.problems.filter((p) => p.severity === 'error').length;
    const warnings = this.problems.length - errors;
    replace(
      this.el.problemsTab,
      t('panel.problems'),
      h('span', { class: `count ${errors ? 'count-error' : warnings ? 'count-warning' : 'count-ok'}`, 'data-testid': 'problem-count', 'data-errors': String(errors), 'data-warnings': String(warnings) }, String(errors + warnings)),
    );
    this.el.problemsTab.classList.toggle('active', this.bottomTab === 'problems');
    this.el.changesTab.classList.toggle('active', this.bottomTab === 'changes');
    this.el.changesTab.hidden = this.diffVersion === null;
    if (this.bottomTab === 'changes' && this.diffVersion !== null) return; // rendered by updateDiff
    if (this.bottomTab === 'changes') this.bottomTab = 'problems';

    const rows: HTMLElement[] = [];
    if (this.serverVerdict) {
      const verdict = this.serverVerdict;
      const errorsOnServer = verdict.problems.filter((p) => p.severity === 'error');
      rows.push(
        h(
          'div',
          { class: `server-verdict ${verdict.valid ? 'valid' : 'invalid'}`, 'data-testid': 'server-verdict', 'data-valid': String(verdict.valid) },
          icon(verdict.valid ? ICONS.ok : ICONS.error),
          h('strong', {}, t('problems.server')),
          h('span', {}, verdict.valid ? t('problems.serverValid') : t('problems.serverInvalid', { count: counted('error', errorsOnServer.length) })),
          h('span', { class: 'muted' }, t('problems.checkedAt', { time: formatTime(verdict.at) })),
        ),
      );
      for (const problem of errorsOnServer) rows.push(this.problemRow(problem, true));
    }
    if (this.problems.length === 0) {
      rows.push(h('div', { class: 'no-problems', 'data-testid': 'no-problems' }, icon(ICONS.ok), t('problems.none')));
    } else {
      rows.push(h('div', { class: 'problem-summary muted' }, t('problems.summary', { errors: counted('error', errors), warnings: counted('warning', warnings) })));
      for (const problem of this.problems) rows.push(this.problemRow(problem, false));
    }
    replace(this.el.bottomBody, h('div', { class: 'problem-list', 'data-testid': 'problem-list' }, rows));
  }

  private problemRow(problem: LintProblem | ServerProblem, fromServer: boolean): HTMLElement {
    const row = h(
      'button',
      {
        type: 'button',
        class: `problem problem-${problem.severity}${fromServer ? ' problem-server' : ''}`,
        'data-element-id': problem.elementId ?? '',
        'data-rule': problem.rule,
        'data-severity': problem.severity,
      },
      icon(problem.severity === 'error' ? ICONS.error : ICONS.warning),
      h('span', { class: 'problem-element' }, this.elementLabel(problem.elementId)),
      h('span', { class: 'problem-message' }, problem.message),
      h('span', { class: 'problem-rule' }, problem.rule),
    );
    row.addEventListener('click', () => this.reveal(problem.elementId));
    return row;
  }

  private reveal(elementId: string | null): void {
    if (!elementId) return;
    const element = this.element(elementId);
    if (!element) return;
    this.modeler.get<{ select(element: unknown): void }>('selection').select(element);
    this.canvas().scrollToElement(element);
  }

  // ================================================================ forms

  private showRight(tab: 'properties' | 'form'): void {
    this.rightTab = tab;
    this.el.propertiesTabButton.classList.toggle('active', tab === 'properties');
    this.el.formTabButton.classList.toggle('active', tab === 'form');
    this.el.properties.hidden = tab !== 'properties';
    this.el.formTab.hidden = tab !== 'form';
    this.renderFormTab();
  }

  private selected(): DiagramElement | null {
    const selection = this.modeler.get<{ get(): DiagramElement[] }>('selection').get();
    return selection.length === 1 ? selection[0] : null;
  }

  /** Asks the server which linked forms are deployed, then tells the linter what exists. */
  private async checkForms(): Promise<void> {
    const linked = referencedFormIds(this.elements());
    const unknown = linked.filter((id) => !this.forms.has(id) && !this.deployedForms.has(id) && !this.missingForms.has(id));
    await Promise.all(
      unknown.map(async (formId) => {
        try {
          this.deployedForms.set(formId, await api.get<Record<string, unknown>>(`/api/forms/${seg(formId)}`));
        } catch (err) {
          if (err instanceof ApiError && err.status === 404) this.missingForms.add(formId);
        }
      }),
    );
    this.modeler.get<{ setKnownForms(ids: Iterable<string>): void }>('samenspelLinting').setKnownForms([...this.forms.keys(), ...this.deployedForms.keys()]);
    if (unknown.length) this.renderFormTab();
  }

  private renderFormTab(): void {
    const count = (() => {
      const element = this.selected();
      return element && canHaveForm(element) && linkedFormId(element.businessObject) ? ' •' : '';
    })();
    this.el.formTabButton.textContent = `${t('panel.form')}${count}`;
    if (this.rightTab !== 'form') return;
    const element = this.selected();
    if (!element) return void replace(this.el.formTab, h('p', { class: 'muted form-hint' }, t('form.noSelection')));
    if (!canHaveForm(element)) return void replace(this.el.formTab, h('p', { class: 'muted form-hint' }, t('form.notForElement')));
    const formId = linkedFormId(element.businessObject);
    const name = element.businessObject.name || element.id;
    if (!formId) {
      return void replace(
        this.el.formTab,
        h('h3', { class: 'form-element' }, name),
        h('p', { class: 'muted form-hint' }, t('form.none')),
        h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'create-form', onclick: () => void this.createForm(element) }, icon(ICONS.plus), t('form.create')),
      );
    }
    const schema = this.forms.get(formId) ?? this.deployedForms.get(formId);
    const fields = schema ? formFields(schema) : [];
    replace(
      this.el.formTab,
      h('h3', { class: 'form-element' }, name),
      h('div', { class: 'form-linked' }, h('span', { class: 'muted' }, t('form.linked')), h('code', { 'data-testid': 'linked-form-id' }, formId), h('span', { class: 'badge' }, this.forms.has(formId) ? t('form.local') : schema ? t('form.deployed') : '?')),
      schema
        ? h(
            'div',
            {},
            h('h4', {}, t('form.fields')),
            fields.length
              ? h('ul', { class: 'form-fields', 'data-testid': 'form-fields' }, fields.map((field) => h('li', {}, h('span', {}, field.label), h('code', { class: 'muted' }, field.key))))
              : h('p', { class: 'muted' }, t('form.noFields')),
            h(
              'div',
              { class: 'form-actions' },
              h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'edit-form', onclick: () => void this.editForm(formId, false) }, t('form.edit')),
              h('button', { type: 'button', class: 'btn', 'data-action': 'preview-form', onclick: () => void this.editForm(formId, true) }, t('form.preview')),
            ),
          )
        : h(
            'div',
            {},
            h('p', { class: 'alert alert-error' }, t('form.notLoaded', { id: formId })),
            h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'create-form', onclick: () => void this.createForm(element, formId) }, icon(ICONS.plus), t('form.create')),
          ),
    );
  }

  private uniqueFormId(element: DiagramElement): string {
    const base = slug(`${this.key ?? 'proces'}-${element.businessObject.name || element.id}`) || `form-${element.id}`;
    let candidate = base;
    for (let n = 2; this.forms.has(candidate) || this.deployedForms.has(candidate); n++) candidate = `${base}-${n}`;
    return candidate;
  }

  /** Makes a starter form, links it to the task and opens the form editor. */
  private async createForm(element: DiagramElement, wantedId?: string): Promise<void> {
    const formId = wantedId ?? this.uniqueFormId(element);
    this.forms.set(formId, starterForm(formId, t('form.starterLabel')));
    this.missingForms.delete(formId);
    if (linkedFormId(element.businessObject) !== formId) this.linkForm(element, formId);
    this.modeler.get<{ markChangedOutside(): void }>('changeTracker').markChangedOutside();
    await this.checkForms();
    this.renderFormTab();
    await this.editForm(formId, false);
  }

  private linkForm(element: DiagramElement, formId: string): void {
    const moddle = this.modeler.get<{ create(type: string, attrs?: Record<string, unknown>): ModdleObject }>('moddle');
    const modeling = this.modeler.get<{
      updateProperties(element: unknown, properties: Record<string, unknown>): void;
      updateModdleProperties(element: unknown, object: unknown, properties: Record<string, unknown>): void;
    }>('modeling');
    const bo = element.businessObject;
    let extensionElements = bo.extensionElements;
    if (!extensionElements) {
      extensionElements = moddle.create('bpmn:ExtensionElements', { values: [] }) as NonNullable<ModdleObject['extensionElements']>;
      extensionElements.$parent = bo;
      modeling.updateProperties(element, { extensionElements });
    }
    const values = (extensionElements.values ?? []).filter((value) => value.$type !== 'zeebe:FormDefinition');
    const definition = moddle.create('zeebe:FormDefinition', { formId });
    definition.$parent = extensionElements;
    modeling.updateModdleProperties(element, extensionElements, { values: [...values, definition] });
  }

  private async editForm(formId: string, preview: boolean): Promise<void> {
    const schema = this.forms.get(formId) ?? this.deployedForms.get(formId);
    if (!schema) return;
    try {
      const { openFormDialog } = await import('./forms/form-dialog.js');
      await openFormDialog({
        formId,
        schema,
        preview,
        onChange: (next) => {
          this.forms.set(formId, { ...next, id: formId });
          this.modeler.get<{ markChangedOutside(): void }>('changeTracker').markChangedOutside();
          void this.checkForms();
        },
        onClose: () => this.renderFormTab(),
      });
    } catch (err) {
      toastError(err);
    }
  }

  // ================================================================ save, validate, deploy

  private async saveDraft(): Promise<void> {
    const key = this.key ?? mainProcessId(this.definitionsRoot());
    if (!key) return void toast('error', t('save.noKey'));
    this.saving = true;
    this.renderStatus();
    try {
      const xml = await this.currentXml();
      const saved = await api.put<DraftItem>(`/api/drafts/${seg(key)}`, { xml, forms: this.formsToSend() });
      this.key = key;
      this.source = { kind: 'draft', savedAt: saved.savedAt, savedBy: saved.savedBy };
      this.lastSavedAt = new Date();
      this.modeler.get<{ markSaved(): void }>('changeTracker').markSaved();
      const errors = saved.problems.filter((p) => p.severity === 'error').length;
      toast('success', t('save.done', { key }), errors ? t('save.withProblems', { count: counted('error', errors) }) : undefined);
      this.drafts = [...this.drafts.filter((d) => d.key !== key), saved];
      this.renderTitle();
      this.renderProcessList();
      await this.refreshVersions();
    } catch (err) {
      toastError(err);
    } finally {
      this.saving = false;
      this.renderStatus();
    }
  }

  private async validateOnServer(): Promise<boolean> {
    try {
      const xml = await this.currentXml();
      const verdict = await api.post<{ valid: boolean; problems: ServerProblem[] }>('/api/validate', { xml, forms: this.formsToSend() });
      this.serverVerdict = { ...verdict, at: new Date() };
      const errors = verdict.problems.filter((p) => p.severity === 'error').length;
      toast(verdict.valid ? 'success' : 'error', verdict.valid ? t('validate.done.valid') : t('validate.done.invalid', { count: counted('error', errors) }));
      this.showBottom('problems');
      return verdict.valid;
    } catch (err) {
      toastError(err);
      return false;
    }
  }

  private async deploy(): Promise<void> {
    if (!(await this.validateOnServer())) return;
    if (!confirm(t('deploy.confirm'))) return;
    try {
      const xml = await this.currentXml();
      const result = await api.post<{ deployed: { key: string; version: number; unchanged?: boolean }[] }>('/api/deployments', { xml, forms: this.formsToSend() });
      const key = this.key ?? mainProcessId(this.definitionsRoot());
      const mine = result.deployed.find((d) => d.key === key) ?? result.deployed[0];
      if (!mine) return;
      if (mine.unchanged) {
        toast('info', t('deploy.unchanged', { version: mine.version }));
      } else {
        toast('success', t('deploy.done', { version: mine.version, key: mine.key }));
      }
      this.key = mine.key;
      this.source = { kind: 'version', version: mine.version };
      this.modeler.get<{ markSaved(): void }>('changeTracker').markSaved();
      for (const [formId, schema] of Object.entries(this.formsToSend())) this.deployedForms.set(formId, schema);
      this.renderTitle();
      await this.refreshLists();
    } catch (err) {
      if (err instanceof ApiError && err.status === 422) {
        this.serverVerdict = { valid: false, problems: err.details.map((d) => ({ elementId: d.elementId ?? null, rule: d.rule ?? 'server', message: d.message, severity: 'error' as const })), at: new Date() };
        toast('error', t('deploy.refused', { count: counted('error', err.details.length) }));
        this.showBottom('problems');
      } else {
        toastError(err);
      }
    }
  }

  // ================================================================ downloads

  private async downloadBpmn(): Promise<void> {
    const xml = await this.currentXml();
    download(`${this.key ?? 'diagram'}.bpmn`, xml, 'application/xml');
  }

  private async downloadSvg(): Promise<void> {
    const { svg } = await this.modeler.saveSVG();
    download(`${this.key ?? 'diagram'}.svg`, svg, 'image/svg+xml');
  }

  // ================================================================ compare

  private async toggleCompare(): Promise<void> {
    if (this.diffVersion !== null) return this.closeCompare();
    const version = this.source.kind === 'version' ? this.versions.find((v) => v.version < (this.source as { version: number }).version)?.version ?? this.source.version : this.latestVersion();
    if (version === null || version === undefined) return void toast('info', t('diff.noVersion'));
    await this.compareWith(version);
  }

  private async compareWith(version: number): Promise<void> {
    if (!this.key) return;
    try {
      const xml = await api.getText(`/api/definitions/${seg(this.key)}/versions/${seg(version)}/xml`);
      this.diffVersion = version;
      this.modeler.get<{ select(element: unknown): void }>('selection').select(null);
      this.el.canvas.closest('.editor-page')?.classList.add('comparing');
      this.el.oldCanvas.hidden = false;
      this.el.canvasLabels.hidden = false;
      replace(this.el.canvasLabels, h('span', { class: 'canvas-label' }, t('diff.old', { version })), h('span', { class: 'canvas-label' }, t('diff.new')));
      this.el.oldCanvas.parentElement?.classList.add('split');
      this.oldViewer?.destroy();
      this.oldViewer = new NavigatedViewer({ container: this.el.oldCanvas, additionalModules: [translateModule, diffMarkersModule], moddleExtensions: { zeebe: zeebeModdle } } as any);
      await this.oldViewer.importXML(xml);
      this.canvas().resized();
      this.fit(this.oldViewer.get<Canvas>('canvas'), { left: 24, top: 40, right: 24, bottom: 24 });
      this.fit(this.canvas(), { left: 24, top: 40, right: 24, bottom: 60 });
      this.bottomTab = 'changes';
      await this.updateDiff();
    } catch (err) {
      this.closeCompare();
      toastError(err);
    }
    this.renderToolbarState();
  }

  private closeCompare(): void {
    if (this.diffVersion === null) return;
    this.diffVersion = null;
    this.oldViewer?.destroy();
    this.oldViewer = null;
    this.el.oldCanvas.hidden = true;
    this.el.canvasLabels.hidden = true;
    this.el.oldCanvas.replaceChildren();
    this.el.oldCanvas.parentElement?.classList.remove('split');
    this.el.canvas.closest('.editor-page')?.classList.remove('comparing');
    this.modeler.get<{ clear(): void }>('diffMarkers').clear();
    this.canvas().resized();
    this.fit();
    this.bottomTab = 'problems';
    this.renderBottom();
    this.renderToolbarState();
  }

  private async updateDiff(): Promise<void> {
    const viewer = this.oldViewer;
    const version = this.diffVersion;
    if (!viewer || version === null) return;
    const oldDefinitions = (viewer as unknown as { getDefinitions(): ModdleObject }).getDefinitions();
    const changes = diff(oldDefinitions, this.definitionsRoot());
    const added = Object.keys(changes._added);
    const removed = Object.keys(changes._removed);
    const changed = Object.keys(changes._changed);
    const layout = Object.keys(changes._layoutChanged).filter((id) => !changes._changed[id] && !changes._added[id]);
    this.modeler.get<{ mark(marks: Record<string, string[]>): void }>('diffMarkers').mark({ added, changed, layout });
    viewer.get<{ mark(marks: Record<string, string[]>): void }>('diffMarkers').mark({ removed, changed });

    const describe = (object: { $type: string; id: string; name?: string }) => `${object.name || object.id} (${humanType(object.$type)})`;
    const section = (kind: 'added' | 'removed' | 'changed' | 'layout', items: HTMLElement[]) =>
      items.length ? h('div', { class: `diff-section diff-section-${kind}`, 'data-kind': kind }, h('h4', {}, t(`diff.${kind}`), h('span', { class: 'count' }, String(items.length))), h('ul', {}, items)) : null;
    const entry = (id: string, text: string, detail?: HTMLElement | null) => h('li', { 'data-element-id': id }, h('button', { type: 'button', class: 'link', onclick: () => this.reveal(id) }, text), detail ?? null);
    const changedItems = changed.map((id) => {
      const change = changes._changed[id];
      // bpmn-js-differ 3.2.0 reports oldValue and newValue the wrong way round.
      const oldName = (id: string) => nameIn(viewer.get<{ get(id: string): DiagramElement | undefined }>('elementRegistry').get(id), id);
      const newName = (id: string) => nameIn(this.element(id), id);
      const attrs = Object.entries(change.attrs).map(([name, values]) =>
        h(
          'li',
          { class: 'diff-attr' },
          h('code', {}, name),
          ': ',
          h('span', { class: 'diff-old' }, show(values.newValue, oldName)),
          ' → ',
          h('span', { class: 'diff-new' }, show(values.oldValue, newName)),
        ),
      );
      return entry(id, describe(change.model), attrs.length ? h('ul', { class: 'diff-attrs' }, attrs) : null);
    });
    const total = added.length + removed.length + changed.length + layout.length;
    if (this.bottomTab !== 'changes') {
      this.renderBottom();
      return;
    }
    this.el.problemsTab.classList.remove('active');
    this.el.changesTab.classList.add('active');
    this.el.changesTab.hidden = false;
    replace(
      this.el.bottomBody,
      h(
        'div',
        { class: 'diff-list', 'data-testid': 'diff-list' },
        h(
          'div',
          { class: 'diff-header' },
          h('strong', {}, t('diff.title', { version })),
          h('span', { class: 'muted' }, total ? t('diff.summary', { added: added.length, removed: removed.length, changed: changed.length, layout: layout.length }) : t('diff.none', { version })),
          h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'close-compare', onclick: () => this.closeCompare() }, t('diff.close')),
        ),
        h(
          'div',
          { class: 'diff-sections' },
          section('added', added.map((id) => entry(id, describe(changes._added[id])))),
          section('removed', removed.map((id) => h('li', { 'data-element-id': id }, describe(changes._removed[id])))),
          section('changed', changedItems),
          section('layout', layout.map((id) => entry(id, describe(changes._layoutChanged[id])))),
        ),
      ),
    );
  }

  // ================================================================ running cases

  private async toggleCases(): Promise<void> {
    if (this.casesVersion !== null) return this.clearCases();
    await this.showCases();
  }

  private async showCases(): Promise<void> {
    const version = this.source.kind === 'version' ? this.source.version : this.latestVersion();
    if (!this.key || version === null) {
      toast('info', t('cases.noVersion'));
      return;
    }
    try {
      const statistics = await api.get<ElementStatistics[]>(`/api/definitions/${seg(this.key)}/versions/${seg(version)}/statistics`);
      this.casesVersion = version;
      this.modeler.get<{ show(statistics: ElementStatistics[]): number }>('instanceOverlays').show(statistics);
      const active = statistics.reduce((sum, s) => sum + s.active, 0);
      const incidents = statistics.reduce((sum, s) => sum + s.incidents, 0);
      this.el.casesBar.hidden = false;
      replace(
        this.el.casesBar,
        icon(ICONS.cases),
        h('strong', {}, t('cases.title', { version })),
        h('span', { 'data-testid': 'cases-summary', 'data-active': String(active), 'data-incidents': String(incidents) }, active || incidents ? t('cases.summary', { active, incidents, incidentWord: t(incidents === 1 ? 'cases.incident.one' : 'cases.incident.many') }) : t('cases.none', { version })),
        h('button', { type: 'button', class: 'btn btn-small btn-icon', 'data-action': 'refresh-cases', title: t('cases.refresh'), 'aria-label': t('cases.refresh'), onclick: () => void this.showCases() }, icon(ICONS.refresh)),
      );
    } catch (err) {
      toast('error', describeError(err));
    }
    this.renderToolbarState();
  }

  private clearCases(): void {
    this.casesVersion = null;
    this.modeler?.get<{ clear(): void }>('instanceOverlays').clear();
    this.el.casesBar.hidden = true;
    this.renderToolbarState();
  }
}

function nameIn(element: DiagramElement | undefined, id: string): string {
  return element?.businessObject?.name || id;
}

/** A changed value for people: references (`#ref:<id>`) by the element's name. */
function show(value: unknown, nameOf: (id: string) => string): string {
  if (value === undefined || value === null || value === '') return '–';
  if (typeof value === 'string' && value.startsWith('#ref:')) return nameOf(value.slice(5));
  if (typeof value === 'object') {
    const object = value as { id?: string; name?: string; $type?: string };
    return object.name || object.id || object.$type || JSON.stringify(value);
  }
  return String(value);
}
