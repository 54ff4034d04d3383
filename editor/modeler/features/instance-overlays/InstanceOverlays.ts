/**
 * Running cases on the diagram (as Camunda Cockpit shows them): per element a badge
 * with the number of cases waiting there and a red one with its open incidents.
 */
import { translate } from '../translate/index.js';

export interface ElementStatistics {
  elementId: string;
  active: number;
  incidents: number;
}

interface Overlays {
  add(element: unknown, type: string, overlay: { position: Record<string, number>; html: HTMLElement; scale?: unknown }): string;
  remove(filter: { type: string }): void;
}
interface ElementRegistry {
  get(id: string): { id: string; width?: number; height?: number; waypoints?: unknown } | undefined;
}

export const OVERLAY_TYPE = 'samenspel-instances';

function badge(kind: 'active' | 'incidents', count: number, title: string): HTMLElement {
  const element = document.createElement('div');
  element.className = `instance-badge instance-badge-${kind}`;
  element.dataset.count = String(count);
  element.title = title;
  element.textContent = String(count);
  return element;
}

export default class InstanceOverlays {
  static $inject = ['overlays', 'elementRegistry', 'eventBus'];

  private shown: ElementStatistics[] = [];

  constructor(
    private readonly overlays: Overlays,
    private readonly elementRegistry: ElementRegistry,
    eventBus: { on(event: string, callback: () => void): void },
  ) {
    // A new diagram (import) drops the badges; the page shows them again if it wants.
    eventBus.on('diagram.clear', () => {
      this.shown = [];
    });
  }

  /** Draws the statistics; elements the diagram does not have are skipped. Returns how many were drawn. */
  show(statistics: ElementStatistics[]): number {
    this.clear();
    let drawn = 0;
    for (const entry of statistics) {
      const element = this.elementRegistry.get(entry.elementId);
      if (!element || (entry.active === 0 && entry.incidents === 0)) continue;
      const container = document.createElement('div');
      container.className = 'instance-badges';
      container.dataset.elementId = entry.elementId;
      if (entry.active > 0) {
        container.appendChild(badge('active', entry.active, translate(entry.active === 1 ? '{count} case waits here' : '{count} cases wait here', { count: String(entry.active) })));
      }
      if (entry.incidents > 0) {
        container.appendChild(badge('incidents', entry.incidents, translate(entry.incidents === 1 ? '{count} open incident' : '{count} open incidents', { count: String(entry.incidents) })));
      }
      const height = typeof element.height === 'number' ? element.height : 0;
      this.overlays.add(element, OVERLAY_TYPE, { position: { bottom: height > 0 ? 10 : 0, left: -10 }, html: container, scale: { min: 1, max: 1.6 } });
      drawn += 1;
    }
    this.shown = statistics;
    return drawn;
  }

  clear(): void {
    this.overlays.remove({ type: OVERLAY_TYPE });
    this.shown = [];
  }

  isShown(): boolean {
    return this.shown.length > 0;
  }
}
