"""Tests for app.domain.cron: Quartz cron validation as Elasticsearch's ``Cron`` class does it.

The expected detail messages were produced by Elasticsearch's own ``Cron`` parser (see the module docstring).
"""

from __future__ import annotations

import pytest

from app.domain.cron import InvalidCronExpression, validate_cron

VALID = [
    ("0 0 0 * * ?", "default schedule: every day at midnight"),
    ("0 0/5 14,18 * * ?", "increment from a start value and a list"),
    ("0 15 10 ? * MON-FRI", "named day-of-week range"),
    ("0 15 10 L * ?", "last day of the month"),
    ("0 15 10 L-3 * ?", "offset from the last day of the month"),
    ("0 0 0 L-30W * ?", "largest offset, nearest weekday"),
    ("0 0 0 LW * ?", "last weekday of the month"),
    ("0 0 0 15W * ?", "weekday nearest a day of month"),
    ("0 0 0 15W,20 * ?", "W in a list, as ES allows"),
    ("0 15 10 ? * 6L", "last Friday of the month"),
    ("0 15 10 ? * FRIL", "last Friday by name"),
    ("0 15 10 ? * L", "L alone in day-of-week"),
    ("0 15 10 ? * 6#3", "third Friday of the month"),
    ("0 15 10 ? * FRI#5", "fifth Friday by name"),
    ("0 0 0 ? * 6#3,2", "a single nth day in a list, as ES allows"),
    ("0 0 12 1/5 * ?", "day-of-month increment"),
    ("0 11 11 11 11 ?", "specific day of month"),
    ("*/5 * * * * ?", "wildcard increment"),
    ("/5 * * * * ?", "bare slash increment means */5"),
    ("*/59 */59 */23 */31 */12 ?", "largest wildcard increments"),
    ("*/0 0 0 * * ?", "zero increment, which ES treats as every value"),
    ("5/75 0 0 * * ?", "ES only caps increments that follow * or /"),
    ("0 0 10-20/5 * * ?", "range with increment"),
    ("0 0 22-2 * * ?", "range wrapping past midnight"),
    ("0 0 0 ? NOV-FEB *", "month range wrapping the year"),
    ("0 0 0 ? * SAT-SUN", "day-of-week range wrapping the week"),
    ("0 0 0 ? JAN,MAR,12 *", "names and numbers mixed in a list"),
    ("59 59 23 31 12 ?", "upper bounds"),
    ("0 0 0 1 1 ?", "lower bounds"),
    ("0 0 0 ? * 1-7", "full day-of-week range"),
    ("00 05 0 * * ?", "leading zeros"),
    ("0 0 0 ? jan mon-fri", "lower-case names"),
    ("0 0 0 lw * ?", "lower-case special characters"),
    ("0 0 0 * * ? 2030", "seven fields with a year"),
    ("0 0 0 * * ? 2030-2035,2040", "year range and list"),
    ("0 0 0 * * ? */2", "year increment"),
    ("0 0 0 * * ? 1969", "ES does not range-check years"),
    ("0 0 0 * * ? 2300", "ES does not range-check years, high"),
    ("  0 0\t0  * * ?  ", "spaces and tabs separate fields"),
    ("0 0 0 * * ?\r\n", "line break trimmed off a field like Java's String.trim"),
]

