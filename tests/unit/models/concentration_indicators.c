/* concentration_indicators.c - the static indicators (MODEL §11) against values worked
 * out by hand: HHI, governance-weighted HHI, top country, the cap flag at its
 * boundary, countries without WGI, and the printed table; the same for
 * UK sourcing, one row per mineral beside the world's product stage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/minrisk.h"
#include "models/indicators.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define assert_close(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

/* Shares 0.6 / 0.3 / 0.1 held by China (WGI -0.44), Australia (0.92) and
   the DRC (-2.12), the demo scenario's 2022-2024 political stability scores.
     HHI     = 0.6^2 + 0.3^2 + 0.1^2 = 0.36 + 0.09 + 0.01 = 0.46 (4600 x10^4)
     g_CN    = 10 - 2 (-0.44 + 2.5) = 10 - 4.12 = 5.88
     g_AU    = 10 - 2 ( 0.92 + 2.5) = 10 - 6.84 = 3.16
     g_CD    = 10 - 2 (-2.12 + 2.5) = 10 - 0.76 = 9.24
     HHI_WGI = 0.36 x 5.88 + 0.09 x 3.16 + 0.01 x 9.24
             = 2.1168 + 0.2844 + 0.0924 = 2.4936 */
static const double share3[] = {0.6, 0.3, 0.1};
static const double wgi3[] = {-0.44, 0.92, -2.12};

static void test_governance_rescales_wgi_to_0_10(void **state)
{
    (void)state;
    assert_close(mr_indicators_governance(2.5), 0.0, 1e-12);   /* best governance */
    assert_close(mr_indicators_governance(-2.5), 10.0, 1e-12); /* worst */
    assert_close(mr_indicators_governance(0.0), 5.0, 1e-12);   /* midpoint */
    assert_close(mr_indicators_governance(-0.44), 5.88, 1e-12);
    assert_close(mr_indicators_governance(0.92), 3.16, 1e-12);
    assert_close(mr_indicators_governance(-2.12), 9.24, 1e-12);
}

static void test_hhi_of_hand_computed_shares(void **state)
{
    (void)state;
    assert_close(mr_indicators_hhi(3, share3), 0.46, 1e-12);
    const double one[] = {1.0};
    assert_close(mr_indicators_hhi(1, one), 1.0, 1e-12);
    const double four[] = {0.25, 0.25, 0.25, 0.25};
    assert_close(mr_indicators_hhi(4, four), 0.25, 1e-12);
}

static void test_hhi_wgi_of_hand_computed_shares(void **state)
{
    (void)state;
    double g[3];
    for (int i = 0; i < 3; i++)
        g[i] = mr_indicators_governance(wgi3[i]);
    assert_close(mr_indicators_hhi_wgi(3, share3, g), 2.4936, 1e-12);
    /* one supplier of the worst governance: the top of the scale */
    const double one[] = {1.0}, worst[] = {10.0};
    assert_close(mr_indicators_hhi_wgi(1, one, worst), 10.0, 1e-12);
}

static void test_top_is_largest_share_first_on_tie(void **state)
{
    (void)state;
    assert_int_equal(mr_indicators_top(3, share3), 0);
    const double s[] = {0.2, 0.4, 0.4};
    assert_int_equal(mr_indicators_top(3, s), 1);
    assert_int_equal(mr_indicators_top(0, s), -1);
}

static void test_cap_boundary_is_not_above(void **state)
{
    (void)state;
    assert_false(mr_indicators_above_cap(0.60, 0.60));         /* exactly the cap */
    assert_false(mr_indicators_above_cap(0.60 + 1e-12, 0.60)); /* rounding of a capped share */
    assert_true(mr_indicators_above_cap(0.601, 0.60));
    assert_true(mr_indicators_above_cap(0.98, 0.60));
    assert_false(mr_indicators_above_cap(0.599, 0.60));
}

