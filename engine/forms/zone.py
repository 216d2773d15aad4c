"""The company's time zone (forms domain): datetimes are stored in UTC and read in this zone."""

from engine.expressions.dates import COMPANY_ZONE

LOCAL_ZONE = COMPANY_ZONE  # naive datetimes from phones are local time in China; now() and today() read it too
