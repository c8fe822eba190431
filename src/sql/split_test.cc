#include "sql/split.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace strata::sql {
namespace {

// The statement texts, checking on the way that each offset points at its text.
std::vector<std::string> Texts(std::string_view script, Dialect dialect) {
  auto r = Split(script, dialect);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> out;
  if (!r.ok()) return out;
  for (const Statement& s : *r) {
    EXPECT_EQ(script.substr(s.offset, s.text.size()), s.text);
    EXPECT_EQ(s.text.data(), script.data() + s.offset);
    out.emplace_back(s.text);
  }
  return out;
}

using V = std::vector<std::string>;

TEST(SplitTest, EmptyAndCommentOnlyScripts) {
  for (Dialect d : {Dialect::kSqlite, Dialect::kPostgres}) {
    EXPECT_EQ(Texts("", d), V{});
    EXPECT_EQ(Texts("  \n\t ", d), V{});
    EXPECT_EQ(Texts("-- nothing here\n/* or here */\n", d), V{});
    EXPECT_EQ(Texts(";;  ;", d), V{});
  }
}

TEST(SplitTest, SimpleStatementsBothDialects) {
  for (Dialect d : {Dialect::kSqlite, Dialect::kPostgres}) {
    EXPECT_EQ(Texts("CREATE TABLE a (x int);\nINSERT INTO a VALUES (1);\n", d),
              (V{"CREATE TABLE a (x int)", "INSERT INTO a VALUES (1)"}));
  }
}

TEST(SplitTest, TrailingStatementWithoutSemicolon) {
  for (Dialect d : {Dialect::kSqlite, Dialect::kPostgres}) {
    EXPECT_EQ(Texts("select 1;\nselect 2  \n", d), (V{"select 1", "select 2"}));
    EXPECT_EQ(Texts("select 1 -- trailing comment", d), V{"select 1"});
  }
}

TEST(SplitTest, LeadingAndTrailingCommentsAreNotPartOfStatements) {
  std::string_view script =
      "-- header\n/* block */ select 1 /* after */ ;\n  -- between\nselect 2; -- tail\n/* end */";
  for (Dialect d : {Dialect::kSqlite, Dialect::kPostgres}) {
    EXPECT_EQ(Texts(script, d), (V{"select 1", "select 2"}));
  }
  auto r = Split(script, Dialect::kPostgres);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].offset, script.find("select 1"));
  EXPECT_EQ((*r)[1].offset, script.find("select 2"));
}

TEST(SplitTest, SemicolonsInsideStringsAndIdentifiers) {
  for (Dialect d : {Dialect::kSqlite, Dialect::kPostgres}) {
    EXPECT_EQ(Texts("select 'a;b', \"c;d\"; select 'it''s; -- not a comment'", d),
              (V{"select 'a;b', \"c;d\"", "select 'it''s; -- not a comment'"}));
  }
}

TEST(SplitTest, PostgresDollarQuotes) {
  std::string_view script =
      "CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;\n"
      "DO $body$ BEGIN RAISE NOTICE 'x;y'; END $body$;\n"
      "select $1::int";
  EXPECT_EQ(Texts(script, Dialect::kPostgres),
            (V{"CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql",
               "DO $body$ BEGIN RAISE NOTICE 'x;y'; END $body$", "select $1::int"}));
}

TEST(SplitTest, PostgresEscapeStrings) {
  EXPECT_EQ(Texts("select E'a\\';b'; select e'\\\\'; select 2", Dialect::kPostgres),
            (V{"select E'a\\';b'", "select e'\\\\'", "select 2"}));
}

TEST(SplitTest, PostgresNestedComments) {
  EXPECT_EQ(Texts("/* outer /* inner; */ still; */ select 1; select /* a /* b */ c */ 2", Dialect::kPostgres),
            (V{"select 1", "select /* a /* b */ c */ 2"}));
}

TEST(SplitTest, PostgresBeginAtomicBodyIsOneStatement) {
  EXPECT_EQ(Texts("CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n  SELECT 2;\nEND;\n"
                  "select 3;",
                  Dialect::kPostgres),
            (V{"CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n  SELECT 2;\nEND",
               "select 3"}));
}