/* A scenario of two minerals: "ga" with mining (CN 0.6, AU 0.3, CD 0.1)
   and refining (CN 0.98, ROW 0.02; ROW has no WGI), "ge" with refining only
   (CN 0.6, ROW 0.4). UK sourcing (docs/MODEL.md §3u): ga from import data
   (CN 0.5, AU 0.3, CD 0.2), ge the open-market fallback (CN 0.7, ROW 0.3:
   not ge's world shares, as the open market's differ with home uses). */
typedef struct {
    mr_scenario sc;
    mr_country countries[4];
    mr_mineral minerals[2];
    mr_supplier ga_mining[3], ga_refining[2], ge_refining[2];
    mr_supplier ga_uk[3], ge_uk[2];
} fixture;

static void make_fixture(fixture *f)
{
    memset(f, 0, sizeof *f);
    static char *ids[4] = {"CN", "AU", "CD", "ROW"};
    for (int c = 0; c < 4; c++) {
        f->countries[c].id = ids[c];
        f->countries[c].name = ids[c];
        f->countries[c].has_wgi = c < 3;
        f->countries[c].wgi_pv = c < 3 ? wgi3[c] : 0.0;
    }
    for (int i = 0; i < 3; i++)
        f->ga_mining[i] = (mr_supplier){.country = i, .share = share3[i]};
    f->ga_refining[0] = (mr_supplier){.country = 0, .share = 0.98};
    f->ga_refining[1] = (mr_supplier){.country = 3, .share = 0.02};
    f->ge_refining[0] = (mr_supplier){.country = 0, .share = 0.6};
    f->ge_refining[1] = (mr_supplier){.country = 3, .share = 0.4};
    f->minerals[0].id = "ga";
    f->minerals[0].stage[MR_STAGE_MINING] = (mr_stage){3, f->ga_mining};
    f->minerals[0].stage[MR_STAGE_REFINING] = (mr_stage){2, f->ga_refining};
    f->minerals[1].id = "ge";
    f->minerals[1].stage[MR_STAGE_REFINING] = (mr_stage){2, f->ge_refining};
    static const double ga_uk[3] = {0.5, 0.3, 0.2};
    for (int i = 0; i < 3; i++)
        f->ga_uk[i] = (mr_supplier){.country = i, .share = ga_uk[i]};
    f->ge_uk[0] = (mr_supplier){.country = 0, .share = 0.7};
    f->ge_uk[1] = (mr_supplier){.country = 3, .share = 0.3};
    static char ga_source[] = "HMRC OTS 2024";
    f->minerals[0].uk = (mr_stage){3, f->ga_uk};
    f->minerals[0].uk_basis = MR_UK_DATA;
    f->minerals[0].uk_source = ga_source;
    f->minerals[1].uk = (mr_stage){2, f->ge_uk};
    f->minerals[1].uk_basis = MR_UK_OPEN_MARKET;
    f->sc.ncountries = 4;
    f->sc.countries = f->countries;
    f->sc.nminerals = 2;
    f->sc.minerals = f->minerals;
}

/* Country 3 (ROW) an aggregate, holding 1 - cn of a two-supplier list
   whose first supplier, CN, holds cn. */
static void aggregate_pair(fixture *f, mr_supplier *pair, double cn)
{
    f->countries[3].aggregate = true;
    pair[0].share = cn;
    pair[1].share = 1.0 - cn;
}

