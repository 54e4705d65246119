"""Vietnamese date formats: day before month, always.

Django's own ``vi`` locale defines no input formats, so the global default applied, whose
first slashed format is the American ``%m/%d/%Y``: a citizen typing 05/06/1990 for 5 June got
6 May. Dates are read and shown as dd/mm/yyyy; the ISO form stays accepted (what a browser's
``<input type="date">`` sends)."""

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "H:i d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
MONTH_DAY_FORMAT = "d/m"
YEAR_MONTH_FORMAT = "m/Y"
# ISO first: a widget renders a date with the first format, and an <input type="date"> only
# takes ISO (its value shown as dd/mm/yyyy would be dropped by the browser); no month-first
# format at all.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2006-10-25, ISO (<input type="date">)
    "%d/%m/%Y",  # 25/10/2006
    "%d/%m/%y",  # 25/10/06
    "%d-%m-%Y",  # 25-10-2006
    "%d.%m.%Y",  # 25.10.2006
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
]
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
