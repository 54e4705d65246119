"""Vietnamese formats missing from Django's own ``vi`` module: day-first input and short dates.

Django's ``vi`` formats define no DATE_INPUT_FORMATS, so "15/05/1995" fell back to the default
month-first list and was refused or misread; a Vietnamese reader writes day/month/year."""

SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
]
