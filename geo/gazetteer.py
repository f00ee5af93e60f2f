"""District gazetteer: stable project codes, names in three languages, and name resolution.

Every district name that enters the product is resolved here, once, at ingest; everything
after that joins on ``District.code``. The 16 programme districts carry every spelling the
project has met in the field (Latin, Russian and Tajik Cyrillic, former names); the other
districts of Tajikistan carry their English name and the name used in the boundary file, for
the grey context layer of the map.

Each programme district and each region also carries its OCHA COD P-code (``District.pcode``,
``REGION_PCODES``; Tajikistan's are 7-digit numbers, e.g. Dusti ``3507209``), from the HDX global
P-code list valid from 2017-01-01 (``PCODE_SOURCE``; a copy of Tajikistan's rows is in
``geo/reference/ocha-pcodes-tjk.csv`` and ``tests/geo/test_pcodes.py`` checks every code and COD
name against it). A P-code and the COD's own spelling ("Chaikhun" for Jayhun) resolve like any
other name; joins still use the project code.

Resolution follows hdx-python-country's discipline: normalise, look up an exact alias, and
never accept a near miss silently: a near miss raises ``UnknownDistrictError`` naming the
closest districts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

REGION_KHATLON = "Khatlon"
REGION_GBAO = "GBAO"
REGION_PCODES = {REGION_KHATLON: "3507000", REGION_GBAO: "3590000", "Sughd": "3505000", "RRS": "3509000"}
"""OCHA COD P-code of each region (admin level 1), from the same list as the districts' P-codes."""
PCODE_SOURCE = ("OCHA COD P-codes (admin levels 1 and 2) of Tajikistan, valid from 2017-01-01: the HDX global "
                "P-code list as kept in the test fixtures of OCHA-DAP/hdx-python-country "
                "(tests/fixtures/fixtures-download-global-pcodes-adm-1-2.csv, commit b40de354a657, 2026-02-11; MIT)")
"""Where the P-codes come from (also in ``geo/reference/README.md``)."""
PCODE_VALID_FROM = "2017-01-01"
"""The date the COD list says its P-codes are valid from."""
REGION_NAMES = {
    REGION_KHATLON: "Khatlon Region",
    REGION_GBAO: "Gorno-Badakhshan Autonomous Region",
    "Sughd": "Sughd Region",
    "RRS": "Districts of Republican Subordination",
}


@dataclass(frozen=True)
class District:
    """One district of Tajikistan as the project knows it."""

    code: str
    region: str
    name_en: str
    name_ru: str
    name_tg: str
    lat: float
    lon: float
    programme: bool
    boundary_name: str | None
    """``shapeName`` in the geoBoundaries ADM2 file; ``None`` where the file has no polygon."""
    former_names: tuple[str, ...] = ()
    aliases: tuple[str, ...] = field(default=(), repr=False)
    """Other spellings in use (Latin transliterations, Russian adjective forms, …)."""
    pcode: str | None = None
    """OCHA COD P-code (admin level 2), e.g. ``3507209``; set for the 16 programme districts."""
    cod_name: str | None = None
    """The district's name as the COD list spells it (``Chaikhun`` for Jayhun); a known spelling."""

    @property
    def region_pcode(self) -> str | None:
        """OCHA COD P-code of the district's region (admin level 1)."""
        return REGION_PCODES.get(self.region)

    @property
    def names(self) -> dict[str, str]:
        """The district's name by language code (``en``, ``ru``, ``tg``), each in that language's own
        script and spelling; ``data_pipeline.presentation.i18n.district_name`` picks one."""
        return {"en": self.name_en, "ru": self.name_ru, "tg": self.name_tg}

    def all_names(self) -> tuple[str, ...]:
        """Every name and spelling that resolves to this district, the code included."""
        names = (self.code, self.name_en, self.name_ru, self.name_tg, *self.former_names, *self.aliases)
        extra = (self.boundary_name, self.pcode, self.cod_name)
        return names + tuple(name for name in extra if name)


def _d(code, region, en, ru, tg, lat, lon, boundary, former=(), aliases=(), programme=True, pcode=None, cod=None):
    return District(code, region, en, ru, tg, lat, lon, programme, boundary, tuple(former), tuple(aliases),
                    pcode, cod)


