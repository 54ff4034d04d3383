/** Diff colours on the canvas. */
import DiffMarkers from './DiffMarkers.js';

export default {
  __init__: ['diffMarkers'],
  diffMarkers: ['type', DiffMarkers],
};
