import pytest

from townhall.accounts.models import User
from townhall.workflow.definitions import ProcessInvalid
from townhall.workflow.engine import ProcessDefinitionError
from townhall.workflow.library import library_files, library_publish
from townhall.workflow.models import ProcessVersion
from townhall.workflow.publishing import process_version_diff, process_version_publish

FLY = "report-fly-tipping"


def _fly_files() -> tuple[str, list[str]]:
    for key, bpmn, dmns in library_files():
        if key == FLY:
            return bpmn, dmns
    raise AssertionError("no fly-tipping process")


def test_every_demo_service_has_a_live_process_from_the_library(catalogue):
    live = set(ProcessVersion.objects.filter(is_live=True).values_list("key", flat=True))
    # Information services and eligibility checkers make no case, so run no process.
    assert live == {s.process_key for s in catalogue.values() if s.process_key}
    assert len(live) == 15


def test_publishing_the_library_again_changes_nothing(catalogue):
    library_publish()  # the processes no demo service runs (the starter catalogue's) too
    before = ProcessVersion.objects.count()
    library_publish()
    assert ProcessVersion.objects.count() == before


def test_a_changed_definition_becomes_a_new_live_version_recording_who_published(catalogue):
    designer = User.objects.create_user("designer@example.gov.uk", "Not-a-real-pass-1")
    bpmn, dmns = _fly_files()
    changed = bpmn.replace('name="Clear the fly-tip"', 'name="Clear the fly-tip today"')
    version = process_version_publish(
        key=FLY, name="Fly", bpmn_xml=changed, dmn_xmls=dmns, published_by=designer
    )
    assert version.version == 2 and version.is_live and version.published_by == designer
    old = ProcessVersion.objects.get(key=FLY, version=1)
    assert not old.is_live
    diff = process_version_diff(old=old, new=version)
    assert "userTask 'Clear the fly-tip today'" in diff.changed
    assert not diff.added and not diff.removed
    assert "+" in diff.text and "Clear the fly-tip today" in diff.text


def test_a_published_version_cannot_be_edited(catalogue):
    version = ProcessVersion.objects.get(key=FLY, is_live=True)
    version.bpmn_xml = "<changed/>"
    with pytest.raises(ValueError, match="cannot be edited"):
        version.save()


def _refused(bpmn: str, dmns: list[str], reason: str) -> None:
    live = ProcessVersion.objects.get(key=FLY, is_live=True)
    with pytest.raises(ProcessDefinitionError, match=reason):
        process_version_publish(key=FLY, name="Fly", bpmn_xml=bpmn, dmn_xmls=dmns)
    assert ProcessVersion.objects.get(key=FLY, is_live=True) == live
    assert ProcessVersion.objects.filter(key=FLY).count() == 1


def test_bpmn_that_does_not_parse_is_refused_and_the_live_version_stays(catalogue):
    bpmn, dmns = _fly_files()
    _refused(bpmn[:-40], dmns, "not well-formed XML")


def test_a_decision_table_without_catch_all_row_is_refused(catalogue):
    bpmn, dmns = _fly_files()
    last_rule = dmns[0].rindex("<rule ")
    without = dmns[0][:last_rule] + "</decisionTable>\n  </decision>\n</definitions>\n"
    _refused(bpmn, [without], "catch-all")


def test_an_unknown_operation_is_refused(catalogue):
    bpmn, dmns = _fly_files()
    _refused(
        bpmn.replace('id="raise_priority"', 'id="launch_rocket"'),
        dmns,
        "unknown operation 'launch_rocket'",
    )


def test_an_unknown_team_is_refused(catalogue):
    bpmn, dmns = _fly_files()
    dmn = dmns[0].replace("waste-and-street-scene-street-scene-crew", "no-such-team", 1)
    _refused(bpmn, [dmn], "unknown team 'no-such-team'")


def test_a_loop_without_a_wait_state_is_refused(catalogue):
    bpmn, dmns = _fly_files()
    # The evidence gateway's "not OK" flow loops onto the gateway itself: no wait state.
    busy = bpmn.replace(
        'sourceRef="photo_ok" targetRef="clear"', 'sourceRef="photo_ok" targetRef="photo_ok"'
    )
    assert busy != bpmn
    with pytest.raises(ProcessInvalid, match="loops without waiting"):
        process_version_publish(key=FLY, name="Fly", bpmn_xml=busy, dmn_xmls=dmns)


def test_an_expression_with_an_import_is_refused_at_publish_time(catalogue):
    bpmn, dmns = _fly_files()
    evil = bpmn.replace('value="team"', "value=\"__import__('os').getcwd()\"", 1)
    _refused(evil, dmns, "not part of the expression language")