# The 16 programme districts, in the order the programme documents list them.
# Centre points are points inside each district's polygon (Khorugh: the city centre).
PROGRAMME_DISTRICTS: tuple[District, ...] = (
    _d("KT01", REGION_KHATLON, "Dusti", "Дусти", "Дӯстӣ", 37.508, 68.532, "Jilikul District",
       former=("Jilikul", "Джиликуль", "Ҷиликӯл"),
       aliases=("Dusti District", "Dŭstí", "Dusty", "Dustiy", "Dzhilikul", "Jilikŭl",
                "Дустийский район", "Джиликульский район", "Дӯстӣ"),
       pcode="3507209", cod="Dusti"),
    _d("KT02", REGION_KHATLON, "Qubodiyon", "Кабодиён", "Қубодиён", 37.418, 68.271, "Qabodiyon District",
       aliases=("Qabodiyon", "Kabodiyon", "Kubodiyon", "Kabodiyan", "Kabadian", "Qubodiyon District",
                "Кабодиёнский район", "Кубодиёнский район", "Кубодиён", "Кабадиан"),
       pcode="3507213", cod="Kabodiyon"),
    _d("KT03", REGION_KHATLON, "Shahrituz", "Шаартуз", "Шаҳритус", 37.432, 67.890, "Shahrtuz District",
       aliases=("Shahrtuz", "Shaartuz", "Shahritus", "Shahrtus", "Shakhrituz", "Shahrituz District",
                "Шаартузский район", "Шахритусский район", "Шахритус", "Шахритуз"),
       pcode="3507245", cod="Shaartuz"),
    _d("KT04", REGION_KHATLON, "Nosiri Khusrav", "Носири Хусрав", "Носири Хусрав", 37.232, 67.950,
       "Nosiri Khusrav District",
       former=("Beshkent", "Бешкент"),
       aliases=("Nosir Khusrav", "N. Khusrav", "N Khusrav", "Nosiri Khusraw", "Nosiri-Khusrav",
                "Nasir Khusraw", "Носири-Хусравский район", "Носирихусравский район",
                "район Носири Хусрав", "Н. Хусрав", "Бешкентский район"),
       pcode="3507254", cod="N. Khusraw"),
    _d("KT05", REGION_KHATLON, "Panj", "Пяндж", "Панҷ", 37.312, 69.134, "Panj District",
       former=("Kirovabad", "Кировабад"),
       aliases=("Pyanj", "Pyandzh", "Pyandj", "Piandj", "Panji", "Пянджский район", "Панджский район", "Панч"),
       pcode="3507234", cod="Panj"),
    _d("KT06", REGION_KHATLON, "Jayhun", "Джайхун", "Ҷайҳун", 37.314, 68.679, "Qumsangir District",
       former=("Qumsangir", "Kumsangir", "Кумсангир", "Қумсангир"),
       aliases=("Jaihun", "Jayhoon", "Dzhaykhun", "Djayhun", "Кумсангирский район",
                "Джайхунский район", "район Джайхун"),
       pcode="3507223", cod="Chaikhun"),
    _d("KT07", REGION_KHATLON, "Farkhor", "Фархор", "Фархор", 37.485, 69.331, "Farkhor District",
       former=("Parkhar", "Пархар"),
       aliases=("Farxor", "Farhor", "Фархорский район", "Пархарский район"),
       pcode="3507232", cod="Farkhor"),
    _d("KT08", REGION_KHATLON, "Khamadoni", "Хамадони", "Ҳамадонӣ", 37.701, 69.724, "Hamadoni District",
       former=("Moskovsky", "Moskovskiy", "Московский", "Московский район"),
       aliases=("Hamadoni", "Hamadony", "Khamadony", "Hamadonī", "Хамадонийский район"),
       pcode="3507229", cod="Hamadoni"),
    _d("KT09", REGION_KHATLON, "Shamsiddin Shohin", "Шамсиддин Шохин", "Шамсиддин Шоҳин", 37.843, 70.033,
       "Shuro-obod District",
       former=("Shurobod", "Shuro-obod", "Shuroobod", "Shurabad", "Шуроабад", "Шурообод",
               "Шӯрообод", "Шурабадский район"),
       aliases=("Sh. Shohin", "Sh Shohin", "Shamsiddin Shokhin", "Shamsiddini Shohin",
                "Шамсиддин Шохинский район", "район Шамсиддина Шохина", "Ш. Шохин"),
       pcode="3507246", cod="Shohin"),
    _d("GB01", REGION_GBAO, "Darvoz", "Дарваз", "Дарвоз", 38.397, 70.507, "Darvoz District",
       aliases=("Darvaz", "Darwaz", "Дарвазский район", "Qalai Khumb", "Калаи-Хумб"),
       pcode="3590213", cod="Darvoz"),
    _d("GB02", REGION_GBAO, "Vanj", "Ванч", "Ванҷ", 38.408, 71.739, "Vanj District",
       aliases=("Vanch", "Vanch'", "Wanj", "Ванчский район", "Ванж"),
       pcode="3590204", cod="Vanj"),
    _d("GB03", REGION_GBAO, "Rushon", "Рушан", "Рушон", 38.133, 72.210, "Rushon District",
       aliases=("Rushan", "Rŭshon", "Roshan", "Рушанский район"),
       pcode="3590220", cod="Rushan"),
    _d("GB04", REGION_GBAO, "Shughnon", "Шугнан", "Шуғнон", 37.600, 72.184, "Shughnon District",
       aliases=("Shugnan", "Shugnon", "Shughnan", "Shighnan", "Шугнанский район", "Шугнон"),
       pcode="3590226", cod="Shugnan"),
    _d("GB05", REGION_GBAO, "Khorugh", "Хорог", "Хоруғ", 37.49, 71.55, None,
       aliases=("Khorog", "Khorugh city", "Khorog city", "Horog", "Khorogh", "город Хорог",
                "г. Хорог", "Хорогский", "шаҳри Хоруғ", "Хоруг"),
       pcode="3590401", cod="Khorugh"),
    _d("GB06", REGION_GBAO, "Roshtqala", "Рошткала", "Роштқалъа", 37.197, 72.134, "Roshtqal'a District",
       aliases=("Roshtkala", "Roshtqal'a", "Roshtqal’a", "Roshtqalʼa", "Roshtkalа", "Roshtqalâ",
                "Рошткалинский район", "Рошт-Калинский район", "Рошткалъа", "Роштқала"),
       pcode="3590219", cod="Roshtqala"),
    _d("GB07", REGION_GBAO, "Ishkoshim", "Ишкашим", "Ишкошим", 37.029, 72.407, "Ishkoshim District",
       aliases=("Ishkashim", "Eshkashem", "Ishkashym", "Ишкашимский район", "Ишкошим"),
       pcode="3590208", cod="Ishkashim"),
)

