"""Every form the app shows, with its validation messages."""

import unicodedata

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from classroom.numbers import whole_number

# Invisible characters that join letters in some scripts (Persian, Indic) and in emoji.
JOINERS = {"\u200c", "\u200d"}
# Letters and marks that draw nothing, though Unicode does not file them as formatting.
BLANKS = {"\u034f", "\u115f", "\u1160", "\u17b4", "\u17b5", "\u2800", "\u3164", "\uffa0"}


def tidy_name(value: str | None) -> str | None:
    """A name as it will be shown: composed, its spaces and line breaks each one space."""
    if value is None:
        return None
    return " ".join(unicodedata.normalize("NFC", value).split())


def _hidden(name: str) -> str | None:
    """The first character of `name` that cannot be seen where it stands, if any.

    A joiner is kept only between two characters beyond Latin (Persian letters, emoji):
    elsewhere it hides, and "Alice" with one after it looks like "Alice"."""
    for index, ch in enumerate(name):
        if ch in JOINERS:
            around = name[index - 1 : index] + name[index + 1 : index + 2]
            if len(around) == 2 and all(ord(c) > 0x2FF and not c.isspace() for c in around):
                continue
            return ch
        if ch in BLANKS or unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Cn"):
            return ch
    return None


class VisibleName:
    """A name must be seen as it was typed: no control or formatting characters (which
    can hide it, or turn the text after it right to left), and something to see."""

    def __init__(self, what: str):
        self.what = what

    def __call__(self, form: FlaskForm, field: StringField) -> None:
        hidden = _hidden(field.data or "")
        if hidden is not None:
            raise ValidationError(
                f"{self.what} has an invisible or control character "
                f"(U+{ord(hidden):04X}); type it again with letters, digits and spaces."
            )
        if not any(unicodedata.category(ch)[0] in "LNS" for ch in field.data or ""):
            raise ValidationError(f"{self.what} needs at least one letter or digit.")


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
            Length(max=60, message="Keep your name to 60 characters or fewer."),
            VisibleName("Your name"),
        ],
        filters=[tidy_name],
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


PASSWORD_RULE = "Use at least 8 characters (up to 128). A few random words make a strong one."


class LoginForm(FlaskForm):
    username = StringField(
        "Username",
        validators=[DataRequired("Type your username."), Length(max=64)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Type your password."), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )


class AccountForm(FlaskForm):
    """Create a teacher account (first-run setup or an invitation)."""

    username = StringField(
        "Username",
        validators=[
            DataRequired("Choose a username."),
            Length(min=3, max=64, message="A username is 3 to 64 characters."),
            Regexp(
                r"^[A-Za-z0-9._-]+$",
                message="Use letters, digits, dots, dashes and underscores only.",
            ),
        ],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Choose a password."),
            Length(min=8, max=128, message=PASSWORD_RULE),
        ],
        description=PASSWORD_RULE,
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Password again",
        validators=[
            DataRequired("Type the password again."),
            EqualTo("password", message="The two passwords are not the same."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ClassForm(FlaskForm):
    name = StringField(
        "Class name",
        validators=[
            DataRequired("Give the class a name."),
            Length(max=80, message="Keep the name to 80 characters or fewer."),
            VisibleName("The class name"),
        ],
        filters=[tidy_name],
    )


def _options(*pairs: tuple[str, str]) -> list:
    """A select's options: SelectChoice where WTForms has it (3.3 deprecates tuples)."""
    try:
        from wtforms import SelectChoice
    except ImportError:  # WTForms before 3.3
        return list(pairs)
    return [SelectChoice(value, label) for value, label in pairs]


class WholeNumberField(IntegerField):
    """A number typed in ASCII digits: int() would also read "٣", "３", "1_0" and "+3"."""

    def process_formdata(self, valuelist: list) -> None:
        if not valuelist:
            return
        text = str(valuelist[0]).strip()
        self.data = whole_number(text)
        if self.data is None and text:
            raise ValueError("Type a whole number in digits, such as 3.")

    def pre_validate(self, form: FlaskForm) -> None:
        if self.process_errors:  # one message: a range says nothing of what is no number
            raise StopValidation()


class AssignmentForm(FlaskForm):
    """One quiz's settings for one class."""

    assigned = BooleanField("Assigned to this class")
    opens_at = DateTimeLocalField(
        "Opens",
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description="Leave empty to open now. Times are UTC.",
    )
    closes_at = DateTimeLocalField(
        "Closes",
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description="Leave empty to keep it open.",
    )
    attempts = WholeNumberField(
        "Attempts allowed",
        validators=[
            Optional(),
            NumberRange(min=0, max=50, message="Between 0 (unlimited) and 50."),
        ],
        description="Empty: the quiz's own setting. 0: unlimited.",
    )
    feedback = SelectField(
        "Feedback shown",
        choices=_options(
            ("", "The quiz's own setting"),
            ("after_each", "After each answer"),
            ("after_submit", "After submitting"),
            ("after_close", "After the quiz closes"),
        ),
        validators=[Optional()],
    )
    role = SelectField(
        "Pre/post-test",
        choices=_options(
            ("", "Neither"), ("pre", "Pre-test of its lesson"), ("post", "Post-test of its lesson")
        ),
        validators=[Optional()],
    )

    def validate_closes_at(self, field: DateTimeLocalField) -> None:
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError("The closing time must be after the opening time.")

    def validate_feedback(self, field: SelectField) -> None:
        if field.data == "after_close" and self.assigned.data and not self.closes_at.data:
            raise ValidationError(
                "Set a closing time: with feedback after the quiz closes, students would "
                "otherwise never see it."
            )
