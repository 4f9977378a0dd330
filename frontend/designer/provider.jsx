// Properties the BPMN panel does not offer but our processes need: a gateway branch's
// condition, a business rule task's decision table and a service task's operation. The
// SpiffWorkflow extension elements are kept as generic XML (they round-trip untouched).
import { TextFieldEntry, TextAreaEntry, isTextFieldEntryEdited, isTextAreaEntryEdited } from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";

const SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core";

function extension(bo, type) {
  return (bo.extensionElements?.values || []).find((v) => v.$type === type);
}

function setExtensionBody(element, bo, type, value, moddle, modeling, bpmnFactory) {
  let extensionElements = bo.extensionElements;
  if (!extensionElements) {
    extensionElements = bpmnFactory.create("bpmn:ExtensionElements", { values: [] });
    modeling.updateProperties(element, { extensionElements });
  }
  const existing = extension(bo, type);
  const values = extensionElements.values.filter((v) => v !== existing);
  if (value) {
    const fresh = moddle.createAny(type, SPIFF, { $body: value });
    values.push(fresh);
  }
  modeling.updateModdleProperties(element, extensionElements, { values });
}

function ConditionEntry({ element, id }) {
  const modeling = useService("modeling");
  const bpmnFactory = useService("bpmnFactory");
  const translate = useService("translate");
  const debounce = useService("debounceInput");
  const bo = element.businessObject;
  return TextAreaEntry({
    element, id, debounce,
    label: translate("Condition (a Python expression over the case's data)"),
    description: translate('For example: route == "contractor". Leave empty on the default branch.'),
    getValue: () => bo.conditionExpression?.body || "",
    setValue: (value) => {
      const conditionExpression = value
        ? bpmnFactory.create("bpmn:FormalExpression", { body: value })
        : undefined;
      modeling.updateProperties(element, { conditionExpression });
    },
  });
}

function DecisionEntry({ element, id }) {
  const modeling = useService("modeling");
  const bpmnFactory = useService("bpmnFactory");
  const moddle = useService("moddle");
  const debounce = useService("debounceInput");
  const bo = element.businessObject;
  return TextFieldEntry({
    element, id, debounce,
    label: "Decision table id",
    description: "The id of a decision in this process's DMN tables, like fly_tipping_routing.",
    getValue: () => extension(bo, "spiffworkflow:calledDecisionId")?.$body || "",
    setValue: (value) =>
      setExtensionBody(element, bo, "spiffworkflow:calledDecisionId", value, moddle, modeling, bpmnFactory),
  });
}

function OperationEntry({ element, id }) {
  const modeling = useService("modeling");
  const debounce = useService("debounceInput");
  const bo = element.businessObject;
  const operator = extension(bo, "spiffworkflow:serviceTaskOperator");
  return TextFieldEntry({
    element, id, debounce,
    label: "Operation",
    description: "What the task does, like set_status, notify_team_lead or contractor_job_send. Publishing checks it exists.",
    getValue: () => operator?.id || "",
    setValue: (value) => operator && modeling.updateModdleProperties(element, operator, { id: value }),
    disabled: !operator,
  });
}

export default class TownhallPropertiesProvider {
  static $inject = ["propertiesPanel"];

  constructor(propertiesPanel) {
    propertiesPanel.registerProvider(400, this);
  }

  getGroups(element) {
    return (groups) => {
      const bo = element.businessObject;
      const entries = [];
      if (bo.$type === "bpmn:SequenceFlow" && bo.sourceRef?.$type === "bpmn:ExclusiveGateway") {
        entries.push({ id: "townhall-condition", component: ConditionEntry, isEdited: isTextAreaEntryEdited });
      }
      if (bo.$type === "bpmn:BusinessRuleTask") {
        entries.push({ id: "townhall-decision", component: DecisionEntry, isEdited: isTextFieldEntryEdited });
      }
      if (bo.$type === "bpmn:ServiceTask") {
        entries.push({ id: "townhall-operation", component: OperationEntry, isEdited: isTextFieldEntryEdited });
      }
      if (entries.length) {
        groups.splice(1, 0, { id: "townhall", label: "Townhall", entries, shouldOpen: true });
      }
      return groups;
    };
  }
}