static void test_compute_rows_and_default_cap(void **state)
{
    (void)state;
    fixture f;
    make_fixture(&f);
    mr_indicators ind;
    assert_int_equal(mr_indicators_compute(&f.sc, &ind), 0);
    assert_true(ind.cap == 0.60 && !ind.cap_from_policy);
    assert_int_equal(ind.nrows, 3); /* ge has no mining stage */
    assert_int_equal(ind.nabove, 1);

    const mr_indicator_row *r = ind.rows;
    assert_int_equal(r[0].mineral, 0);
    assert_int_equal(r[0].stage, MR_STAGE_MINING);
    assert_close(r[0].hhi, 0.46, 1e-12);
    assert_close(r[0].hhi_wgi, 2.4936, 1e-12);
    assert_int_equal(r[0].top_country, 0);
    assert_true(r[0].top_share == 0.6 && !r[0].above_cap && !r[0].wgi_assumed);

    /* ga refining: HHI = 0.98^2 + 0.02^2 = 0.9604 + 0.0004 = 0.9608;
       HHI_WGI = 0.9604 x 5.88 + 0.0004 x 5 (no WGI) = 5.647152 + 0.002
               = 5.649152 */
    assert_int_equal(r[1].stage, MR_STAGE_REFINING);
    assert_close(r[1].hhi, 0.9608, 1e-12);
    assert_close(r[1].hhi_wgi, 5.649152, 1e-12);
    assert_true(r[1].top_share == 0.98 && r[1].above_cap && r[1].wgi_assumed);

    /* ge refining: 0.6 is not above 0.60; HHI = 0.36 + 0.16 = 0.52;
       HHI_WGI = 0.36 x 5.88 + 0.16 x 5 = 2.1168 + 0.8 = 2.9168 */
    assert_int_equal(r[2].mineral, 1);
    assert_close(r[2].hhi, 0.52, 1e-12);
    assert_close(r[2].hhi_wgi, 2.9168, 1e-12);
    assert_true(!r[2].above_cap && r[2].wgi_assumed);
    mr_indicators_free(&ind);
}

static void test_policy_cap_replaces_the_default(void **state)
{
    (void)state;
    fixture f;
    make_fixture(&f);
    f.ge_refining[0].share = 0.62;
    f.ge_refining[1].share = 0.38;
    mr_indicators ind;
    assert_int_equal(mr_indicators_compute(&f.sc, &ind), 0);
    assert_true(ind.rows[2].above_cap); /* 0.62 > 0.60 */
    mr_indicators_free(&ind);
    f.sc.policy_cap = 0.65;
    assert_int_equal(mr_indicators_compute(&f.sc, &ind), 0);
    assert_true(ind.cap == 0.65 && ind.cap_from_policy);
    assert_false(ind.rows[2].above_cap); /* 0.62 <= 0.65 */
    assert_true(ind.rows[1].above_cap);  /* 0.98 > 0.65 */
    assert_int_equal(ind.nabove, 1);
    mr_indicators_free(&ind);
}

/* An aggregate (ROW marked `aggregate: true`) is many small suppliers: its
   squared share drops out of HHI and it is never the top country. ge
   refining CN 0.4, ROW 0.6: HHI = 0.16, HHI_WGI = 0.16 x 5.88 = 0.9408; top
   CN 0.4, not above the cap although ROW holds 0.6. */
static void test_aggregate_is_not_a_country(void **state)
{
    (void)state;
    fixture f;
    make_fixture(&f);
    aggregate_pair(&f, f.ge_refining, 0.4);
    mr_indicators ind;
    assert_int_equal(mr_indicators_compute(&f.sc, &ind), 0);
    const mr_indicator_row *r = &ind.rows[2];
    assert_close(r->hhi, 0.16, 1e-12);
    assert_close(r->hhi_wgi, 0.9408, 1e-12);
    assert_int_equal(r->top_country, 0);
    assert_true(r->top_share == 0.4 && !r->above_cap && !r->wgi_assumed);
    mr_indicators_free(&ind);
}

/* Every line of the tables starts with the prefix (validate's "# " keeps
   its output valid YAML); the rows show the figures and the flags. The
   world's table comes first, then the UK's. */