TEST(SplitTest, SqliteTriggerBodyIsOneStatement) {
  std::string_view script =
      "CREATE TABLE t (x);\n"
      "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
      "  INSERT INTO log VALUES (new.x);\n"
      "  UPDATE t SET x = x + 1 WHERE x = ';';\n"
      "END;\n"
      "INSERT INTO t VALUES (1)";
  EXPECT_EQ(Texts(script, Dialect::kSqlite),
            (V{"CREATE TABLE t (x)",
               "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  INSERT INTO log VALUES (new.x);\n"
               "  UPDATE t SET x = x + 1 WHERE x = ';';\nEND",
               "INSERT INTO t VALUES (1)"}));
}

TEST(SplitTest, SqliteBracketAndBacktickIdentifiers) {
  EXPECT_EQ(Texts("select [a;b], `c;d` from t; select 1", Dialect::kSqlite),
            (V{"select [a;b], `c;d` from t", "select 1"}));
}

TEST(SplitTest, PostgresScannerErrorIsParseWithLine) {
  std::string_view script = "select 1;\nselect 'é';\nselect 'unterminated";
  auto r = Split(script, Dialect::kPostgres);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kParse);
  EXPECT_EQ(r.status().line(), 3);
  EXPECT_EQ(r.status().column(), 8);
  EXPECT_NE(r.status().message().find("unterminated"), std::string::npos) << r.status().message();

  auto dollar = Split("select $$never closed", Dialect::kPostgres);
  ASSERT_FALSE(dollar.ok());
  EXPECT_EQ(dollar.status().code(), Status::Code::kParse);
  EXPECT_EQ(dollar.status().line(), 1);
}

// libpg_query's scanner ends a statement only at a ';' outside parentheses
// and emits nothing for text whose parentheses never balance again: without
// a check, that statement and every one after it were silently dropped (a
// no-transaction migration then ran only the statements before it).
TEST(SplitTest, PostgresUnbalancedParenthesesAreAnErrorNotLostStatements) {
  for (const char* script : {"select 1;\n  insert into t values (1, 'x';\ncreate table c (id int);\n",
                             "select 1;\n  select 1);\nselect 2;\n", "select 1;\n  select ((1);\n"}) {
    auto r = Split(script, Dialect::kPostgres);
    ASSERT_FALSE(r.ok()) << script;
    EXPECT_EQ(r.status().code(), Status::Code::kParse);
    EXPECT_EQ(r.status().line(), 2) << script;
    EXPECT_EQ(r.status().column(), 3) << script;
    EXPECT_NE(r.status().message().find("parentheses do not balance"), std::string::npos);
  }
  // Balanced ones, ';' inside them, and parentheses in strings and comments.
  EXPECT_EQ(Texts("select (1); select ')' /* ( */; select f((2), '(')", Dialect::kPostgres),
            (V{"select (1)", "select ')'", "select f((2), '(')"}));
  // A script of many windows: the statements before the broken one arrive,
  // then the error at its line; a window that ends inside a statement's
  // parentheses is not an error.
  std::string big;
  for (int i = 0; i < 20000; ++i) big += "insert into t values (" + std::to_string(i) + ", 'a;b');\n";
  size_t count = 0;
  ASSERT_TRUE(ForEachStatement(big, Dialect::kPostgres, [&](const Statement&) { return ++count, true; }, 4096).ok());
  EXPECT_EQ(count, 20000u);
  std::string broken = big + "insert into t values (1;\n" + big;
  count = 0;
  Status s = ForEachStatement(broken, Dialect::kPostgres, [&](const Statement&) { return ++count, true; }, 4096);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.line(), 20001);
  EXPECT_EQ(s.column(), 1);
  EXPECT_EQ(count, 20000u);
}

