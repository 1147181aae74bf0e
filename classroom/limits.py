"""What one request may carry: the app's settings, and `classroom check` for quiz forms."""

MAX_CONTENT_LENGTH = 256 * 1024  # bytes of a request's body
# Fields and values of one form. A quiz's form must fit: `classroom check` names a quiz
# whose answers could need more, as no student could submit it. A hostile body of
# MAX_CONTENT_LENGTH could hold a hundred times as many.
MAX_FORM_PARTS = 1000