static void test_table_is_prefixed_and_flags_rows(void **state)
{
    (void)state;
    fixture f;
    make_fixture(&f);
    mr_indicators ind;
    assert_int_equal(mr_indicators_compute(&f.sc, &ind), 0);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    mr_indicators_print(&f.sc, &ind, "# ", tmp);
    rewind(tmp);
    char line[1024];
    int rows = 0, above = 0, nowgi = 0, total = 0, uk_rows = 0;
    bool cap_line = false, count_line = false, uk_head = false, uk_count = false, in_uk = false;
    bool ga_uk = false, ge_uk = false;
    while (fgets(line, sizeof line, tmp)) {
        assert_true(line[0] == '#' && (line[1] == ' ' || line[1] == '\n'));
        total++;
        in_uk |= !strncmp(line, "# UK sourcing top share vs world top share", 42);
        bool row = !strncmp(line, "# ga ", 5) || !strncmp(line, "# ge ", 5);
        if (in_uk) {
            uk_head |= strstr(line, "# mineral  world stage  world top  world share %") == line;
            uk_rows += row;
            uk_count |= !strcmp(line, "# 1 of 2 minerals' UK sourcing above the cap of 60%; 1 of "
                                      "2 on the open-market fallback (1 of them above the cap)\n");
            /* ga: world refining CN 98.0, HHI 9608, above; UK CN 50.0, HHI 3800 */
            if (!strncmp(line, "# ga ", 5))
                ga_uk = strstr(line, "refining") && strstr(line, " 98.0 ") &&
                        strstr(line, " 9608  ABOVE CAP ") && strstr(line, " 50.0 ") &&
                        strstr(line, " 3800  ") && strstr(line, "UK data: HMRC OTS 2024\n");
            /* ge: world CN 60.0, HHI 5200, not above; UK CN 70.0, HHI 5800, above */
            if (!strncmp(line, "# ge ", 5))
                ge_uk = strstr(line, " 60.0 ") && strstr(line, " 5200  ") &&
                        strstr(line, " 70.0 ") && strstr(line, " 5800  ABOVE CAP  ") &&
                        strstr(line, "open-market fallback (no UK import data)\n");
            continue;
        }
        rows += row;
        above += strstr(line, "ABOVE CAP  ") != NULL || (strstr(line, "ABOVE CAP\n") != NULL);
        nowgi += strstr(line, "no WGI: 5 assumed (ROW)") != NULL;
        cap_line |= strstr(line, "60%: the UK Vision 2035 target") != NULL;
        count_line |= !strcmp(line, "# 1 of 3 stages above the cap of 60%\n");
        if (!strncmp(line, "# ga ", 5) && strstr(line, "mining"))
            assert_non_null(strstr(line, " 4600  ")); /* HHI x10^4 */
        if (!strncmp(line, "# ga ", 5) && strstr(line, "mining"))
            assert_non_null(strstr(line, " 2.49  "));
    }
    fclose(tmp);
    assert_int_equal(rows, 3);
    assert_int_equal(above, 1);
    assert_int_equal(nowgi, 2);
    assert_true(cap_line && count_line && total > rows);
    assert_int_equal(uk_rows, 2);
    assert_true(uk_head && uk_count && ga_uk && ge_uk);
    mr_indicators_free(&ind);
}

/* UK sourcing (docs/MODEL.md §3u), one row per mineral beside the world row
   of its product stage (refining here for both).
   ga, from data: CN 0.5, AU 0.3, CD 0.2
     HHI     = 0.25 + 0.09 + 0.04 = 0.38
     HHI_WGI = 0.25 x 5.88 + 0.09 x 3.16 + 0.04 x 9.24
             = 1.47 + 0.2844 + 0.3696 = 2.124
     top CN 0.5, not above 0.60 (the world's refining: CN 0.98, above)
   ge, the open-market fallback: CN 0.7, ROW 0.3 (ROW without WGI)
     HHI     = 0.49 + 0.09 = 0.58
     HHI_WGI = 0.49 x 5.88 + 0.09 x 5 = 2.8812 + 0.45 = 3.3312
     top CN 0.7, above 0.60 (the world's: CN 0.6, not above) */
