"""An event sign-up app whose forms count across records, shared by the aggregate tests.

Each event shows how many seats are taken and left (formulas over its registrations); a
registration is refused when it would take more seats than the event has.
"""

import copy

FULL = {"zh-CN": "该活动名额已满", "en": "The event is full"}

PACKAGE = {
    "format": "trellis.app/1",
    "id": "signup",
    "version": "1.0.0",
    "name": {"zh-CN": "活动报名", "en": "Event sign-up"},
    "default_locale": "zh-CN",
    "forms": [
        {
            "id": "event",
            "name": {"zh-CN": "活动", "en": "Event"},
            "title_field": "name",
            "fields": [
                {"id": "name", "type": "text", "label": {"zh-CN": "名称", "en": "Name"}, "required": True},
                {"id": "capacity", "type": "number", "precision": 0, "label": {"zh-CN": "名额", "en": "Seats"}},
                {
                    "id": "taken",
                    "type": "formula",
                    "label": {"zh-CN": "已报名人数", "en": "Seats taken"},
                    "expression": "related_sum('registration', 'event', 'seats')",
                    "precision": 0,
                },
                {
                    "id": "seats_left",
                    "type": "formula",
                    "label": {"zh-CN": "剩余名额", "en": "Seats left"},
                    "expression": "capacity - taken",
                    "precision": 0,
                },
                {
                    "id": "registrations",
                    "type": "formula",
                    "label": {"zh-CN": "报名数", "en": "Registrations"},
                    "expression": "related_count('registration', 'event')",
                    "precision": 0,
                },
                {
                    "id": "smallest_party",
                    "type": "formula",
                    "label": {"zh-CN": "最少人数", "en": "Smallest party"},
                    "expression": "related_min('registration', 'event', 'seats')",
                    "precision": 0,
                },
                {
                    "id": "largest_party",
                    "type": "formula",
                    "label": {"zh-CN": "最多人数", "en": "Largest party"},
                    "expression": "related_max('registration', 'event', 'seats')",
                    "precision": 0,
                },
            ],
        },
        {
            "id": "registration",
            "name": {"zh-CN": "报名", "en": "Registration"},
            "title_field": "name",
            "fields": [
                {
                    "id": "event",
                    "type": "relation",
                    "target": "event",
                    "required": True,
                    "label": {"zh-CN": "活动", "en": "Event"},
                },
                {"id": "name", "type": "text", "label": {"zh-CN": "姓名", "en": "Name"}},
                {
                    "id": "seats",
                    "type": "number",
                    "precision": 0,
                    "min": 1,
                    "default": 1,
                    "label": {"zh-CN": "人数", "en": "Seats"},
                },
            ],
            "rules": [
                {
                    "id": "within_capacity",
                    "check": "related_sum('registration', 'event', 'seats', of=event) <= event.capacity",
                    "message": FULL,
                    "fields": ["event"],
                }
            ],
        },
    ],
}


def package() -> dict:
    return copy.deepcopy(PACKAGE)
