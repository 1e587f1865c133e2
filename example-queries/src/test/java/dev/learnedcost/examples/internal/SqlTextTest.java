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
