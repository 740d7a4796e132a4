"""The instruments Closeknit ships: ONS4 personal wellbeing, the UCLA 3-item loneliness scale and
the ONS direct loneliness question. Their wording is published by the Office for National
Statistics (ONS, "Measuring loneliness: guidance for use of the national indicators on surveys",
2018, and the ONS personal wellbeing questions), under the Open Government Licence v3.0.

SWEMWBS is copyrighted (University of Warwick): it is not shipped. An organisation holding a
licence loads it from its own file with ``manage.py load_instrument``."""

ZERO_TO_TEN = [[0, "Not at all"], [10, "Completely"]]
ONS_SOURCE = "Office for National Statistics; Open Government Licence v3.0."
POSITIVE_BANDS = [
    {"min": 0, "max": 4, "label": "Low"},
    {"min": 5, "max": 6, "label": "Medium"},
    {"min": 7, "max": 8, "label": "High"},
    {"min": 9, "max": 10, "label": "Very high"},
]
ANXIETY_BANDS = [
    {"min": 0, "max": 1, "label": "Very low"},
    {"min": 2, "max": 3, "label": "Low"},
    {"min": 4, "max": 5, "label": "Medium"},
    {"min": 6, "max": 10, "label": "High"},
]
OFTEN = [[1, "Hardly ever or never"], [2, "Some of the time"], [3, "Often"]]

INSTRUMENTS = [
    {
        "code": "ons4",
        "version": 1,
        "name": "ONS4 personal wellbeing",
        "description": "Four questions on a 0 to 10 scale, each reported on its own with ONS's bands.",
        "scoring": "per_item",
        "higher_is_better": True,
        "source": ONS_SOURCE,
        "items": [
            {
                "code": "satisfied",
                "label": "Life satisfaction",
                "text": "Overall, how satisfied are you with your life nowadays?",
                "options": ZERO_TO_TEN,
                "min_value": 0,
                "max_value": 10,
                "bands": POSITIVE_BANDS,
            },
            {
                "code": "worthwhile",
                "label": "Worthwhile",
                "text": (
                    "Overall, to what extent do you feel that the things you do in your life are worthwhile?"
                ),
                "options": ZERO_TO_TEN,
                "min_value": 0,
                "max_value": 10,
                "bands": POSITIVE_BANDS,
            },
            {
                "code": "happy",
                "label": "Happiness",
                "text": "Overall, how happy did you feel yesterday?",
                "options": ZERO_TO_TEN,
                "min_value": 0,
                "max_value": 10,
                "bands": POSITIVE_BANDS,
            },
            {
                "code": "anxious",
                "label": "Anxiety",
                "text": "Overall, how anxious did you feel yesterday?",
                "options": ZERO_TO_TEN,
                "min_value": 0,
                "max_value": 10,
                "bands": ANXIETY_BANDS,
                "higher_is_better": False,
            },
        ],
    },
    {
        "code": "ucla3",
        "version": 1,
        "name": "UCLA 3-item loneliness scale",
        "description": "Three questions scored 1 to 3 and added up (3 to 9); higher means lonelier.",
        "scoring": "sum",
        "higher_is_better": False,
        "bands": [
            {"min": 3, "max": 5, "label": "Not lonely (3 to 5)"},
            {"min": 6, "max": 9, "label": "Lonely (6 to 9)"},
        ],
        "source": ONS_SOURCE,
        "items": [
            {
                "code": "companionship",
                "label": "Lack companionship",
                "text": "How often do you feel that you lack companionship?",
                "options": OFTEN,
                "min_value": 1,
                "max_value": 3,
                "higher_is_better": False,
            },
            {
                "code": "left_out",
                "label": "Feel left out",
                "text": "How often do you feel left out?",
                "options": OFTEN,
                "min_value": 1,
                "max_value": 3,
                "higher_is_better": False,
            },
            {
                "code": "isolated",
                "label": "Feel isolated",
                "text": "How often do you feel isolated from others?",
                "options": OFTEN,
                "min_value": 1,
                "max_value": 3,
                "higher_is_better": False,
            },
        ],
    },
    {
        "code": "ons_loneliness",
        "version": 1,
        "name": "ONS direct loneliness question",
        "description": "One question, reported as the answer given.",
        "scoring": "category",
        "higher_is_better": True,
        "source": ONS_SOURCE,
        "items": [
            {
                "code": "lonely",
                "label": "How often lonely",
                "text": "How often do you feel lonely?",
                "options": [
                    [1, "Often or always"],
                    [2, "Some of the time"],
                    [3, "Occasionally"],
                    [4, "Hardly ever"],
                    [5, "Never"],
                ],
                "min_value": 1,
                "max_value": 5,
            },
        ],
    },
]
