/**
 * A read-only case diagram (bpmn-js NavigatedViewer: pan and zoom, no editing) with the
 * elements where the case stands highlighted, shared by the inbox and the admin pages.
 */
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import zeebeModdle from 'zeebe-bpmn-moddle/resources/zeebe.json';
import { h } from './dom.js';

export interface CaseDiagram {
  element: HTMLElement;
  show(xml: string, active: { elementId: string; label?: string }[], options?: { focus?: boolean }): Promise<void>;
  destroy(): void;
}

export function caseDiagram(label: string): CaseDiagram {
  const element = h('div', { class: 'case-diagram', role: 'group', 'aria-label': label });
  const viewer = new NavigatedViewer({ container: element, moddleExtensions: { zeebe: zeebeModdle } } as any);
  return {
    element,
    async show(xml, active, options = {}) {
      await viewer.importXML(xml);
      const canvas = viewer.get('canvas') as any;
      const overlays = viewer.get('overlays') as any;
      const registry = viewer.get('elementRegistry') as any;
      overlays.clear();
      for (const { elementId, label: badge } of active) {
        if (!registry.get(elementId)) continue;
        canvas.addMarker(elementId, 'case-current');
        if (badge) overlays.add(elementId, { position: { top: -12, right: 12 }, html: h('span', { class: 'case-badge' }, badge) });
      }
      canvas.zoom('fit-viewport', 'auto');
      // A large process fits only tiny: show the current step readable, centred.
      const current = active.map(({ elementId }) => registry.get(elementId)).find(Boolean);
      if (options.focus && current && canvas.zoom() < 0.7) {
        canvas.zoom(0.8);
        const viewbox = canvas.viewbox();
        canvas.viewbox({ x: current.x + current.width / 2 - viewbox.width / 2, y: current.y + current.height / 2 - viewbox.height / 2, width: viewbox.width, height: viewbox.height });
      }
    },
    destroy() {
      viewer.destroy();
    },
  };
}

/** Working days from today until `dueAt` in the Dutch calendar (negative when past). */
export { dutchWorkingDays } from '../../src/engine/working-days.js';