// SQLite runs what it can of an unfinished last statement, and takes an
// unterminated /* as a comment to the end of the script, so the statements in
// it would be skipped without a word: Split refuses both, where they open.
TEST(SplitTest, SqliteUnterminatedRunIsParseWhereItOpens) {
  struct Case {
    std::string_view script;
    int line, column;
    std::string_view what;
  };
  for (const Case& c : {Case{"create table a (x);\n/* todo\ncreate table b (x);\n", 2, 1, "unterminated /* comment"},
                        Case{"create table a (x default 'it''s);\nselect 1;", 1, 27, "unterminated quoted string"},
                        Case{"select 1;\ncreate table \"b (x);", 2, 14, "unterminated quoted identifier"},
                        Case{"select `a;", 1, 8, "unterminated quoted identifier"},
                        Case{"select [a;", 1, 8, "unterminated [quoted identifier]"},
                        Case{"create trigger t after insert on a begin\n  select 1;\n", 1, 1, "incomplete statement"}}) {
    SCOPED_TRACE(c.script);
    auto r = Split(c.script, Dialect::kSqlite);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Status::Code::kParse);
    EXPECT_EQ(r.status().line(), c.line);
    EXPECT_EQ(r.status().column(), c.column);
    EXPECT_NE(r.status().message().find(c.what), std::string::npos) << r.status().message();
  }
  // Closed runs, comments ending the script and a last statement without ';'
  // are fine.
  EXPECT_EQ(Texts("select 'a;b' /* c; */ -- d;\n; select \"e\" -- end", Dialect::kSqlite),
            (V{"select 'a;b'", "select \"e\""}));
  EXPECT_EQ(Texts("select 1; /* closed at the very end */", Dialect::kSqlite), V{"select 1"});
}

// An unterminated quote near the top of a large SQLite script: found in one
// pass (each ';' inside it used to copy and rescan the script from the
// quote: a 2 MB file took minutes).
TEST(SplitTest, SqliteUnterminatedQuoteInALargeScriptIsFoundInLinearTime) {
  std::string script = "select 'never closed;\n";
  for (int i = 0; i < 200000; ++i) script += "insert into t values (1);\n";
  auto started = std::chrono::steady_clock::now();
  Status s = ForEachStatement(script, Dialect::kSqlite, [](const Statement&) { return true; });
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_EQ(s.code(), Status::Code::kParse);
  EXPECT_EQ(s.line(), 1);
  EXPECT_EQ(s.column(), 8);
}

// A CREATE TRIGGER whose END is missing: no ';' before the next END can end
// it, so the splitter goes from END to END instead of asking
// sqlite3_complete at every ';' (quadratic: a 10 MB file did not finish).
TEST(SplitTest, SqliteTriggerWithoutEndInALargeScriptIsFoundInLinearTime) {
  std::string script = "create trigger t after insert on a begin update a set x = 1;\n";
  for (int i = 0; i < 200000; ++i) script += "insert into t values (1, 'a -- b;', \"end\");\n";
  auto started = std::chrono::steady_clock::now();
  Status s = ForEachStatement(script, Dialect::kSqlite, [](const Statement&) { return true; });
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_EQ(s.code(), Status::Code::kParse);
  EXPECT_EQ(s.line(), 1);
  EXPECT_NE(s.message().find("CREATE TRIGGER without END"), std::string::npos) << s.message();
  // With its END, the trigger is one statement, its inner ';' and a
  // comment's ';' included, and the statements around it split as before.
  const std::string good =
      "select 1; create trigger t after insert on a begin\n  update a set x = 1; -- one;\n  delete from b;\nend;\n"
      "select 2;";
  EXPECT_EQ(Texts(good, Dialect::kSqlite),
            (V{"select 1",
               "create trigger t after insert on a begin\n  update a set x = 1; -- one;\n  delete from b;\nend",
               "select 2"}));
}

// The scanner's "at or near" quotes the rest of the script after an
// unterminated quote: cut to a short first line.
TEST(SplitTest, PostgresScannerMessageDoesNotEchoTheScript) {
  std::string script = "select 'never closed;\n";
  for (int i = 0; i < 1000; ++i) script += "insert into t values (1);\n";
  auto r = Split(script, Dialect::kPostgres);
  ASSERT_FALSE(r.ok());
  EXPECT_LT(r.status().message().size(), 120u) << r.status().message();
  EXPECT_NE(r.status().message().find("unterminated quoted string at or near \"'never closed;...\""), std::string::npos)
      << r.status().message();
}

