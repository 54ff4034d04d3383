/**
 * The small processes the integration suite deploys from a temporary processes folder,
 * written the way process owners write them (zeebe: attributes, FEEL, samenspel.* settings).
 */

const NS = `xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0"`;

function definitions(id: string, content: string, extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="${id}" targetNamespace="http://samenspel.test" modeler:executionPlatform="Camunda Cloud">
${extra}
${content}
</bpmn:definitions>
`;
}

/** Triage form: `urgentie` is required and an option; `toelichting` has a minimum length. */
export const triageForm = {
  id: 'test-triage',
  type: 'default',
  components: [
    {
      type: 'select',
      key: 'urgentie',
      label: 'Urgentie',
      validate: { required: true },
      values: [
        { label: 'Acuut', value: 'acuut' },
        { label: 'Niet acuut', value: 'niet-acuut' },
      ],
    },
    { type: 'textarea', key: 'toelichting', label: 'Toelichting', validate: { minLength: 10 } },
  ],
};

/**
 * start -> triage (vt-triage, form test-triage) -> end. Started by the front office of
 * Veilig Thuis and by the police basisteam; `antecedenten` is for the police only,
 * `triageNotitie` for Veilig Thuis only.
 */
export function meldingXml(name = 'Testmelding'): string {
  return definitions(
    'Defs_melding',
    `<bpmn:process id="test-melding" name="${name}" isExecutable="true">
    <bpmn:extensionElements>
      <zeebe:properties>
        <zeebe:property name="samenspel.starterGroups" value="vt-frontoffice, politie-basisteam" />
        <zeebe:property name="samenspel.retentionDays" value="30" />
        <zeebe:property name="samenspel.visibleTo.antecedenten" value="politie" />
        <zeebe:property name="samenspel.visibleTo.triageNotitie" value="veilig-thuis" />
      </zeebe:properties>
    </bpmn:extensionElements>
    <bpmn:startEvent id="start" name="Melding ontvangen" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="triage" />
    <bpmn:userTask id="triage" name="Veiligheidsbeoordeling">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="vt-triage" />
        <zeebe:formDefinition formId="test-triage" />
        <zeebe:taskSchedule dueDate="=add working days(now(), 5)" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="triage" targetRef="end" />
    <bpmn:endEvent id="end" name="Beoordeeld" />
  </bpmn:process>`,
  );
}

/**
 * Started by message TestZorgmelding (correlation key = registratienummer); then waits for
 * TestAanvulling with the same key; then registratie (vt-frontoffice) -> end.
 */
export const zorgmeldingXml = definitions(
  'Defs_zorgmelding',
  `<bpmn:process id="test-zorgmelding" name="Test zorgmelding" isExecutable="true">
    <bpmn:startEvent id="ontvangen" name="Zorgmelding ontvangen"><bpmn:messageEventDefinition id="med1" messageRef="Msg_Zorg" /></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="ontvangen" targetRef="aanvulling" />
    <bpmn:intermediateCatchEvent id="aanvulling" name="Aanvulling ontvangen"><bpmn:messageEventDefinition id="med2" messageRef="Msg_Aanvulling" /></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="aanvulling" targetRef="registratie" />
    <bpmn:userTask id="registratie" name="Registratie">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="vt-frontoffice" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="registratie" targetRef="end" />
    <bpmn:endEvent id="end" name="Geregistreerd" />
  </bpmn:process>`,
  `<bpmn:message id="Msg_Zorg" name="TestZorgmelding"><bpmn:extensionElements><zeebe:subscription correlationKey="=registratienummer" /></bpmn:extensionElements></bpmn:message>
  <bpmn:message id="Msg_Aanvulling" name="TestAanvulling"><bpmn:extensionElements><zeebe:subscription correlationKey="=registratienummer" /></bpmn:extensionElements></bpmn:message>`,
);

/** start -> webhook to the police's system -> end: an incident while the receiver fails. */
export const webhookXml = definitions(
  'Defs_webhook',
  `<bpmn:process id="test-webhook" name="Test webhook" isExecutable="true">
    <bpmn:startEvent id="start" name="Start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="informeer" />
    <bpmn:serviceTask id="informeer" name="Politie informeren">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="webhook" />
        <zeebe:taskHeaders><zeebe:header key="organisation" value="politie" /></zeebe:taskHeaders>
        <zeebe:ioMapping><zeebe:input source="=zaak" target="zaak" /></zeebe:ioMapping>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="informeer" targetRef="end" />
    <bpmn:endEvent id="end" name="Klaar" />
  </bpmn:process>`,
);

/** start -> wait one hour -> end. */
export const timerXml = definitions(
  'Defs_timer',
  `<bpmn:process id="test-timer" name="Test timer" isExecutable="true">
    <bpmn:startEvent id="start" name="Start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wacht" />
    <bpmn:intermediateCatchEvent id="wacht" name="Een uur wachten"><bpmn:timerEventDefinition id="ted1"><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wacht" targetRef="end" />
    <bpmn:endEvent id="end" name="Klaar" />
  </bpmn:process>`,
);

/** A process deployed over HTTP in the tests (not in the folder). */
export function adhocXml(id: string, name = 'Ad hoc'): string {
  return definitions(
    `Defs_${id}`,
    `<bpmn:process id="${id}" name="${name}" isExecutable="true">
    <bpmn:startEvent id="start" name="Start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="taak" />
    <bpmn:userTask id="taak" name="Taak">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="vt-onderzoek" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="taak" targetRef="end" />
    <bpmn:endEvent id="end" name="Klaar" />
  </bpmn:process>`,
  );
}

/** A user task without any assignment: refused at deploy. */
export const invalidXml = definitions(
  'Defs_invalid',
  `<bpmn:process id="test-invalid" name="Ongeldig" isExecutable="true">
    <bpmn:startEvent id="start" name="Start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="zwevend" />
    <bpmn:userTask id="zwevend" name="Niemands taak" />
    <bpmn:sequenceFlow id="f2" sourceRef="zwevend" targetRef="end" />
    <bpmn:endEvent id="end" name="Klaar" />
  </bpmn:process>`,
);

export const PROCESS_FILES: Record<string, string> = {
  'test-melding.bpmn': meldingXml(),
  'test-zorgmelding.bpmn': zorgmeldingXml,
  'test-webhook.bpmn': webhookXml,
  'test-timer.bpmn': timerXml,
  'test-triage.form': JSON.stringify(triageForm, null, 2),
};

/** start -> stap1 -> stap2 -> end, both for vt-triage: room to move a case back and forth. */
export const twoStepXml = definitions(
  'Defs_twee',
  `<bpmn:process id="test-twee-stappen" name="Twee stappen" isExecutable="true">
    <bpmn:startEvent id="start" name="Start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="stap1" />
    <bpmn:userTask id="stap1" name="Stap 1">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="vt-triage" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="stap1" targetRef="stap2" />
    <bpmn:userTask id="stap2" name="Stap 2">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="vt-triage" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="stap2" targetRef="end" />
    <bpmn:endEvent id="end" name="Klaar" />
  </bpmn:process>`,
);

/** Version 2 of test-melding: the triage task got a new id. */
export function meldingV2Xml(): string {
  return meldingXml('Testmelding v2').replace(/"triage"/g, '"veiligheidsbeoordeling"');
}
