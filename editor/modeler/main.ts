/**
 * The process editor page (`/editor`), for process owners and administrators.
 */
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import 'bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css';
import 'diagram-js-minimap/assets/diagram-js-minimap.css';
import '@bpmn-io/form-js-viewer/dist/assets/form-js.css';
import '@bpmn-io/form-js-editor/dist/assets/form-js-editor.css';
import '../shared/base.css';
import './modeler.css';
import { currentLang } from '../shared/i18n.js';
import { requireSession } from '../shared/session.js';
import { EditorPage } from './editor-page.js';

function meta(name: string): string {
  return document.querySelector<HTMLMetaElement>(`meta[name="samenspel:${name}"]`)?.content ?? '';
}

document.documentElement.lang = currentLang();
const session = requireSession('process-owner', 'administrator');
const connectorTypes = meta('connectors').split(',').map((type) => type.trim()).filter(Boolean);
void new EditorPage(session, connectorTypes).start(document.getElementById('app') ?? document.body);
