/** What process owners can draw: palette additions and a replace menu without what Samenspel does not run. */
import SamenspelPalette from './SamenspelPalette.js';
import SupportedReplaceMenu from './SupportedReplaceMenu.js';

export default {
  __init__: ['samenspelPalette', 'supportedReplaceMenu'],
  samenspelPalette: ['type', SamenspelPalette],
  supportedReplaceMenu: ['type', SupportedReplaceMenu],
};
