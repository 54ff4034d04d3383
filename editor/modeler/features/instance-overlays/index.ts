/** Badges with waiting cases and incidents per element. */
import InstanceOverlays from './InstanceOverlays.js';

export default {
  __init__: ['instanceOverlays'],
  instanceOverlays: ['type', InstanceOverlays],
};
