"""Every form the app shows, with its validation messages."""

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class JoinForm(FlaskForm):
    code = StringField(
        "Class code",
        validators=[
            DataRequired("Type the class code your teacher gave you."),
            Length(max=32, message="A class code is 8 letters and digits."),
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
    name = StringField(
        "Your name",
        validators=[
            DataRequired("Type the name your teacher will see."),
            Length(max=60, message="Keep your name under 60 characters."),
        ],
        render_kw={"autocomplete": "nickname"},
        description="Your first name, or the name your teacher asked you to use.",
    )


class ResumeForm(FlaskForm):
    resume_code = StringField(
        "Your resume code",
        validators=[
            DataRequired("Type the resume code you were given when you joined."),
            Length(max=40, message="A resume code looks like ABCD-EFGH-JKMN."),
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


class ActionForm(FlaskForm):
    """A form that is only buttons (save, submit, retake, leave): it carries the token."""
