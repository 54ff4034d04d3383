/**
 * The form-js editor and a preview in a large dialog, loaded only when a process owner
 * opens a form (the form editor is most of a megabyte). Every change hands the schema
 * back through `onChange`; the page keeps it with the draft.
 */
import { FormEditor } from '@bpmn-io/form-js-editor';
import { Form } from '@bpmn-io/form-js-viewer';
import { h } from '../../shared/dom.js';
import { t } from '../messages.js';

export interface FormDialogOptions {
  formId: string;
  schema: Record<string, unknown>;
  /** Open on the preview tab instead of the designer. */
  preview?: boolean;
  onChange(schema: Record<string, unknown>): void;
  onClose(): void;
}

export async function openFormDialog(options: FormDialogOptions): Promise<void> {
  let schema = structuredClone(options.schema);
  const designHost = h('div', { class: 'form-design', 'data-testid': 'form-editor' });
  const previewHost = h('div', { class: 'form-preview-canvas', 'data-testid': 'form-preview' });
  const previewPane = h('div', { class: 'form-preview', hidden: true }, h('p', { class: 'muted form-preview-hint' }, t('form.previewHint')), previewHost);
  const designTab = h('button', { type: 'button', class: 'tab active', 'data-tab': 'design' }, t('form.design'));
  const previewTab = h('button', { type: 'button', class: 'tab', 'data-tab': 'preview' }, t('form.preview'));
  const done = h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'form-done' }, t('form.done'));
  const dialog = h(
    'div',
    { class: 'dialog form-dialog', role: 'dialog', 'aria-modal': 'true', 'aria-label': t('form.dialogTitle', { id: options.formId }) },
    h('div', { class: 'dialog-header' }, h('h2', {}, t('form.dialogTitle', { id: options.formId })), h('div', { class: 'tabs' }, designTab, previewTab), h('div', { class: 'spacer' }), done),
    h('div', { class: 'dialog-body form-dialog-body' }, designHost, previewPane),
  );
  const backdrop = h('div', { class: 'dialog-backdrop' }, dialog);
  document.body.appendChild(backdrop);

  const editor = new FormEditor({ container: designHost });
  await editor.importSchema(schema);
  editor.on('changed', () => {
    schema = editor.saveSchema() as Record<string, unknown>;
    options.onChange(schema);
  });

  let viewer: Form | null = null;
  const showPreview = async (on: boolean) => {
    designTab.classList.toggle('active', !on);
    previewTab.classList.toggle('active', on);
    designHost.hidden = on;
    previewPane.hidden = !on;
    if (on) {
      viewer?.destroy();
      previewHost.replaceChildren();
      viewer = new Form({ container: previewHost });
      await viewer.importSchema(schema, {});
    }
  };
  designTab.addEventListener('click', () => void showPreview(false));
  previewTab.addEventListener('click', () => void showPreview(true));

  const close = () => {
    document.removeEventListener('keydown', onKey, true);
    viewer?.destroy();
    editor.destroy();
    backdrop.remove();
    options.onClose();
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !document.querySelector('.fjs-properties-panel input:focus, .fjs-properties-panel textarea:focus')) close();
  };
  document.addEventListener('keydown', onKey, true);
  done.addEventListener('click', close);
  if (options.preview) await showPreview(true);
}