static void test_uk_rows_beside_the_world(void **state)
{
    (void)state;
    fixture f;
    make_fixture(&f);
    mr_indicators ind;
    assert_int_equal(mr_indicators_compute(&f.sc, &ind), 0);
    assert_int_equal(ind.nrows, 3); /* the world's rows are unchanged */
    assert_int_equal(ind.nabove, 1);
    assert_int_equal(ind.nuk, 2);
    assert_int_equal(ind.nuk_above, 1);

    const mr_uk_indicator_row *u = ind.uk;
    assert_int_equal(u[0].ind.mineral, 0);
    assert_int_equal(u[0].ind.stage, MR_STAGE_REFINING);
    assert_int_equal(u[0].world_row, 1); /* ga refining */
    assert_close(u[0].ind.hhi, 0.38, 1e-12);
    assert_close(u[0].ind.hhi_wgi, 2.124, 1e-12);
    assert_int_equal(u[0].ind.top_country, 0);
    assert_true(u[0].ind.top_share == 0.5 && !u[0].ind.above_cap && !u[0].ind.wgi_assumed);
    assert_true(u[0].basis == MR_UK_DATA && mr_indicators_uk_from_data(u[0].basis));
    assert_string_equal(mr_indicators_uk_basis_name(u[0].basis), "data");
    assert_false(u[0].capped);
    assert_true(ind.rows[u[0].world_row].above_cap);

    assert_int_equal(u[1].ind.mineral, 1);
    assert_int_equal(u[1].world_row, 2); /* ge refining */
    assert_close(u[1].ind.hhi, 0.58, 1e-12);
    assert_close(u[1].ind.hhi_wgi, 3.3312, 1e-12);
    assert_int_equal(u[1].ind.top_country, 0);
    assert_true(u[1].ind.top_share == 0.7 && u[1].ind.above_cap && u[1].ind.wgi_assumed);
    assert_false(mr_indicators_uk_from_data(u[1].basis));
    assert_string_equal(mr_indicators_uk_basis_name(u[1].basis), "fallback");
    assert_string_equal(mr_indicators_uk_basis_name(MR_UK_OPEN_MARKET_FIXED), "fallback");
    assert_false(ind.rows[u[1].world_row].above_cap);
    mr_indicators_free(&ind);
}

/* The UK rows follow the same rules as the world's: an aggregate is out of
   HHI and never top, the policy cap replaces the default, and a cap that
   changed the sourcing is carried. ge's UK sourcing CN 0.3, ROW 0.7 with ROW
   an aggregate: HHI = 0.09, HHI_WGI = 0.09 x 5.88 = 0.5292, top CN 0.3. ga's
   UK top 0.5 is above a cap of 0.45. A mineral without UK sourcing (not
   filled in: never after the loader) has no top country. */
static void test_uk_rows_aggregate_cap_and_capped(void **state)
{
    (void)state;
    fixture f;
    make_fixture(&f);
    aggregate_pair(&f, f.ge_uk, 0.3);
    f.minerals[1].uk_basis = MR_UK_OPEN_MARKET_FIXED;
    f.minerals[1].uk_capped = true;
    f.sc.policy_cap = 0.45;
    mr_indicators ind;
    assert_int_equal(mr_indicators_compute(&f.sc, &ind), 0);
    const mr_uk_indicator_row *u = ind.uk;
    assert_true(ind.cap == 0.45 && u[0].ind.above_cap);
    assert_close(u[1].ind.hhi, 0.09, 1e-12);
    assert_close(u[1].ind.hhi_wgi, 0.5292, 1e-12);
    assert_int_equal(u[1].ind.top_country, 0);
    assert_true(u[1].ind.top_share == 0.3 && !u[1].ind.above_cap && !u[1].ind.wgi_assumed);
    assert_true(u[1].capped && u[1].basis == MR_UK_OPEN_MARKET_FIXED);
    assert_int_equal(ind.nuk_above, 1);
    mr_indicators_free(&ind);

    f.minerals[1].uk = (mr_stage){0, NULL};
    assert_int_equal(mr_indicators_compute(&f.sc, &ind), 0);
    assert_int_equal(ind.uk[1].ind.top_country, -1);
    assert_true(ind.uk[1].ind.hhi == 0.0 && !ind.uk[1].ind.above_cap);
    mr_indicators_free(&ind);
}

