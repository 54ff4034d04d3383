/** bpmnlint in the modeler with Samenspel's rules (one source with the server). */
import lintModule from 'bpmn-js-bpmnlint';
import SamenspelLinting from './SamenspelLinting.js';

export default {
  __depends__: [lintModule],
  __init__: ['samenspelLinting'],
  samenspelLinting: ['type', SamenspelLinting],
};
