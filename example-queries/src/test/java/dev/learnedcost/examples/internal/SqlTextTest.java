package dev.learnedcost.examples.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SqlTextTest {

  @Test
  void hasTopLevelOrderBy_plainOrderBy_true() {
    assertTrue(SqlText.of("SELECT a FROM t ORDER BY a").hasTopLevelOrderBy());
    assertTrue(SqlText.of("select a from t order\n  by a desc").hasTopLevelOrderBy());
    assertTrue(SqlText.of("SELECT a FROM t ORDER /* why */ BY a").hasTopLevelOrderBy());
    assertTrue(SqlText.of("WITH w AS (SELECT 1 AS a) SELECT a FROM w ORDER BY a")
        .hasTopLevelOrderBy());
  }

  @Test
  void hasTopLevelOrderBy_onlyInsideParenthesesCommentsOrStrings_false() {
    assertFalse(SqlText.of("SELECT a FROM (SELECT a FROM t ORDER BY a) s").hasTopLevelOrderBy());
    assertFalse(SqlText.of("SELECT ROW_NUMBER() OVER (ORDER BY a) FROM t").hasTopLevelOrderBy());
    assertFalse(SqlText.of("SELECT 'ORDER BY' FROM t -- ORDER BY a").hasTopLevelOrderBy());
    assertFalse(SqlText.of("SELECT \"ORDER\" BY FROM t").hasTopLevelOrderBy());
    assertFalse(SqlText.of("SELECT border, bylaw FROM t").hasTopLevelOrderBy());
  }

  @Test
  void orderByItems_topLevelItemsWithoutDirection() {
    assertEquals(java.util.List.of("s.a", "2", "sum(x, y)", "\"Id\""),
        SqlText.of("SELECT * FROM (SELECT a FROM t ORDER BY z) s ORDER BY s.a DESC, 2,\n"
            + " sum(x, y) NULLS LAST, -- the total\n \"Id\" asc nulls first LIMIT 100")
            .orderByItems());
    assertEquals(java.util.List.of("channel", "id"),
        SqlText.of("select channel, id from x order by channel\n , id\n fetch first 100 rows"
            + " only;").orderByItems());
    assertEquals(java.util.List.of(),
        SqlText.of("SELECT ROW_NUMBER() OVER (ORDER BY a) FROM t").orderByItems());
  }

  @Test
  void topLevelLimit_countOutsideParentheses() {
    assertEquals(100, SqlText.of("SELECT a FROM t ORDER BY a LIMIT 100").topLevelLimit());
    assertEquals(5, SqlText.of("SELECT a FROM t FETCH FIRST 5 ROWS ONLY").topLevelLimit());
    assertEquals(1, SqlText.of("SELECT a FROM t fetch next row only").topLevelLimit());
    assertEquals(7, SqlText.of("SELECT a FROM t LIMIT /* seven */ 7;").topLevelLimit());
    assertEquals(-1, SqlText.of("SELECT a FROM t LIMIT ?").topLevelLimit());
    assertEquals(-1, SqlText.of("SELECT a FROM (SELECT a FROM t LIMIT 5) s ORDER BY a")
        .topLevelLimit());
    assertEquals(-1, SqlText.of("SELECT 'LIMIT 5' FROM t -- LIMIT 5").topLevelLimit());
  }

  @Test
  void isBlank_onlyWhitespaceAndComments() {
    assertTrue(SqlText.of(" \n-- a\n/* b\n c */ ").isBlank());
    assertFalse(SqlText.of("-- a\n1").isBlank());
  }

  @Test
  void withoutTerminator_removesTrailingSemicolonOnly() {
    assertEquals("SELECT 1", SqlText.of("  SELECT 1 ;  -- done\n").withoutTerminator());
    assertEquals("SELECT ';'", SqlText.of("SELECT ';'").withoutTerminator());
    assertFalse(SqlText.of("SELECT 1; -- done").hasSeveralStatements());
  }

  @Test
  void hasSeveralStatements_textAfterTopLevelSemicolon() {
    SqlText text = SqlText.of("SELECT 1\nFROM t;\nSELECT 2");
    assertTrue(text.hasSeveralStatements());
    assertEquals(2, text.firstSemicolonLine());
    assertFalse(SqlText.of("SELECT ';' FROM t").hasSeveralStatements());
    assertEquals(-1, SqlText.of("SELECT 1").firstSemicolonLine());
  }

  @Test
  void of_null_throws() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SqlText.of(null));
    assertEquals("sql must not be null", e.getMessage());
  }
}