# (expression, the detail Elasticsearch reports)
INVALID_AS_ES_SAYS = [
    ("0 0 0 * ?", "'?' can only be specified for Day-of-Month or Day-of-Week. at pos [1]"),
    ("", "unexpected end of expression at pos [0]."),
    ("0 0 0 * *", "unexpected end of expression at pos [9]."),
    ("0 0 0 ? * ?", "'?' can only be specified for Day-of-Month -OR- Day-of-Week. at pos [1]"),
    ("0 0 0 * * *", "support for specifying both a day-of-week AND a day-of-month parameter is not implemented."),
    ("0 0 0 1 * MON", "support for specifying both a day-of-week AND a day-of-month parameter is not implemented."),
    ("60 0 0 * * ?", "Minute and Second values must be between 0 and 59"),
    ("0 60 0 * * ?", "Minute and Second values must be between 0 and 59"),
    ("0 0 24 * * ?", "Hour values must be between 0 and 23"),
    ("0 0 20-24 * * ?", "Hour values must be between 0 and 23"),
    ("0 0 0 32 * ?", "Day of month values must be between 1 and 31"),
    ("0 0 0 0 * ?", "Day of month values must be between 1 and 31"),
    ("0 0 0 * 13 ?", "Month values must be between 1 and 12"),
    ("0 0 0 * 0 ?", "Month values must be between 1 and 12"),
    ("0 0 0 ? * 8", "Day-of-Week values must be between 1 and 7"),
    ("0 0 0 ? * 0", "Day-of-Week values must be between 1 and 7"),
    ("0 0 0 ? * 8L", "Day-of-Week values must be between 1 and 7"),
    ("0 0 0 ? * 6#6", "a numeric value between 1 and 5 must follow the '#' option at pos [2]"),
    ("0 0 0 ? * 6#0", "a numeric value between 1 and 5 must follow the '#' option at pos [2]"),
    ("0 0 0 ? * 6#3X", "a numeric value between 1 and 5 must follow the '#' option at pos [2]"),
    ("0 0 0 ? * FRI#9", "a numeric value between 1 and 5 must follow the '#' option at pos [4]"),
    ("0 0 0 ? * 1#1,2#2", 'support for specifying multiple "nth" days is not implemented.'),
    ("0 0 5L * * ?", "'L' option is not valid here. at pos [1]"),
    ("0 0 0 ? * 15W", "'W' option is not valid here. at pos [2]"),
    ("0 0 0 6#3 * ?", "'#' option is not valid here. at pos [1]"),
    (
        "0 0 0 32W * ?",
        "the 'W' option does not make sense with values larger than 31 (max number of days in a month) at pos [2]",
    ),
    ("0 0 0 L-31 * ?", "offset from last day must be <= 30 at pos [2]"),
    ("0 0 0 L,5 * ?", "support for specifying 'L' and 'LW' with other days of the month is not implemented"),
    ("0 0 0 ? * 5L,6", "support for specifying 'L' with other days of the week is not implemented"),
    ("*/60 * * * * ?", "increment [60] > 60 at pos [4]"),
    ("0 0 */24 * * ?", "increment [24] > 24 at pos [4]"),
    ("0 0 0 */32 * ?", "increment [32] > 31 at pos [4] "),
    ("0 0 0 * */13 ?", "increment [13] > 12 at pos [4]"),
    ("0 0 0 ? * */8", "increment [8] > 7 at pos [3] "),
    ("0 0 0 ? * /8", "increment [8] > 7 at pos [2] "),
    ("0 0 0 ? FOO *", "invalid Month value [FOO] at pos [0]"),
    ("0 0 0 ? JAN-FOO *", "invalid Month value [FOO] at pos [4]"),
    ("0 0 0 ? * FOO", "invalid Day-of-Week value [FOO] at pos [0]"),
    ("0 0 0 ? * JAN", "invalid Day-of-Week value [JAN] at pos [0]"),
    ("not a cron", "illegal characters [NOT] at pos [0] '"),
    ("0 0 MON * * ?", "illegal characters [MON] at pos [0] '"),
    ("! 0 0 * * ?", "Unexpected character [!] at pos [0] "),
    ("0 0 0 #3 * ?", "Unexpected character [#] at pos [0] "),
    ("/ 0 0 * * ?", "'/' must be followed by an integer. at pos [0]"),
    ("*/ 0 0 * * ?", "Unexpected end of string. at pos [2]"),
    ("0 0 0 ? * ?XY", "illegal character [X] after '?' at pos [1]"),
    ("0 0 0 ? * ?,5", "'?' can only be specified for Day-of-Month -OR- Day-of-Week. at pos [1]"),
    ("0 0 0 ?XY * MON", "illegal character [X] after '?' at pos [1]"),
    ("0 0 0 * * ? 2030-2020", "Start year must be less than stop year"),
    ("0 0 0 * * ? 9999/5", "Start year must be less than stop year"),
]

