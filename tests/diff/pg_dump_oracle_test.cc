// The pg_dump oracle's normalisation (testing/pg_dump_oracle.h): what it
// drops, what it sorts, and what it must keep; then a real dump of two
// databases that hold the same schema built in different orders.
#include <gtest/gtest.h>

#include <string>

#include "driver/open.h"
#include "testing/pg_dump_oracle.h"
#include "testing/test_support.h"

namespace strata::testing {
namespace {

constexpr const char* kDump = R"(--
-- PostgreSQL database dump
--

\restrict abc123

-- Dumped from database version 15.20
-- Dumped by pg_dump version 15.20

SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
SET row_security = off;

--
-- Name: f(); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.f() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN
-- kept: part of the body
SET x = 1;
RETURN NEW; END $$;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: t; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.t (
    id integer NOT NULL,
    b text,
    CONSTRAINT t_check CHECK ((id > 0))
);

--
-- Name: pair; Type: TYPE; Schema: public; Owner: postgres
--

CREATE TYPE public.pair AS (
	b integer,
	a text
);

--
-- PostgreSQL database dump complete
--

\unrestrict abc123
)";

TEST(PgDumpOracle, DropsHeadersSettingsAndOrderKeepsBodies) {
  std::string n = NormalizePgDump(kDump);
  EXPECT_EQ(n,
            "CREATE FUNCTION public.f() RETURNS trigger\n"
            "    LANGUAGE plpgsql\n"
            "    AS $$ BEGIN\n"
            "-- kept: part of the body\n"
            "SET x = 1;\n"
            "RETURN NEW; END $$;\n\n"
            "CREATE TABLE public.t (\n"
            "    CONSTRAINT t_check CHECK ((id > 0))\n"
            "    b text\n"
            "    id integer NOT NULL\n"
            ");\n\n"
            "CREATE TYPE public.pair AS (\n"
            "\tb integer,\n"
            "\ta text\n"
            ");");
}

TEST(PgDumpOracle, AnOptionOutsideTheDefaultsStays) {
  std::string n = NormalizePgDump("SET default_table_access_method = heap2;\n");
  EXPECT_EQ(n, "SET default_table_access_method = heap2;");
}

TEST(PgDumpOracle, DifferenceNamesEntriesOnEachSide) {
  EXPECT_EQ(PgDumpDifference("a\n\nb", "b\n\nc"), "- a\n+ c\n");
  EXPECT_EQ(PgDumpDifference("a\n\nb", "b\n\na"), "");
}

// Column order and creation order do not count; anything else does.
TEST(PgDumpOracle, RealDumpsOfOneSchemaBuiltTwoWaysAreEqual) {
  ScopedPgDatabase one, two;
  ASSERT_TRUE(one.ok() && two.ok());
  auto a = driver::Open(one.url(), {});
  auto b = driver::Open(two.url(), {});
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->ExecScript("CREATE TABLE x (id int, name text); CREATE TABLE y (id int)").ok());
  ASSERT_TRUE((*b)->ExecScript("CREATE TABLE y (id int); CREATE TABLE x (name text); ALTER TABLE x ADD id int").ok());
  auto dumps = PgDumpSchemas({one.url(), two.url()});
  ASSERT_TRUE(dumps[0].ok()) << dumps[0].status().ToString();
  ASSERT_TRUE(dumps[1].ok()) << dumps[1].status().ToString();
  EXPECT_EQ(*dumps[0], *dumps[1]);
  EXPECT_NE(dumps[0]->find("CREATE TABLE public.x"), std::string::npos) << *dumps[0];

  ASSERT_TRUE((*b)->ExecScript("ALTER TABLE x ALTER COLUMN name SET STORAGE EXTERNAL").ok());
  auto changed = PgDumpSchema(two.url());
  ASSERT_TRUE(changed.ok());
  EXPECT_NE(*dumps[0], *changed);
  EXPECT_NE(PgDumpDifference(*dumps[0], *changed).find("SET STORAGE EXTERNAL"), std::string::npos);
}

}  // namespace
}  // namespace strata::testing
