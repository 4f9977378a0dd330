from townhall.workflow.definitions import process_definition_teams
from townhall.workflow.library import library_files


def test_the_teams_a_process_names_come_from_its_user_tasks_and_decision_tables():
    files = {key: (bpmn, dmns) for key, bpmn, dmns in library_files()}
    bpmn, dmns = files["report-fly-tipping"]
    # The user tasks' team is an expression (=team), decided by the table's rows.
    assert process_definition_teams(bpmn_xml=bpmn, dmn_xmls=[]) == set()
    assert process_definition_teams(bpmn_xml=bpmn, dmn_xmls=dmns) == {
        "waste-and-street-scene-street-scene-crew",
        "waste-and-street-scene-specialist-clearance-contra",
    }
    bpmn, dmns = files["apply-to-rent-a-garage"]
    assert process_definition_teams(bpmn_xml=bpmn, dmn_xmls=dmns) == {
        "property-services-garages-and-estates"
    }