# Accepted by Elasticsearch only because its parser stops reading or skips a check; rejected here on purpose.
INVALID_THOUGH_ES_SKIPS_IT = [
    ("0 0 0 * * ? 2030 junk", "expected 6 or 7 fields but found 8"),
    ("0 0 0 * * ?x", "invalid day-of-week value [?X]"),
    ("0 0 0 5X * ?", "invalid day-of-month value [5X]"),
    ("0 0 0 1-5X * ?", "invalid day-of-month value [1-5X]"),
    ("0 0 0 ? JANUARY *", "invalid month value [JANUARY]"),
    ("0 0 0 ? JAN/2 *", "invalid month value [JAN/2]"),
    ("0 0 0 ? * MON-FRI/2", "invalid day-of-week value [MON-FRI/2]"),
    ("0 0 0 ? * LW", "invalid day-of-week value [LW]"),
    ("0 0 L * * ?", "'L' option is not valid here. at pos [0]"),
    ("0 0 0 * L ?", "'L' option is not valid here. at pos [0]"),
    ("0 0 0 ?,5 * MON", "'?' must be the whole field, not part of a list"),
    ("0 0 0 1,,2 * ?", "invalid day-of-month value []"),
    ("0 0 0 5-0 * ?", "Day of month values must be between 1 and 31"),
    ("0 0 0 0W * ?", "Day of month values must be between 1 and 31"),
    ("0 0 0 ? * 8#3", "Day-of-Week values must be between 1 and 7"),
    ("0 0 0 * * ? \n", "invalid year value []"),
]


@pytest.mark.parametrize("expression", [case[0] for case in VALID], ids=[case[1] for case in VALID])
def test_accepts_expressions_that_elasticsearch_accepts(expression: str) -> None:
    validate_cron(expression)


@pytest.mark.parametrize(("expression", "detail"), INVALID_AS_ES_SAYS)
def test_rejects_expressions_with_the_detail_elasticsearch_gives(expression: str, detail: str) -> None:
    with pytest.raises(InvalidCronExpression) as caught:
        validate_cron(expression)
    assert caught.value.detail == detail


@pytest.mark.parametrize(("expression", "detail"), INVALID_THOUGH_ES_SKIPS_IT)
def test_rejects_junk_that_elasticsearch_silently_ignores(expression: str, detail: str) -> None:
    with pytest.raises(InvalidCronExpression) as caught:
        validate_cron(expression)
    assert caught.value.detail == detail


def test_error_is_a_value_error_naming_the_expression_and_the_problem() -> None:
    with pytest.raises(ValueError, match=r"^invalid cron expression \[0 0 24 \* \* \?\]: Hour values"):
        validate_cron("0 0 24 * * ?")


def test_error_reason_quotes_the_expression_as_sent_not_upper_cased() -> None:
    with pytest.raises(InvalidCronExpression) as caught:
        validate_cron("0 0 0 ? * foo")
    assert caught.value.expression == "0 0 0 ? * foo"
    assert caught.value.reason == "invalid cron expression [0 0 0 ? * foo]"
    assert caught.value.detail == "invalid Day-of-Week value [FOO] at pos [0]"


def test_error_renders_the_cause_chain_elasticsearch_returns() -> None:
    with pytest.raises(InvalidCronExpression) as caught:
        validate_cron("61 0 0 * * ?")
    assert caught.value.to_es_error() == {
        "type": "illegal_argument_exception",
        "reason": "invalid cron expression [61 0 0 * * ?]",
        "caused_by": {
            "type": "illegal_argument_exception",
            "reason": "illegal cron expression format "
            "[java.lang.IllegalArgumentException: Minute and Second values must be between 0 and 59]",
        },
    }


def test_numbers_beyond_java_int_fail_like_integer_parse_int() -> None:
    with pytest.raises(InvalidCronExpression) as caught:
        validate_cron("0 0 0 * * ? 99999999999")
    assert caught.value.cause_reason == (
        'illegal cron expression format [java.lang.NumberFormatException: For input string: "99999999999"]'
    )