/* The source is free text: in the table it stays on one comment line (a
   newline would end the YAML comment), and a capped row says so. */
static void test_uk_table_source_one_line(void **state)
{
    (void)state;
    fixture f;
    make_fixture(&f);
    static char src[] = "HMRC OTS\n2024, CN8 2805";
    f.minerals[0].uk_source = src;
    f.minerals[1].uk_basis = MR_UK_OPEN_MARKET_FIXED;
    f.minerals[1].uk_capped = true;
    mr_indicators ind;
    assert_int_equal(mr_indicators_compute(&f.sc, &ind), 0);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    mr_indicators_print(&f.sc, &ind, "# ", tmp);
    rewind(tmp);
    char line[1024];
    bool one = false, capped = false;
    while (fgets(line, sizeof line, tmp)) {
        assert_true(line[0] == '#');
        one |= strstr(line, "UK data: HMRC OTS 2024, CN8 2805\n") != NULL;
        capped |= strstr(line, "open-market fallback (no UK import data), after the cap\n") != NULL;
    }
    fclose(tmp);
    assert_true(one && capped);
    mr_indicators_free(&ind);
}

/* A stage held by aggregates only (refining: ROW 1 with ROW an aggregate)
   has no top country, in the world's row as in the UK's: HHI 0, top -1,
   "-" in the table ("" in the file). Before the fix the world's row named
   the aggregate ROW as its top country with a share of 0. */
static void test_aggregate_only_stage_has_no_top(void **state)
{
    (void)state;
    fixture f;
    make_fixture(&f);
    aggregate_pair(&f, f.ge_refining, 0.0);
    aggregate_pair(&f, f.ge_uk, 0.0);
    mr_indicators ind;
    assert_int_equal(mr_indicators_compute(&f.sc, &ind), 0);
    const mr_indicator_row *r = &ind.rows[2];
    assert_true(r->hhi == 0.0 && r->hhi_wgi == 0.0 && r->top_share == 0.0);
    assert_int_equal(r->top_country, -1);
    assert_false(r->above_cap || r->wgi_assumed);
    assert_int_equal(ind.uk[1].ind.top_country, -1);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    mr_indicators_print(&f.sc, &ind, "# ", tmp);
    rewind(tmp);
    char line[1024];
    int ge = 0;
    while (fgets(line, sizeof line, tmp)) {
        if (strncmp(line, "# ge ", 5))
            continue;
        ge++;
        assert_null(strstr(line, "ROW")); /* never named as top */
        assert_non_null(strstr(line, " - "));
    }
    fclose(tmp);
    assert_int_equal(ge, 2); /* the world's row and the UK's */
    mr_indicators_free(&ind);
}

/* The note "no WGI: 5 assumed (ids)" names the suppliers for which g = 5
   was used: an aggregate without wgi_pv is left out of HHI_WGI, so it is
   not among them. ga refining CN 0.98 (WGI), JP 0.01 (no WGI), ROW 0.01
   (aggregate, no WGI): the note names JP only. Before the fix it read
   "(JP, ROW)", as uk-2024's nickel, gallium, germanium and titanium rows
   did. */
