/** Saved or not: the modeler's unsaved-changes state. */
import ChangeTracker from './ChangeTracker.js';

export default {
  __init__: ['changeTracker'],
  changeTracker: ['type', ChangeTracker],
};