# The other districts of Tajikistan, for the grey context layer and context records.
# (code, region, English, Russian, Tajik, lat, lon, shapeName)
_OTHER_ROWS = (
    ("KT10", REGION_KHATLON, "Baljuvon", "Бальджуван", "Балҷувон", 38.501, 69.814, "Baljuvon District"),
    ("KT11", REGION_KHATLON, "Bokhtar", "Бохтар", "Бохтар", 37.778, 68.690, "Bokhtar District"),
    ("KT12", REGION_KHATLON, "Danghara", "Дангара", "Данғара", 37.995, 69.202, "Danghara District"),
    ("KT13", REGION_KHATLON, "Jomi", "Джами", "Ҷомӣ", 38.040, 68.799, "Dzhami District"),
    ("KT14", REGION_KHATLON, "Khovaling", "Ховалинг", "Ховалинг", 38.357, 70.058, "Khovaling District"),
    ("KT15", REGION_KHATLON, "Khuroson", "Хуросон", "Хуросон", 38.023, 68.635, "Khuroson District"),
    ("KT16", REGION_KHATLON, "Kulob", "Куляб", "Кӯлоб", 37.978, 69.826, "Kulob District"),
    ("KT17", REGION_KHATLON, "Muminobod", "Муминабад", "Мӯъминобод", 38.192, 70.162, "Muminobod District"),
    ("KT18", REGION_KHATLON, "Norak", "Нурек", "Норак", 38.348, 69.194, "Norak District"),
    ("KT19", REGION_KHATLON, "Rumi", "Руми", "Румӣ", 37.545, 68.768, "Rumi District"),
    ("KT20", REGION_KHATLON, "Sarband", "Сарбанд", "Сарбанд", 37.877, 68.992, "Sarband District"),
    ("KT21", REGION_KHATLON, "Temurmalik", "Темурмалик", "Темурмалик", 38.115, 69.525, "Temurmalik District"),
    ("KT22", REGION_KHATLON, "Vakhsh", "Вахш", "Вахш", 37.728, 69.007, "Vakhsh District"),
    ("KT23", REGION_KHATLON, "Vose", "Восе", "Восеъ", 37.942, 69.597, "Vose' District"),
    ("KT24", REGION_KHATLON, "Yovon", "Яван", "Ёвон", 38.216, 68.980, "Yovon District"),
    ("GB08", REGION_GBAO, "Murghob", "Мургаб", "Мурғоб", 38.341, 73.706, "Murghob District"),
    ("SU01", "Sughd", "Asht", "Ашт", "Ашт", 40.690, 70.349, "Asht District"),
    ("SU02", "Sughd", "Ayni", "Айни", "Айнӣ", 39.246, 68.829, "Ayni District"),
    ("SU03", "Sughd", "Ghafurov", "Гафуров", "Ғафуров", 40.400, 69.737, "Ghafurov District"),
    ("SU04", "Sughd", "Ghonchi", "Ганчи", "Ғончӣ", 39.774, 69.124, "Ghonchi District"),
    ("SU05", "Sughd", "Isfara", "Исфара", "Исфара", 40.121, 70.575, "Isfara District"),
    ("SU06", "Sughd", "Istaravshan", "Истаравшан", "Истаравшан", 39.979, 68.982, "Istaravshan District"),
    ("SU07", "Sughd", "Jabbor Rasulov", "Джаббар Расулов", "Ҷаббор Расулов", 40.084, 69.485,
     "Jabbor Rasulov District"),
    ("SU08", "Sughd", "Konibodom", "Канибадам", "Конибодом", 40.238, 70.223, "Konibodom District"),
    ("SU09", "Sughd", "Kuhistoni Mastchoh", "Горная Матча", "Кӯҳистони Мастчоҳ", 39.427, 69.873,
     "Kuhistoni Mastchoh District"),
    ("SU10", "Sughd", "Mastchoh", "Матча", "Мастчоҳ", 40.491, 69.365, "Mastchoh District"),
    ("SU11", "Sughd", "Panjakent", "Пенджикент", "Панҷакент", 39.328, 67.850, "Panjakent District"),
    ("SU12", "Sughd", "Shahriston", "Шахристан", "Шаҳристон", 39.729, 68.761, "Shahriston District"),
    ("SU13", "Sughd", "Spitamen", "Спитамен", "Спитамен", 40.081, 69.355, "Spitamen District"),
    ("SU14", "Sughd", "Zafarobod", "Зафарабад", "Зафаробод", 40.153, 68.792, "Zafarobod District"),
    ("RR01", "RRS", "Faizobod", "Файзабад", "Файзобод", 38.537, 69.401, "Faizobod District"),
    ("RR02", "RRS", "Hisor", "Гиссар", "Ҳисор", 38.678, 68.574, "Hisor District"),
    ("RR03", "RRS", "Lakhsh", "Лахш", "Лахш", 39.256, 71.617, "Jirgatol District"),
    ("RR04", "RRS", "Nurobod", "Нурабад", "Нуробод", 38.812, 70.088, "Nurobod District"),
    ("RR05", "RRS", "Rasht", "Рашт", "Рашт", 39.185, 70.334, "Rasht District"),
    ("RR06", "RRS", "Roghun", "Рогун", "Роғун", 38.692, 69.726, "Roghun District"),
    ("RR07", "RRS", "Rudaki", "Рудаки", "Рӯдакӣ", 38.265, 68.505, "Rudaki District"),
    ("RR08", "RRS", "Shahrinav", "Шахринав", "Шаҳринав", 38.571, 68.419, "Sharinav District"),
    ("RR09", "RRS", "Sangvor", "Сангвор", "Сангвор", 38.792, 71.525, "Tavildara District"),
    ("RR10", "RRS", "Tojikobod", "Таджикабад", "Тоҷикобод", 39.060, 70.889, "Tojikobod District"),
    ("RR11", "RRS", "Tursunzoda", "Турсунзаде", "Турсунзода", 38.566, 68.189, "Tursunzoda District"),
    ("RR12", "RRS", "Vahdat", "Вахдат", "Ваҳдат", 38.802, 69.358, "Vahdat District"),
    ("RR13", "RRS", "Varzob", "Варзоб", "Варзоб", 38.825, 68.877, "Varzob District"),
)
_OTHER_FORMER = {"RR03": ("Jirgatol", "Джиргаталь"), "RR09": ("Tavildara", "Тавильдара"),
                 "KT13": ("Dzhami", "Jami"), "RR08": ("Sharinav",)}

