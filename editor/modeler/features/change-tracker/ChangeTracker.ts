/**
 * Knows whether the diagram differs from what was last saved: the command stack index
 * at the last save (or import) against the current one, so undoing back to the saved
 * state counts as saved again. Fires `samenspel.dirty` with `{ dirty }` on every change.
 */
interface CommandStack {
  _stackIdx: number;
}
interface EventBus {
  on(event: string | string[], callback: () => void): void;
  fire(event: string, data?: unknown): void;
}

export default class ChangeTracker {
  static $inject = ['eventBus', 'commandStack'];

  private savedIndex = -1;
  private extraChanges = false;

  constructor(
    private readonly eventBus: EventBus,
    private readonly commandStack: CommandStack,
  ) {
    eventBus.on('import.done', () => this.markSaved());
    eventBus.on('commandStack.changed', () => this.notify());
  }

  isDirty(): boolean {
    return this.extraChanges || this.commandStack._stackIdx !== this.savedIndex;
  }

  /** Something outside the diagram changed (a form). */
  markChangedOutside(): void {
    this.extraChanges = true;
    this.notify();
  }

  markSaved(): void {
    this.savedIndex = this.commandStack._stackIdx;
    this.extraChanges = false;
    this.notify();
  }

  private notify(): void {
    this.eventBus.fire('samenspel.dirty', { dirty: this.isDirty() });
  }
}
