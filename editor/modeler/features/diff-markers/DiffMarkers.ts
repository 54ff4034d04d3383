/**
 * Colours elements by what a comparison found: added (green), changed (orange), moved
 * only (blue) and removed (red, on the old diagram). Markers are CSS classes on the
 * canvas elements (see modeler.css).
 */
export type DiffKind = 'added' | 'removed' | 'changed' | 'layout';

export const DIFF_CLASSES: Readonly<Record<DiffKind, string>> = Object.freeze({
  added: 'diff-added',
  removed: 'diff-removed',
  changed: 'diff-changed',
  layout: 'diff-layout',
});

interface Canvas {
  addMarker(element: unknown, marker: string): void;
  removeMarker(element: unknown, marker: string): void;
}
interface ElementRegistry {
  get(id: string): unknown;
  getAll(): { id: string }[];
}

export default class DiffMarkers {
  static $inject = ['canvas', 'elementRegistry'];

  constructor(
    private readonly canvas: Canvas,
    private readonly elementRegistry: ElementRegistry,
  ) {}

  /** Marks the given element ids; ids not in this diagram are skipped. */
  mark(marks: Partial<Record<DiffKind, Iterable<string>>>): void {
    this.clear();
    for (const [kind, ids] of Object.entries(marks) as [DiffKind, Iterable<string>][]) {
      for (const id of ids ?? []) {
        const element = this.elementRegistry.get(id);
        if (element) this.canvas.addMarker(element, DIFF_CLASSES[kind]);
      }
    }
  }

  clear(): void {
    for (const element of this.elementRegistry.getAll()) {
      for (const marker of Object.values(DIFF_CLASSES)) this.canvas.removeMarker(element, marker);
    }
  }
}
