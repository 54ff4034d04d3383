/** Properties panel without groups for what Samenspel does not run. */
import SamenspelPropertiesFilter from './SamenspelPropertiesFilter.js';

export default {
  __init__: ['samenspelPropertiesFilter'],
  samenspelPropertiesFilter: ['type', SamenspelPropertiesFilter],
};
