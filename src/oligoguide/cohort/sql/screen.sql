-- oligoguide cohort screen: RECIST 1.1 at the latest time point, per-lesion progression against
-- each lesion's own nadir, and the disease state; one row per patient. It mirrors, rule for rule,
-- response/timepoints.py, baseline.py, selection.py, recist.py, lesions.py and state/classify.py.
-- DuckDB and Spark SQL run this same text (Spark function names; DuckDB gets two macros);
-- only ${ARRAY}, ${EMPTY} and ${TIMEPOINT_STARTS} differ by dialect (cohort/sqltext.py). Inputs: the views
-- og_measurements, og_patients and og_treatments.
WITH
-- 1. measurement rows, typed with TRY_CAST so that a bad value becomes a reported problem.
--    Ids are taken literally (an id padded with spaces is reported with the patient's problems):
--    trimming every row's id would cost more than the rest of the row's work together.
mrow AS (
  SELECT
    coalesce(CAST(patient_id AS STRING), '') AS pkey,
    CAST(lesion_id AS STRING) AS lid,
    CAST(site AS STRING) AS site,
    coalesce(TRY_CAST(is_lymph_node AS BOOLEAN), false) AS node,
    coalesce(TRY_CAST(target AS BOOLEAN), false) AS tgt,
    TRY_CAST(scan_date AS DATE) AS d,
    TRY_CAST(diameter_mm AS DOUBLE) AS diam,
    CAST(status AS STRING) AS status,
    CASE
      WHEN CAST(status AS STRING) = 'not_evaluated' THEN NULL
      WHEN CAST(status AS STRING) = 'absent' THEN CAST(0.0 AS DOUBLE)
      WHEN TRY_CAST(diameter_mm AS DOUBLE) IS NOT NULL THEN TRY_CAST(diameter_mm AS DOUBLE)
      WHEN CAST(status AS STRING) = 'too_small_to_measure' THEN CAST(${TOO_SMALL_MM} AS DOUBLE)
    END AS size,
    CASE
      WHEN CAST(status AS STRING) IN ('absent', 'not_evaluated') THEN false
      WHEN status IS NOT NULL THEN true
      ELSE coalesce(TRY_CAST(diameter_mm AS DOUBLE), CAST(0.0 AS DOUBLE)) > 0
    END AS present,
    nullif(concat_ws('; ',
      CASE WHEN lesion_id IS NULL OR CAST(lesion_id AS STRING) = ''
          OR CAST(lesion_id AS STRING) LIKE ' %' AND trim(CAST(lesion_id AS STRING)) = ''
        THEN 'a measurement row has no lesion_id' END,
      CASE WHEN scan_date IS NULL
          THEN 'lesion ' || coalesce(CAST(lesion_id AS STRING), '?') || ': a measurement has no date'
        WHEN TRY_CAST(scan_date AS DATE) IS NULL
          THEN 'lesion ' || coalesce(CAST(lesion_id AS STRING), '?') || ': date '
            || CAST(scan_date AS STRING) || ' is not a date (YYYY-MM-DD)' END,
      CASE WHEN site IS NULL
          THEN 'lesion ' || coalesce(CAST(lesion_id AS STRING), '?') || ': site is missing'
        WHEN CAST(site AS STRING) NOT IN (${SITES})
          THEN 'lesion ' || coalesce(CAST(lesion_id AS STRING), '?') || ': unknown site '
            || CAST(site AS STRING) END,
      CASE WHEN is_lymph_node IS NOT NULL AND TRY_CAST(is_lymph_node AS BOOLEAN) IS NULL
        THEN 'lesion ' || coalesce(CAST(lesion_id AS STRING), '?') || ': is_lymph_node '
          || CAST(is_lymph_node AS STRING) || ' is not true/false' END,
      CASE WHEN target IS NOT NULL AND TRY_CAST(target AS BOOLEAN) IS NULL
        THEN 'lesion ' || coalesce(CAST(lesion_id AS STRING), '?') || ': target '
          || CAST(target AS STRING) || ' is not true/false' END,
      CASE WHEN diameter_mm IS NOT NULL AND TRY_CAST(diameter_mm AS DOUBLE) IS NULL
          THEN 'lesion ' || coalesce(CAST(lesion_id AS STRING), '?') || ': diameter_mm '
            || CAST(diameter_mm AS STRING) || ' is not a number'
        WHEN NOT (TRY_CAST(diameter_mm AS DOUBLE) >= 0 AND TRY_CAST(diameter_mm AS DOUBLE) <= 500)
          THEN 'lesion ' || coalesce(CAST(lesion_id AS STRING), '?') || ': diameter_mm '
            || CAST(diameter_mm AS STRING) || ' is outside 0-500' END,
      CASE WHEN status IS NOT NULL AND CAST(status AS STRING) NOT IN (${STATUSES})
        THEN 'lesion ' || coalesce(CAST(lesion_id AS STRING), '?') || ': unknown status '
          || CAST(status AS STRING) END,
      CASE WHEN diameter_mm IS NULL AND status IS NULL
        THEN 'lesion ' || coalesce(CAST(lesion_id AS STRING), '?') || ': a measurement on '
          || coalesce(CAST(scan_date AS STRING), '?') || ' has neither diameter_mm nor status' END,
      CASE WHEN CAST(status AS STRING) = 'absent' AND TRY_CAST(diameter_mm AS DOUBLE) <> 0
        THEN 'lesion ' || coalesce(CAST(lesion_id AS STRING), '?')
          || ': status absent contradicts a non-zero diameter_mm' END
    ), '') AS problem
  FROM og_measurements
),
-- 2. patient rows
prow AS (
  SELECT
    coalesce(CAST(patient_id AS STRING), '') AS pkey,
    TRY_CAST(therapy_start AS DATE) AS ts,
    TRY_CAST(therapy_end AS DATE) AS te,
    TRY_CAST(baseline_date AS DATE) AS bd,
    -- a problem found before the table was made (a FHIR resource that could not be read) is the
    -- row's whole story: its other columns are empty because of it
    coalesce(nullif(CAST(source_problem AS STRING), ''), nullif(concat_ws('; ',
      CASE WHEN patient_id IS NULL OR trim(CAST(patient_id AS STRING)) = ''
        THEN 'a patient row has no patient_id' END,
      CASE WHEN primary_site IS NULL THEN 'primary_site is missing'
        WHEN CAST(primary_site AS STRING) NOT IN (${PRIMARIES})
          THEN 'unknown primary_site ' || CAST(primary_site AS STRING) END,
      CASE WHEN ecog IS NOT NULL AND NOT coalesce(TRY_CAST(ecog AS INTEGER) BETWEEN 0 AND 4, false)
        THEN 'ecog ' || CAST(ecog AS STRING) || ' is not an integer 0-4' END,
      CASE WHEN (therapy_agents IS NOT NULL OR therapy_class IS NOT NULL
          OR therapy_start IS NOT NULL OR therapy_end IS NOT NULL)
          AND (therapy_agents IS NULL OR trim(CAST(therapy_agents AS STRING)) = '')
        THEN 'systemic therapy without therapy_agents' END,
      CASE WHEN (therapy_agents IS NOT NULL OR therapy_class IS NOT NULL
          OR therapy_start IS NOT NULL OR therapy_end IS NOT NULL) AND therapy_class IS NULL
          THEN 'systemic therapy without therapy_class'
        WHEN CAST(therapy_class AS STRING) NOT IN (${CLASSES})
          THEN 'unknown therapy_class ' || CAST(therapy_class AS STRING) END,
      CASE WHEN (therapy_agents IS NOT NULL OR therapy_class IS NOT NULL
          OR therapy_start IS NOT NULL OR therapy_end IS NOT NULL) AND therapy_start IS NULL
          THEN 'systemic therapy without therapy_start'
        WHEN therapy_start IS NOT NULL AND TRY_CAST(therapy_start AS DATE) IS NULL
          THEN 'therapy_start ' || CAST(therapy_start AS STRING) || ' is not a date' END,
      CASE WHEN therapy_end IS NOT NULL AND TRY_CAST(therapy_end AS DATE) IS NULL
          THEN 'therapy_end ' || CAST(therapy_end AS STRING) || ' is not a date'
        WHEN TRY_CAST(therapy_end AS DATE) < TRY_CAST(therapy_start AS DATE)
          THEN 'therapy_end is before therapy_start' END,
      CASE WHEN baseline_date IS NOT NULL AND TRY_CAST(baseline_date AS DATE) IS NULL
        THEN 'baseline_date ' || CAST(baseline_date AS STRING) || ' is not a date' END
    ), '')) AS problem
  FROM og_patients
),
pat AS (
  SELECT pkey, count(*) AS n_rows, min(ts) AS ts, min(te) AS te, min(bd) AS bd,
    array_agg(problem) FILTER (WHERE problem IS NOT NULL) AS problems
  FROM prow GROUP BY pkey
),
-- 3. local treatment rows
trow AS (
  SELECT
    coalesce(CAST(patient_id AS STRING), '') AS pkey,
    CAST(lesion_id AS STRING) AS lid,
    CAST(modality AS STRING) AS modality,
    TRY_CAST(treatment_date AS DATE) AS td,
    nullif(concat_ws('; ',
      CASE WHEN lesion_id IS NULL OR trim(CAST(lesion_id AS STRING)) = ''
        THEN 'a local treatment row has no lesion_id' END,
      CASE WHEN modality IS NULL THEN 'local treatment without modality'
        WHEN CAST(modality AS STRING) NOT IN (${MODALITIES})
          THEN 'unknown local treatment modality ' || CAST(modality AS STRING) END,
      CASE WHEN treatment_date IS NULL THEN 'local treatment without date'
        WHEN TRY_CAST(treatment_date AS DATE) IS NULL
          THEN 'local treatment date ' || CAST(treatment_date AS STRING) || ' is not a date' END
    ), '') AS problem
  FROM og_treatments
),
-- 4. assessment time points (timepoints.py): a patient's study dates, sorted; a time point takes
--    every later date within ${WINDOW} days of its first, never across a therapy start or a local
--    treatment, and is dated by its latest study. Each date's key counts the boundaries on or
--    before it (times 10^6) plus its day number, so keys across a boundary are out of the window's
--    reach and one fold over the sorted keys finds the keys that open a time point.
sday AS (
  SELECT s.pkey, s.d, count(b.b) * 1000000 + unix_date(s.d) AS k
  FROM (SELECT pkey, d FROM mrow WHERE d IS NOT NULL GROUP BY pkey, d) s
  LEFT JOIN (
    SELECT pkey, ts AS b FROM pat WHERE ts IS NOT NULL
    UNION ALL SELECT pkey, td AS b FROM trow WHERE td IS NOT NULL
  ) b ON s.pkey = b.pkey AND b.b <= s.d
  GROUP BY s.pkey, s.d
),
topen AS (
  SELECT pkey, ${TIMEPOINT_STARTS} AS opens
  FROM (SELECT pkey, array_sort(array_agg(k)) AS ks, min(k) AS k0 FROM sday GROUP BY pkey) x
),
tpoint AS (
  SELECT pkey, d, max(d) OVER (PARTITION BY pkey, k_open) AS g
  FROM (
    SELECT s.pkey, s.d, max(CASE WHEN array_contains(o.opens, s.k) THEN s.k END)
      OVER (PARTITION BY s.pkey ORDER BY s.k ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
      AS k_open
    FROM sday s JOIN topen o ON s.pkey = o.pkey
  ) y
),
-- each row at its time point g; `wins`: the row that counts for its lesion there (the latest with
-- a diameter, else the latest)
grow AS (
  SELECT z.*, coalesce(z.d = coalesce(z.measured_d, z.any_d), false) AS wins
  FROM (
    SELECT r.*, t.g,
      max(CASE WHEN r.diam IS NOT NULL THEN r.d END)
        OVER (PARTITION BY r.pkey, r.lid, t.g) AS measured_d,
      max(r.d) OVER (PARTITION BY r.pkey, r.lid, t.g) AS any_d
    FROM mrow r LEFT JOIN tpoint t ON r.pkey = t.pkey AND r.d = t.d
  ) z
),
-- 5. per patient: time points, the RECIST baseline and whether therapy is ongoing at the latest
--    (a declared baseline_date that is a study date stands for its time point)
pdates AS (
  SELECT r.pkey, min(r.g) AS first_d, max(r.g) AS latest,
    max(CASE WHEN r.g <= p.bd THEN r.g END) AS d_le_bd,
    max(CASE WHEN r.g <= p.ts THEN r.g END) AS d_le_ts,
    array_agg(r.problem) FILTER (WHERE r.problem IS NOT NULL) AS problems
  FROM grow r LEFT JOIN (
    SELECT p0.pkey, p0.ts, coalesce(t.g, p0.bd) AS bd
    FROM pat p0 LEFT JOIN tpoint t ON p0.pkey = t.pkey AND p0.bd = t.d
  ) p ON r.pkey = p.pkey
  GROUP BY r.pkey
),
base AS (
  SELECT x.pkey, x.latest, x.problems, x.on_therapy,
    CASE WHEN x.bd IS NOT NULL THEN coalesce(x.d_le_bd, x.first_d)
      WHEN x.on_therapy THEN coalesce(x.d_le_ts, x.first_d)
      ELSE x.first_d END AS baseline
  FROM (
    SELECT d.*, p.bd,
      coalesce(p.ts <= d.latest AND (p.te IS NULL OR p.te >= d.latest), false) AS on_therapy
    FROM pdates d LEFT JOIN pat p ON d.pkey = p.pkey
  ) x
),
-- 6. per lesion: restart of the nadir after a local treatment; irradiated before baseline
tseg AS (
  SELECT t.pkey, t.lid,
    max(CASE WHEN t.td >= b.baseline AND t.td < b.latest THEN t.td END) AS seg_start,
    coalesce(bool_or(t.modality IN (${RADIATION}) AND t.td < b.baseline), false) AS irr
  FROM trow t JOIN base b ON t.pkey = b.pkey
  GROUP BY t.pkey, t.lid
),
les AS (
  SELECT a.*, b.baseline, b.latest, s.seg_start, coalesce(s.irr, false) AS irr,
    -- new: first seen after baseline, or absent at baseline and seen later (recist.appeared_on)
    a.first_seen > b.baseline OR coalesce(a.first_present > b.baseline, false) AS is_new,
    coalesce(s.seg_start IS NOT NULL AND s.seg_start <> b.baseline, false) AS restarted
  FROM (
  -- the patient's and the treatment's constants are joined after the aggregate: every
  -- aggregate over the rows costs (10^7 rows: about 0.2 s each on two cores)
  SELECT r.pkey, r.lid,
    min(r.site) AS site, max(r.site) AS site_max,
    bool_or(r.node) AS node, bool_and(r.node) AS node_all,
    bool_or(r.tgt) AS tgt, bool_and(r.tgt) AS tgt_all,
    count(r.d) AS n_dated, cardinality(array_distinct(array_agg(r.d))) AS n_dates,
    min(r.g) AS first_seen, max(r.g) AS last_seen,
    coalesce(bool_or(r.g = b.baseline), false) AS at_base,
    max(CASE WHEN r.wins AND r.g = b.baseline THEN r.diam END) AS base_diam,
    max(CASE WHEN r.wins AND r.g = b.baseline THEN r.size END) AS base_size,
    coalesce(bool_or(r.g = b.latest), false) AS has_latest,
    max(CASE WHEN r.wins AND r.g = b.latest THEN r.status END) AS l_status,
    max(CASE WHEN r.wins AND r.g = b.latest THEN r.size END) AS l_size,
    max(CASE WHEN r.wins AND r.g = b.latest THEN r.diam END) AS l_diam,
    coalesce(bool_or(r.wins AND r.g = b.latest AND r.present), false) AS l_present,
    min(CASE WHEN r.wins AND r.g >= coalesce(s.seg_start, b.baseline) AND r.g < b.latest
      THEN r.size END) AS nadir,
    -- the last time point at which the lesion was evaluated, and the last at which it was seen
    max(CASE WHEN r.wins AND coalesce(r.status <> 'not_evaluated', true) THEN r.g END) AS last_eval,
    max(CASE WHEN r.wins AND r.present THEN r.g END) AS last_present,
    min(CASE WHEN r.wins AND r.present THEN r.g END) AS first_present
  FROM grow r JOIN base b ON r.pkey = b.pkey
  LEFT JOIN tseg s ON r.pkey = s.pkey AND r.lid = s.lid
  GROUP BY r.pkey, r.lid
  ) a JOIN base b ON a.pkey = b.pkey
  LEFT JOIN tseg s ON a.pkey = s.pkey AND a.lid = s.lid
),
-- 7. targets: the flagged ones measured at baseline, else the largest measurable lesions
--    (at most ${MAX_TARGETS}, ${MAX_PER_ORGAN} per organ; ties by lesion_id), as selection.py does
flagged AS (
  SELECT pkey, max(CASE WHEN tgt AND at_base THEN 1 ELSE 0 END) AS any_flagged
  FROM les GROUP BY pkey
),
auto AS (
  SELECT e.pkey, e.lid,
    row_number() OVER (PARTITION BY e.pkey ORDER BY e.base_diam DESC, e.lid) AS cand_rank
  FROM (
    SELECT l.pkey, l.lid, l.base_diam,
      row_number() OVER (PARTITION BY l.pkey, l.site ORDER BY l.base_diam DESC, l.lid) AS organ_rank
    FROM les l JOIN flagged f ON l.pkey = f.pkey
    WHERE f.any_flagged = 0 AND l.at_base AND NOT l.irr AND l.base_diam >= CASE WHEN l.node
      THEN CAST(${MEASURABLE_NODE_MM} AS DOUBLE) ELSE CAST(${MEASURABLE_MM} AS DOUBLE) END
  ) e
  WHERE e.organ_rank <= ${MAX_PER_ORGAN}
),
lrank2 AS (
  SELECT l.*, f.any_flagged, coalesce(a.cand_rank, 0) AS cand_rank,
    CASE WHEN a.cand_rank IS NULL THEN 0 ELSE 1 END AS cand
  FROM les l JOIN flagged f ON l.pkey = f.pkey
  LEFT JOIN auto a ON l.pkey = a.pkey AND l.lid = a.lid
),
-- 8. per lesion at the latest time point (lesions.py). An unequivocal new lesion not assessed
--    there stays NEW (progressing) when it was present when last evaluated: kept on the record
--    until treated or resolved.
lflag AS (
  SELECT y.*,
    y.traj AND (y.kept_new OR y.evaluated AND (
      (y.newcase AND y.l_present)
      OR (NOT y.newcase AND (coalesce(y.l_status = 'unequivocal_progression', false) OR y.grows))
    )) AS progressing,
    y.traj AND y.evaluated AND (
      (y.newcase AND NOT y.l_present)
      OR (NOT y.newcase AND NOT coalesce(y.l_status = 'unequivocal_progression', false)
        AND coalesce(y.l_size = 0, false))
    ) AS disappeared,
    y.traj AND NOT y.evaluated AND NOT y.kept_new AS unassessed,
    y.at_base AND NOT y.is_target AS nontarget
  FROM (
    SELECT x.*,
      CASE WHEN x.any_flagged = 1 THEN x.tgt AND x.at_base
        ELSE x.cand = 1 AND x.cand_rank <= ${MAX_TARGETS} END AS is_target,
      x.last_seen >= x.baseline AS traj,
      x.has_latest AND coalesce(x.l_status <> 'not_evaluated', true) AS evaluated,
      x.is_new AND NOT x.restarted AS newcase,
      x.is_new AND NOT x.restarted AND NOT (x.has_latest AND coalesce(x.l_status <> 'not_evaluated', true))
        AND coalesce(x.last_present = x.last_eval, false) AS kept_new,
      coalesce(x.l_size - x.nadir >= CAST(${PD_MM} AS DOUBLE) AND (x.nadir = 0
        OR (x.l_size - x.nadir) / nullif(x.nadir, 0) >= CAST(${PD_REL} AS DOUBLE)), false) AS grows,
      nullif(concat_ws('; ',
        CASE WHEN x.site <> x.site_max THEN 'lesion ' || x.lid || ': rows disagree on site' END,
        CASE WHEN x.node <> x.node_all THEN 'lesion ' || x.lid || ': rows disagree on is_lymph_node' END,
        CASE WHEN x.tgt <> x.tgt_all THEN 'lesion ' || x.lid || ': rows disagree on target' END,
        CASE WHEN x.n_dated > x.n_dates
          THEN 'lesion ' || x.lid || ': two measurements on the same date' END
      ), '') AS problem
    FROM lrank2 x
  ) y
),
-- 9. per patient at the latest time point (recist.py Table 1/2, classify.py counts)
pl AS (
  SELECT pkey,
    sum(CASE WHEN is_target THEN 1 ELSE 0 END) AS n_t,
    coalesce(sum(CASE WHEN is_target THEN base_size END), CAST(0.0 AS DOUBLE)) AS base_sum,
    coalesce(sum(CASE WHEN is_target THEN l_size END), CAST(0.0 AS DOUBLE)) AS l_sum,
    count(CASE WHEN is_target THEN l_size END) AS n_t_measured,
    bool_and(CASE WHEN is_target THEN coalesce(l_size < CAST(${NORMAL_NODE_MM} AS DOUBLE) AND node
      OR l_size = 0 AND NOT node, false) END) AS t_gone,
    sum(CASE WHEN nontarget THEN 1 ELSE 0 END) AS n_nt,
    coalesce(bool_or(nontarget AND l_status = 'unequivocal_progression'), false) AS nt_pd,
    coalesce(bool_or(nontarget AND (NOT has_latest OR l_status = 'not_evaluated')), false) AS nt_ne,
    bool_and(CASE WHEN nontarget THEN has_latest AND coalesce(l_status = 'absent'
      OR l_diam IS NOT NULL AND coalesce(l_status = 'present', true)
        AND (node AND l_diam < CAST(${NORMAL_NODE_MM} AS DOUBLE) OR NOT node AND l_diam = 0),
      false) END) AS nt_normal,
    -- a new lesion makes the time point PD (recist.evaluate_timepoints): one first present after
    -- baseline (first seen at the latest time point or earlier), present at the latest and not
    -- treated locally since baseline (not `restarted`: no treatment in (baseline, latest), the
    -- rule lesions.py uses to restart a lesion's nadir).
    coalesce(bool_or(first_present > baseline AND l_present AND NOT restarted), false) AS new_pd,
    count(CASE WHEN progressing THEN 1 END) AS n_prog,
    array_sort(array_agg(lid) FILTER (WHERE progressing)) AS prog_ids,
    array_sort(array_distinct(array_agg(site) FILTER (WHERE progressing))) AS prog_sites,
    coalesce(bool_or(progressing AND site IN (${DIFFUSE})), false) AS diffuse,
    count(CASE WHEN traj AND NOT disappeared THEN 1 END) AS n_present,
    count(CASE WHEN unassessed THEN 1 END) AS n_unassessed,
    array_sort(array_agg(lid) FILTER (WHERE unassessed)) AS unassessed_ids,
    array_agg(problem) FILTER (WHERE problem IS NOT NULL) AS problems
  FROM lflag GROUP BY pkey
),
-- 10. the RECIST nadir: the smallest complete target sum before the latest time point
tsum AS (
  SELECT r.pkey, r.g, sum(r.size) AS s, count(r.size) AS n
  FROM grow r JOIN lflag t ON r.pkey = t.pkey AND r.lid = t.lid
  WHERE r.wins AND t.is_target AND r.g > t.baseline AND r.g < t.latest
  GROUP BY r.pkey, r.g
),
nad AS (
  SELECT s.pkey, min(CASE WHEN s.n = p.n_t THEN s.s END) AS min_complete
  FROM tsum s JOIN pl p ON s.pkey = p.pkey
  GROUP BY s.pkey
),
-- 11. input problems that reject a patient (as the core rejects an invalid case)
tprob AS (
  SELECT t.pkey, array_agg(coalesce(t.problem, 'local treatment refers to unknown lesion ' || t.lid))
    AS problems
  FROM trow t LEFT JOIN les l ON t.pkey = l.pkey AND t.lid = l.lid
  WHERE t.problem IS NOT NULL OR l.lid IS NULL
  GROUP BY t.pkey
),
ids AS (
  SELECT pkey FROM pdates UNION SELECT pkey FROM pat UNION SELECT pkey FROM trow
),
joined AS (
  SELECT i.pkey, b.latest, b.baseline, b.on_therapy,
    p.pkey IS NOT NULL AS has_patient_row, coalesce(p.n_rows, 0) AS n_patient_rows,
    concat(
      coalesce(b.problems, ${EMPTY}), coalesce(p.problems, ${EMPTY}),
      coalesce(l.problems, ${EMPTY}), coalesce(t.problems, ${EMPTY})
    ) AS input_problems,
    l.n_t, l.n_nt, l.nt_pd, l.nt_ne, l.nt_normal, l.new_pd, l.t_gone, l.base_sum, l.l_sum,
    l.n_t_measured, l.n_prog, l.prog_ids, l.prog_sites, l.diffuse, l.n_present, l.n_unassessed,
    l.unassessed_ids,
    CASE WHEN n.min_complete IS NOT NULL AND n.min_complete < l.base_sum
      THEN n.min_complete ELSE l.base_sum END AS nadir
  FROM ids i
  LEFT JOIN base b ON i.pkey = b.pkey
  LEFT JOIN pat p ON i.pkey = p.pkey
  LEFT JOIN pl l ON i.pkey = l.pkey
  LEFT JOIN tprob t ON i.pkey = t.pkey
  LEFT JOIN nad n ON i.pkey = n.pkey
),
resp AS (
  SELECT j.*,
    CASE WHEN j.latest IS NULL THEN NULL
      WHEN j.latest = j.baseline THEN 'baseline'
      WHEN j.new_pd OR j.t_resp = 'PD' OR j.nt_resp = 'PD' THEN 'PD'
      WHEN j.t_resp IS NULL THEN CASE j.nt_resp WHEN 'CR' THEN 'CR'
        WHEN 'non-CR/non-PD' THEN 'non-CR/non-PD' ELSE 'NE' END
      WHEN j.t_resp = 'NE' THEN 'NE'
      WHEN j.t_resp = 'CR' THEN CASE WHEN j.nt_resp IN ('CR', 'none') THEN 'CR' ELSE 'PR' END
      WHEN j.t_resp = 'PR' THEN 'PR'
      ELSE 'SD' END AS overall
  FROM (
    SELECT j0.*,
      CASE WHEN j0.n_t IS NULL OR j0.n_t = 0 OR j0.latest = j0.baseline THEN NULL
        WHEN j0.l_sum - j0.nadir >= CAST(${PD_MM} AS DOUBLE) AND (j0.nadir = 0
          OR (j0.l_sum - j0.nadir) / nullif(j0.nadir, 0) >= CAST(${PD_REL} AS DOUBLE)) THEN 'PD'
        WHEN j0.n_t_measured < j0.n_t THEN 'NE'
        WHEN j0.t_gone THEN 'CR'
        WHEN j0.base_sum > 0 AND (j0.l_sum - j0.base_sum) / nullif(j0.base_sum, 0)
          <= CAST(${PR_REL} AS DOUBLE) THEN 'PR'
        ELSE 'SD' END AS t_resp,
      CASE WHEN coalesce(j0.n_nt, 0) = 0 THEN 'none' WHEN j0.nt_pd THEN 'PD'
        WHEN j0.nt_ne THEN 'NE' WHEN j0.nt_normal THEN 'CR' ELSE 'non-CR/non-PD' END AS nt_resp,
      concat(j0.input_problems, ${ARRAY}(
        CASE WHEN trim(j0.pkey) = '' THEN 'rows without a patient_id' END,
        CASE WHEN trim(j0.pkey) NOT IN ('', j0.pkey)
          THEN 'patient_id ''' || j0.pkey || ''' has leading or trailing spaces' END,
        CASE WHEN NOT j0.has_patient_row THEN 'no row in the patient table' END,
        CASE WHEN j0.n_patient_rows > 1
          THEN CAST(j0.n_patient_rows AS STRING) || ' rows in the patient table' END
      )) AS all_input_problems
    FROM joined j0
  ) j
),
-- 12. the disease state (classify.py, rules in order)
state AS (
  SELECT r.*,
    array_compact(r.all_input_problems) AS given_problems,
    CASE
      WHEN r.latest IS NULL THEN 'state.no_data'
      WHEN r.latest = r.baseline AND NOT r.on_therapy AND r.n_present BETWEEN 1 AND ${MAX_OLIGO}
        THEN 'state.single_timepoint:oligometastatic'
      WHEN r.latest = r.baseline THEN 'state.single_timepoint:insufficient_data'
      WHEN r.n_prog = 0 AND r.overall = 'NE' THEN 'state.not_evaluable:insufficient_data'
      WHEN r.n_prog > 0 AND r.n_prog <= ${MAX_PROG} AND r.n_prog + r.n_unassessed > ${MAX_PROG}
        THEN 'state.not_evaluable:insufficient_data'
      WHEN r.n_prog > 0 AND r.diffuse THEN 'state.progression:polyprogression'
      WHEN r.n_prog > ${MAX_PROG} THEN 'state.progression:polyprogression'
      WHEN r.n_prog > 0 AND r.on_therapy THEN 'state.progression:oligoprogression'
      WHEN r.n_prog > 0 AND r.n_present <= ${MAX_OLIGO} THEN 'state.progression:oligometastatic'
      WHEN r.n_prog > 0 THEN 'state.progression:polyprogression'
      WHEN r.on_therapy AND (r.n_present = 0 OR r.overall = 'CR')
        THEN 'state.no_progression:controlled'
      WHEN r.on_therapy AND r.n_present <= ${MAX_OLIGO} THEN 'state.no_progression:oligopersistence'
      WHEN r.on_therapy THEN 'state.no_progression:controlled'
      WHEN r.n_present BETWEEN 1 AND ${MAX_OLIGO} THEN 'state.no_progression:oligometastatic'
      ELSE 'state.no_progression:controlled'
    END AS rule
  FROM resp r
)
SELECT
  CASE WHEN trim(s.pkey) = '' THEN CAST(NULL AS STRING) ELSE s.pkey END AS patient_id,
  CASE WHEN s.n_rejected > 0 OR s.rule = 'state.no_data' THEN 'insufficient_data'
    ELSE substr(s.rule, s.colon + 1) END AS disease_state,
  CASE WHEN s.n_rejected > 0 THEN CAST(NULL AS INTEGER)
    ELSE CAST(coalesce(s.n_prog, 0) AS INTEGER) END AS progressing_count,
  CASE WHEN s.n_rejected > 0 THEN ${EMPTY}
    ELSE coalesce(s.prog_ids, ${EMPTY}) END AS progressing_lesions,
  CASE WHEN s.n_rejected > 0 THEN ${EMPTY}
    ELSE coalesce(s.prog_sites, ${EMPTY}) END AS progressing_organs,
  CASE WHEN s.n_rejected > 0 THEN CAST(NULL AS STRING) ELSE s.overall END AS latest_overall,
  ${ARRAY}(CASE
    WHEN s.n_rejected > 0 THEN 'input.rejected: the patient''s rows are not a valid case; '
      || 'nothing is assessed until they are corrected (see data_problems)'
    WHEN s.rule = 'state.no_data' THEN 'state.no_data: no lesion measurements'
    -- one concat, not a chain of ||: half the cost. Every part is non-NULL here (a patient
    -- with a latest scan has a baseline), where DuckDB and Spark treat NULL differently.
    ELSE concat(substr(s.rule, 1, s.colon - 1), ': ',
      CAST(coalesce(s.n_prog, 0) AS STRING), ' progressing lesion(s)',
      coalesce(' (' || array_join(s.prog_ids, ', ') || ')', ''),
      ', ', CAST(coalesce(s.n_present, 0) AS STRING), ' lesion(s) present, ',
      CASE WHEN s.on_therapy THEN 'on' ELSE 'not on' END, ' systemic therapy, latest overall ',
      coalesce(s.overall, 'n/a'), ' on ', CAST(s.latest AS STRING),
      ' (baseline ', CAST(s.baseline AS STRING), ')', ': ', substr(s.rule, s.colon + 1))
  END) AS reasons,
  CASE WHEN s.n_rejected > 0 THEN array_sort(s.given_problems)
    ELSE coalesce(array_compact(${ARRAY}(
      CASE WHEN s.latest IS NULL THEN '/lesions: no lesion measurements: nothing to assess; '
        || 'add lesions with dated measurements' END,
      CASE WHEN s.latest = s.baseline THEN 'follow-up scan: only one time point ('
        || CAST(s.baseline AS STRING) || '): response needs a baseline and at least one later scan'
        END,
      CASE WHEN s.latest > s.baseline AND s.overall = 'NE' THEN 'measurements on '
        || CAST(s.latest AS STRING) || ': not every target lesion was measured on the latest scan,'
        || ' so the time point is not evaluable (NE)' END,
      CASE WHEN s.rule = 'state.not_evaluable:insufficient_data' AND s.n_prog > 0
        THEN 'assessment of ' || array_join(s.unassessed_ids, ', ') || ' on '
          || CAST(s.latest AS STRING) || ': unassessed lesions could raise the number of '
          || 'progressing lesions above ${MAX_PROG}' END
    )), ${EMPTY}) END AS data_problems
FROM (
  SELECT s0.*, cardinality(s0.given_problems) AS n_rejected, instr(s0.rule, ':') AS colon
  FROM state s0
) s