// Found by fuzz/sql_split_fuzz.cc: sqlite3_complete and libpg_query read the
// script as a C string, so a NUL byte hid every statement after it from Split,
// while ForEachStatement's later windows (which start past the NUL) split
// them: the two disagreed, and the engine would have dropped the rest.
TEST(SplitTest, NulByteIsAParseErrorAtItsPlaceRegressionFuzzSplit) {
  const std::string script("CRE ;\n/* \0\0*/;\n-*", 17);
  for (Dialect d : {Dialect::kSqlite, Dialect::kPostgres}) {
    auto r = Split(script, d);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Status::Code::kParse);
    EXPECT_EQ(r.status().line(), 2);
    EXPECT_EQ(r.status().column(), 4);
    EXPECT_NE(r.status().message().find("NUL byte"), std::string::npos) << r.status().message();
    std::vector<std::string> seen;
    Status each = ForEachStatement(script, d, [&](const Statement& s) {
      seen.emplace_back(s.text);
      return true;
    }, 4);
    EXPECT_EQ(each.code(), Status::Code::kParse);
    EXPECT_EQ(each.line(), 2);
    EXPECT_TRUE(seen.empty());
  }
}

// Found by fuzz/sql_split_fuzz.cc: a window of ForEachStatement ends inside a
// statement, so libpg_query's parser failed on it and the scanner split the
// BEGIN ATOMIC body at its inner ';' (4 statements; Split gives 2).
TEST(SplitTest, ForEachStatementKeepsBeginAtomicBodyWholeRegressionFuzzSplit) {
  const std::string script =
      "CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql\n"
      "BEGIN ATOMIC\n  SELECT a + b;\n  SELECT 1;\nEND;\nCREATE TABLE tablename (id int, name text);\n";
  for (size_t window : {size_t{4}, size_t{16}, size_t{64}, size_t{256 * 1024}}) {
    std::vector<std::string> seen;
    Status s = ForEachStatement(script, Dialect::kPostgres, [&](const Statement& st) {
      EXPECT_EQ(st.text.data(), script.data() + st.offset);
      seen.emplace_back(st.text);
      return true;
    }, window);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(seen, Texts(script, Dialect::kPostgres)) << "window " << window;
    ASSERT_EQ(seen.size(), 2u) << "window " << window;
    EXPECT_EQ(seen[1], "CREATE TABLE tablename (id int, name text)");
  }
}

// Found by fuzz/sql_split_fuzz.cc: the statement after "C;" started at the
// vertical tab for sqlite3_complete (so not a CREATE TRIGGER, complete at its
// ';'), but Split trimmed the tab and ForEachStatement restarted its window at
// "CREATE TRIGGER;", which sqlite3_complete reads as an unfinished trigger.
TEST(SplitTest, VerticalTabIsNotWhitespaceRegressionFuzzSplit) {
  const std::string script = "C;\vCREATE TRIGGER;";
  EXPECT_EQ(Texts(script, Dialect::kSqlite), (V{"C", "\vCREATE TRIGGER"}));
  std::vector<std::string> seen;
  Status s = ForEachStatement(script, Dialect::kSqlite, [&](const Statement& st) {
    seen.emplace_back(st.text);
    return true;
  }, 2);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(seen, Texts(script, Dialect::kSqlite));
}

// Found by fuzz/sql_split_fuzz.cc (a long run): SQLite's block comments do
// not nest, and inside one only "*/" counts, so "/*t/*/" ends at its second
// '*'. strata's lexer took "/*" there as a token, skipped that '*' and read the
// comment on to "C*/": Split named "*`*/" (text inside a comment) where
// SQLite runs "*C*", and windows ending inside the comment disagreed.
TEST(SplitTest, SqliteBlockCommentsDoNotNestRegressionFuzzSplit) {
  const std::string script = "S;\n/*t/*/*C*/*`*/";
  EXPECT_EQ(Texts(script, Dialect::kSqlite), (V{"S", "*C*"}));
  for (size_t window : {size_t{2}, size_t{4}, size_t{8}, size_t{16}, size_t{17}}) {
    std::vector<std::string> seen;
    Status s = ForEachStatement(script, Dialect::kSqlite, [&](const Statement& st) {
      seen.emplace_back(st.text);
      return true;
    }, window);
    ASSERT_TRUE(s.ok()) << s.ToString() << " window " << window;
    EXPECT_EQ(seen, Texts(script, Dialect::kSqlite)) << "window " << window;
  }
  // PostgreSQL nests them.
  EXPECT_EQ(Texts("S;\n/* a /* b */ c; */ SELECT 1;", Dialect::kPostgres), (V{"S", "SELECT 1"}));
}