OTHER_DISTRICTS: tuple[District, ...] = tuple(
    _d(code, region, en, ru, tg, lat, lon, shape, former=_OTHER_FORMER.get(code, ()), programme=False)
    for code, region, en, ru, tg, lat, lon, shape in _OTHER_ROWS
)

ALL_DISTRICTS: tuple[District, ...] = PROGRAMME_DISTRICTS + OTHER_DISTRICTS
PROGRAMME_CODES: tuple[str, ...] = tuple(d.code for d in PROGRAMME_DISTRICTS)
_BY_CODE = {d.code: d for d in ALL_DISTRICTS}

# Words that say "this is a district" and carry no identity.
_ADMIN_WORDS = (
    "district", "districts", "raion", "rayon", "rayoni", "region", "city", "town", "nohiya", "nohiyai",
    "nohiyahoi", "район", "районы", "р-н", "р н", "ноҳия", "ноҳияи", "нохия", "нохияи",
    "город", "шаҳри", "шахри", "г",
)
_APOSTROPHES = "'’‘ʼʻ`´ʹ′"
_CYRILLIC_FOLD = str.maketrans({"ҳ": "х", "қ": "к", "ғ": "г", "ӯ": "у", "ӣ": "и", "ҷ": "дж", "ё": "е",
                                "ъ": "", "ь": ""})
