/**
 * Palette entries for what process owners draw most: a user task (work for a group)
 * and a service task (a connector), beside bpmn-js's plain task.
 */
type Create = { start(event: Event, shape: unknown): void };
type ElementFactory = { createShape(attrs: Record<string, unknown>): unknown };
type Translate = (text: string) => string;
type PaletteEntries = Record<string, unknown>;

export default class SamenspelPalette {
  static $inject = ['palette', 'create', 'elementFactory', 'translate'];

  constructor(
    palette: { registerProvider(priority: number, provider: unknown): void },
    private readonly create: Create,
    private readonly elementFactory: ElementFactory,
    private readonly translate: Translate,
  ) {
    palette.registerProvider(500, this);
  }

  getPaletteEntries(): (entries: PaletteEntries) => PaletteEntries {
    const entry = (type: string, className: string, title: string) => {
      const start = (event: Event) => this.create.start(event, this.elementFactory.createShape({ type }));
      return { group: 'activity', className, title: this.translate(title), action: { dragstart: start, click: start } };
    };
    return (entries) => {
      const out: PaletteEntries = {};
      for (const [id, value] of Object.entries(entries)) {
        out[id] = value;
        if (id === 'create.task') {
          out['create.user-task'] = entry('bpmn:UserTask', 'bpmn-icon-user-task', 'Create user task');
          out['create.service-task'] = entry('bpmn:ServiceTask', 'bpmn-icon-service-task', 'Create service task');
        }
      }
      return out;
    };
  }
}