// Windows end after the last ";\n" of their second half, so that a data
// migration's windows end between statements; a ";\n" inside a string, a
// comment or a dollar-quoted body must still not end a statement.
TEST(SplitTest, WindowsEndingAfterSemicolonNewlineInsideQuotesAgreeWithSplit) {
  std::string script;
  for (int i = 0; i < 40; ++i) {
    script += "INSERT INTO t VALUES (" + std::to_string(i) + ", 'a;\nb');\n";
    script += "/* c;\n */ UPDATE t SET v = 'x;\n' WHERE id = " + std::to_string(i) + ";\n";
  }
  std::string pg = script + "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1;\n SELECT 2;\n $$ LANGUAGE sql;\n";
  for (size_t window : {size_t{8}, size_t{40}, size_t{100}, size_t{1000}}) {
    for (auto [text, dialect] : {std::pair{script, Dialect::kSqlite}, std::pair{pg, Dialect::kPostgres}}) {
      std::vector<std::string> seen;
      Status s = ForEachStatement(text, dialect, [&](const Statement& st) {
        seen.emplace_back(st.text);
        return true;
      }, window);
      ASSERT_TRUE(s.ok()) << s.ToString();
      EXPECT_EQ(seen, Texts(text, dialect)) << "window " << window;
    }
  }
  EXPECT_EQ(Texts(pg, Dialect::kPostgres).size(), 81u);
}

TEST(SplitTest, OffsetsAreBytes) {
  std::string_view script = "select 'é'; select 2";
  auto r = Split(script, Dialect::kPostgres);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[1].offset, script.find("select 2"));
}

TEST(LocateOffsetTest, LinesAndUtf8Columns) {
  std::string_view text = "ab\ncé d\n\nx";
  EXPECT_EQ(LocateOffset(text, 0).line, 1);
  EXPECT_EQ(LocateOffset(text, 0).column, 1);
  EXPECT_EQ(LocateOffset(text, 2).column, 3);  // the '\n' itself
  EXPECT_EQ(LocateOffset(text, 3).line, 2);
  EXPECT_EQ(LocateOffset(text, 3).column, 1);
  size_t d = text.find('d');
  EXPECT_EQ(LocateOffset(text, d).line, 2);
  EXPECT_EQ(LocateOffset(text, d).column, 4);  // c, é (2 bytes), space
  EXPECT_EQ(LocateOffset(text, text.find('x')).line, 4);
  EXPECT_EQ(LocateOffset(text, 1000).line, 4);  // clamped to the end
  EXPECT_EQ(LocateOffset(text, 1000).column, 2);
}

// PostgreSQL's scanner ends a "--" comment at a lone CR as at LF: the SQL
// after it runs, so it must be a statement (before, the splitter read the
// comment on to the next LF and the DROP was silently left out). SQLite's
// tokenizer reads the comment to the LF, and so does the splitter there.
TEST(SplitTest, ALoneCarriageReturnEndsALineCommentOnPostgresOnly) {
  const std::string script = "select 1; -- note\rdrop table x;\nselect 2;\n";
  EXPECT_EQ(Texts(script, Dialect::kPostgres), (V{"select 1", "drop table x", "select 2"}));
  EXPECT_EQ(Texts(script, Dialect::kSqlite), (V{"select 1", "select 2"}));
  std::vector<std::string> windowed;
  ASSERT_TRUE(ForEachStatement(script, Dialect::kPostgres,
                               [&](const Statement& st) { return windowed.emplace_back(st.text), true; }, 8)
                  .ok());
  EXPECT_EQ(windowed, (V{"select 1", "drop table x", "select 2"}));
  // Found by fuzz/sql_split_fuzz.cc: Split and ForEachStatement disagreed.
  const std::string fuzz("S at;--\r);\nVIEW(\n");
  auto whole = Split(fuzz, Dialect::kPostgres);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  std::vector<std::string> pieces;
  ASSERT_TRUE(
      ForEachStatement(fuzz, Dialect::kPostgres, [&](const Statement& st) { return pieces.emplace_back(st.text), true; }, 16)
          .ok());
  ASSERT_EQ(pieces.size(), whole->size());
  EXPECT_EQ(pieces.back(), ");\nVIEW(");
}

