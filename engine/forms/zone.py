"""The company's time zone (forms domain): datetimes are stored in UTC and read in this zone."""

from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")  # naive datetimes from phones are local time in China
