"""includes/field.html and includes/error_summary.html render any Django field the GOV.UK way."""

from django import forms
from django.template.loader import render_to_string


class SampleForm(forms.Form):
    use_required_attribute = False

    name = forms.CharField(label="Name", help_text="As on your council tax bill")
    details = forms.CharField(label="Details", widget=forms.Textarea(attrs={"rows": 3}))
    bin = forms.ChoiceField(label="Which bin", choices=[("black", "Black"), ("blue", "Blue")])
    size = forms.ChoiceField(
        label="Size", choices=[("s", "Small"), ("l", "Large")], widget=forms.RadioSelect
    )
    days = forms.MultipleChoiceField(
        label="Days",
        choices=[("mon", "Monday"), ("tue", "Tuesday")],
        widget=forms.CheckboxSelectMultiple,
    )
    agree = forms.BooleanField(label="I agree")


def render(field) -> str:
    return render_to_string("includes/field.html", {"field": field})


def test_text_input_with_hint_and_error_is_described_by_both():
    form = SampleForm({"name": ""})
    form.is_valid()

    html = render(form["name"])

    assert '<label class="govuk-label" for="id_name">Name</label>' in html
    assert '<div id="id_name-hint" class="govuk-hint">As on your council tax bill</div>' in html
    assert 'class="govuk-input govuk-input--error" id="id_name"' in html
    assert 'aria-describedby="id_name-hint id_name-error"' in html
    assert "govuk-form-group--error" in html


def test_textarea_keeps_its_value_and_rows():
    html = render(SampleForm({"details": "Bags left <here>"})["details"])

    assert '<textarea class="govuk-textarea" id="id_details" name="details" rows="3"' in html
    assert ">Bags left &lt;here&gt;</textarea>" in html


def test_select_marks_the_chosen_option():
    html = render(SampleForm({"bin": "blue"})["bin"])

    assert '<select class="govuk-select" id="id_bin" name="bin"' in html
    assert '<option value="blue" selected>Blue</option>' in html


def test_radios_sit_in_a_fieldset_and_the_first_carries_the_field_id():
    form = SampleForm({})
    form.is_valid()

    html = render(form["size"])

    assert '<fieldset class="govuk-fieldset" aria-describedby="id_size-error">' in html
    assert 'class="govuk-fieldset__legend govuk-fieldset__legend--s">Size</legend>' in html
    assert 'class="govuk-radios__input" id="id_size" name="size" type="radio" value="s"' in html
    assert 'id="id_size-2" name="size" type="radio" value="l"' in html


def test_checkbox_group_ticks_the_chosen_boxes():
    html = render(SampleForm({"days": ["tue"]})["days"])

    assert 'id="id_days-2" name="days" type="checkbox" value="tue" checked' in html
    assert 'id="id_days" name="days" type="checkbox" value="mon">' in html


def test_single_checkbox():
    html = render(SampleForm({"agree": "on"})["agree"])

    assert (
        'class="govuk-checkboxes__input" id="id_agree" name="agree" type="checkbox" checked' in html
    )
    assert 'for="id_agree">I agree</label>' in html


def test_error_summary_links_every_error_to_its_field():
    form = SampleForm({})
    form.is_valid()
    form.add_error(None, "Something about the whole form")

    html = render_to_string("includes/error_summary.html", {"form": form})

    assert 'data-module="govuk-error-summary"' in html
    assert '<a href="#id_name">Something about the whole form</a>' in html
    assert '<a href="#id_size">' in html
    assert '<a href="#id_days">' in html


def test_error_summary_is_empty_without_errors():
    assert render_to_string("includes/error_summary.html", {"form": SampleForm()}).strip() == ""
