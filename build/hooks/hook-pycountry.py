# pycountry reads its ISO databases (JSON) when first used; the app uses countries (ISO 3166-1,
# and -3 for former ones) and no translated names, so the other databases and the 22 MB of
# locales/ stay out (the contributed hook would bundle them all).
from PyInstaller.utils.hooks import collect_data_files, copy_metadata

COUNTRY_DATABASES = ["databases/iso3166-1.json", "databases/iso3166-3.json"]
datas = copy_metadata("pycountry") + collect_data_files("pycountry", includes=COUNTRY_DATABASES)