// libpg_query's scanner emits no statement for text without a keyword
// ("SELEC 1", a typo): the splitter keeps it, so that PostgreSQL reports it
// instead of the migration passing without it. Found by fuzz/sql_split_fuzz.cc.
TEST(SplitTest, PostgresStatementWithoutAKeywordIsKept) {
  const std::string script = "select 1;\nSELEC 1;\n-- c\nselect 2;\nfoo;";
  const V expected{"select 1", "SELEC 1", "select 2", "foo"};
  EXPECT_EQ(Texts(script, Dialect::kPostgres), expected);
  std::vector<std::string> windowed;
  ASSERT_TRUE(ForEachStatement(script, Dialect::kPostgres,
                               [&](const Statement& st) { return windowed.emplace_back(st.text), true; }, 8)
                  .ok());
  EXPECT_EQ(windowed, expected);
  auto split = Split(script, Dialect::kPostgres);
  ASSERT_TRUE(split.ok());
  EXPECT_EQ((*split)[1].offset, script.find("SELEC"));
  // Several in a row are several statements, whatever the window; ';' in
  // quotes and dollar quotes does not end one. After a number, "$$" opens a
  // dollar quote, as PostgreSQL reads it.
  const std::string run = "select 1; foo; bar 'x;y'; 2$$;a$$; $2$$;b$$; c$$d; select 3;";
  const V pieces{"select 1", "foo", "bar 'x;y'", "2$$;a$$", "$2$$;b$$", "c$$d", "select 3"};
  EXPECT_EQ(Texts(run, Dialect::kPostgres), pieces);
  for (size_t window : {4, 8, 16, 64}) {
    std::vector<std::string> got;
    ASSERT_TRUE(ForEachStatement(run, Dialect::kPostgres,
                                 [&](const Statement& st) { return got.emplace_back(st.text), true; }, window)
                    .ok());
    EXPECT_EQ(got, pieces) << "window " << window;
  }
}
// StatementMemo: an allowed script split in full is not scanned again while
// the memo lives. Shown by changing the text in place afterwards (which
// callers must never do): the memo replays the first split. A script not
// allowed, or a pass stopped early, is not remembered.
TEST(SplitTest, StatementMemoReplaysOnlyAllowedScriptsSplitInFull) {
  std::string script;
  for (int i = 0; i < 5000; ++i) script += "insert into t values (" + std::to_string(i % 10) + ");\n";
  ASSERT_GT(script.size(), 64u * 1024);
  auto count = [](std::string_view text) {
    size_t n = 0;
    Status s = ForEachStatement(text, Dialect::kPostgres, [&](const Statement&) { return ++n, true; });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return n;
  };
  auto join_first_two = [](std::string& text) { text[text.find(';')] = ' '; };
  {
    StatementMemo memo;
    std::string other = script;
    memo.Allow(script);
    // Stopped after one statement: not remembered.
    ASSERT_TRUE(ForEachStatement(script, Dialect::kPostgres, [](const Statement&) { return false; }).ok());
    EXPECT_EQ(count(script), 5000u);  // a full pass, remembered
    join_first_two(script);
    EXPECT_EQ(count(script), 5000u);  // replayed: the change is not seen
    EXPECT_EQ(count(other), 5000u);
    join_first_two(other);
    EXPECT_EQ(count(other), 4999u);  // not allowed: scanned every time
  }
  EXPECT_EQ(count(script), 4999u);  // the memo is gone
}
}  // namespace
}  // namespace strata::sql