static void test_no_wgi_note_leaves_out_aggregates(void **state)
{
    (void)state;
    fixture f;
    make_fixture(&f);
    mr_country countries[5];
    memcpy(countries, f.countries, sizeof f.countries);
    countries[3].aggregate = true; /* ROW */
    countries[4] = (mr_country){.id = "JP", .name = "JP"};
    f.sc.countries = countries;
    f.sc.ncountries = 5;
    mr_supplier refining[3] = {{.country = 0, .share = 0.98},
                               {.country = 4, .share = 0.01},
                               {.country = 3, .share = 0.01}};
    f.minerals[0].stage[MR_STAGE_REFINING] = (mr_stage){3, refining};
    mr_indicators ind;
    assert_int_equal(mr_indicators_compute(&f.sc, &ind), 0);
    assert_true(ind.rows[1].wgi_assumed);
    /* HHI_WGI = 0.9604 x 5.88 + 0.0001 x 5 = 5.647152 + 0.0005 */
    assert_close(ind.rows[1].hhi_wgi, 5.647652, 1e-12);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    mr_indicators_print(&f.sc, &ind, "# ", tmp);
    rewind(tmp);
    char line[1024];
    bool note = false;
    while (fgets(line, sizeof line, tmp))
        if (!strncmp(line, "# ga ", 5) && strstr(line, "refining")) {
            note = strstr(line, "no WGI: 5 assumed (JP)\n") != NULL;
            break;
        }
    fclose(tmp);
    assert_true(note);
    mr_indicators_free(&ind);
}

/* A supplier of share 0 (an offtake partner joins the product stage with a
   world share of 0, docs/MODEL.md §3u) adds nothing to HHI_WGI, so no g = 5
   is assumed for it: ge refining CN 0.6, AU 0.4, JP 0 (no WGI) is not
   flagged and the note is empty. Before the fix the row was flagged "no
   WGI: 5 assumed (JP)" (validate of a scenario with offtake to JP). */
static void test_zero_share_without_wgi_not_flagged(void **state)
{
    (void)state;
    fixture f;
    make_fixture(&f);
    mr_country countries[5];
    memcpy(countries, f.countries, sizeof f.countries);
    countries[4] = (mr_country){.id = "JP", .name = "JP"};
    f.sc.countries = countries;
    f.sc.ncountries = 5;
    mr_supplier refining[3] = {
        {.country = 0, .share = 0.6}, {.country = 1, .share = 0.4}, {.country = 4, .share = 0.0}};
    f.minerals[1].stage[MR_STAGE_REFINING] = (mr_stage){3, refining};
    mr_indicators ind;
    assert_int_equal(mr_indicators_compute(&f.sc, &ind), 0);
    /* HHI_WGI = 0.36 x 5.88 + 0.16 x 3.16 = 2.1168 + 0.5056 */
    assert_close(ind.rows[2].hhi_wgi, 2.6224, 1e-12);
    assert_false(ind.rows[2].wgi_assumed);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    mr_indicators_print(&f.sc, &ind, "# ", tmp);
    rewind(tmp);
    char line[1024];
    while (fgets(line, sizeof line, tmp))
        assert_null(strstr(line, "(JP)"));
    fclose(tmp);
    mr_indicators_free(&ind);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_governance_rescales_wgi_to_0_10),
        cmocka_unit_test(test_hhi_of_hand_computed_shares),
        cmocka_unit_test(test_hhi_wgi_of_hand_computed_shares),
        cmocka_unit_test(test_top_is_largest_share_first_on_tie),
        cmocka_unit_test(test_cap_boundary_is_not_above),
        cmocka_unit_test(test_compute_rows_and_default_cap),
        cmocka_unit_test(test_policy_cap_replaces_the_default),
        cmocka_unit_test(test_aggregate_is_not_a_country),
        cmocka_unit_test(test_table_is_prefixed_and_flags_rows),
        cmocka_unit_test(test_uk_rows_beside_the_world),
        cmocka_unit_test(test_uk_rows_aggregate_cap_and_capped),
        cmocka_unit_test(test_uk_table_source_one_line),
        cmocka_unit_test(test_aggregate_only_stage_has_no_top),
        cmocka_unit_test(test_no_wgi_note_leaves_out_aggregates),
        cmocka_unit_test(test_zero_share_without_wgi_not_flagged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