_LATIN_FOLD = str.maketrans({"ŭ": "u", "ū": "u", "ī": "i", "í": "i", "â": "a", "ā": "a"})


class UnknownDistrictError(ValueError):
    """A name that matches no district. ``suggestions`` holds the closest canonical names."""

    def __init__(self, value: str, suggestions: list[str]):
        self.value = value
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(
            f"Unknown district {value!r}.{hint} Use a district's English, Russian or Tajik name, "
            f"its project code (e.g. KT01 for Dusti) or its OCHA P-code (e.g. 3507209)."
        )


def normalise_name(value: str) -> str:
    """Fold a district name to the form aliases are compared in.

    Case, accents, apostrophes, dots, hyphens, extra spaces, the Tajik letters
    (folded to their Russian neighbours) and words such as "District", "район" or
    "nohiya" make no difference.
    """
    # Apostrophes go first: NFKC turns the acute accent ´ into a space and a combining mark.
    text = "".join(ch for ch in str(value) if ch not in _APOSTROPHES)
    text = unicodedata.normalize("NFKC", text).lower().strip()
    text = text.translate(_LATIN_FOLD).translate(_CYRILLIC_FOLD)
    text = "".join(ch for ch in text if ch not in _APOSTROPHES)
    text = re.sub(r"[.\-_/,;:()\[\]\"«»]+", " ", text)
    words = [w for w in text.split() if w not in _ADMIN_WORDS]
    return " ".join(words)


@lru_cache(maxsize=1)
def _alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for district in ALL_DISTRICTS:
        for name in district.all_names():
            key = normalise_name(name)
            owner = index.setdefault(key, district.code)
            if owner != district.code:  # an ambiguous alias would silently mis-assign records
                raise AssertionError(f"alias {name!r} names both {owner} and {district.code}")
    return index


def district(code: str) -> District:
    """The district with project code ``code``; ``KeyError`` naming the allowed codes otherwise."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise KeyError(f"No district has code {code!r}; codes are {', '.join(_BY_CODE)}.") from None


def suggest_districts(value: str, limit: int = 3, programme_only: bool = False) -> list[str]:
    """Canonical English names of the districts whose spellings are closest to ``value``."""
    key = normalise_name(value)
    if not key:
        return []
    index = _alias_index()
    candidates = {k: c for k, c in index.items() if not programme_only or _BY_CODE[c].programme}
    matches = process.extract(key, list(candidates), scorer=fuzz.WRatio, limit=limit * 6, score_cutoff=60)
    names: list[str] = []
    for alias, _score, _ in matches:
        name = _BY_CODE[candidates[alias]].name_en
        if name not in names:
            names.append(name)
    return names[:limit]


def resolve_district(value: str, programme_only: bool = False) -> str:
    """The project code of the district that ``value`` names.

    Raises ``UnknownDistrictError`` (with the closest names) when ``value`` is not an exact
    spelling the gazetteer knows, after normalisation: near misses are never accepted.
    With ``programme_only``, a district outside the 16 programme districts is an error too.
    """
    code = _alias_index().get(normalise_name(value))
    if code is None or (programme_only and not _BY_CODE[code].programme):
        raise UnknownDistrictError(str(value), suggest_districts(value, programme_only=programme_only))
    return code
