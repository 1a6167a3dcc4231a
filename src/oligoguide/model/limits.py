"""Caps on the size of a case: generous for any real patient, low enough to bound the work.

A case beyond a cap is refused (the pointer names the list; 422 at the service), never cut.
Why these numbers (oligoguide defaults, not clinical rules):

- `MAX_LESIONS` 200: RECIST follows at most 5 target lesions and oligometastatic disease is
  1-5 lesions; 200 individually tracked lesions is far beyond any tumour-board case (diffuse
  disease is recorded as a lesion group).
- `MAX_MEASUREMENTS_PER_LESION` 100: a scan every month for eight years.
- `MAX_MEASUREMENTS` 10,000 in the whole case (e.g. 200 lesions on 50 scans, or 100 on 100):
  the engine's time grows with this total (1.2-1.6 s for one case at the cap, measured on a
  2-core machine, against milliseconds for a real case), so it is capped apart from the
  per-lesion cap.
- `MAX_IMAGING_STUDIES` 500: several studies per restaging, every 2-3 months, for decades.
- `MAX_LESION_GROUPS` 50 and `MAX_GROUP_OBSERVATIONS` 100 (per group): as lesions and scans.
- `MAX_LABS` 5,000: weekly blood counts, chemistry and markers during years of treatment, as an
  EHR export carries them.
- `MAX_SYSTEMIC_THERAPIES` 50 (also earlier lines) and `MAX_LOCAL_TREATMENTS` 500 (also earlier
  radiotherapy fields).
- `MAX_ITEMS` 100: any other list (biomarkers, agents, regions, symptoms, comorbidities,
  opinions, cytology, risk scores...).

With every list at its cap the whole case is still a few megabytes at most (the text itself is
capped at `oligoguide.model.io.MAX_CASE_BYTES`).
"""

from __future__ import annotations

MAX_LESIONS = 200
MAX_MEASUREMENTS_PER_LESION = 100
MAX_MEASUREMENTS = 10_000
MAX_IMAGING_STUDIES = 500
MAX_LESION_GROUPS = 50
MAX_GROUP_OBSERVATIONS = 100
MAX_LABS = 5000
MAX_SYSTEMIC_THERAPIES = 50
MAX_LOCAL_TREATMENTS = 500
MAX_ITEMS = 100
