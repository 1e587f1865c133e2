package dev.learnedcost.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueryCatalogTest {

  @TempDir
  Path dir;

  @Test
  void builtIn_tpch_hasTheTwentyTwoQueriesInOrder() {
    List<String> expected = IntStream.rangeClosed(1, 22)
        .mapToObj(i -> String.format("q%02d", i))
        .toList();
    assertEquals(expected, QueryCatalog.builtIn("tpch").stream().map(Query::name).toList());
  }

  @Test
  void builtIn_skew_hasItsQueries() {
    List<Query> queries = QueryCatalog.builtIn("skew");
    assertEquals(8, queries.size(), queries.stream().map(Query::name).toList().toString());
    assertEquals("s01_wholesale_by_country", queries.get(0).name());
    assertEquals("classpath:queries/skew/s01_wholesale_by_country.sql", queries.get(0).source());
  }

  @Test
  void builtIn_indexListsExactlyTheSqlFilesOfEachDirectory() throws IOException {
    for (String dataset : QueryCatalog.builtInDatasets()) {
      // The source tree, not target/classes, which may keep files deleted from the sources.
      Path directory = Path.of("src", "main", "resources", "queries", dataset);
      List<String> files;
      try (Stream<Path> list = Files.list(directory)) {
        files = list.map(p -> p.getFileName().toString())
            .filter(name -> name.endsWith(".sql"))
            .sorted()
            .collect(Collectors.toList());
      }
      List<String> listed = QueryCatalog.builtIn(dataset).stream()
          .map(q -> q.name() + ".sql")
          .toList();
      assertEquals(files, listed, "queries/" + dataset + "/index.txt");
    }
  }

  @Test
  void builtIn_everyQueryIsOneStatementWithoutTerminator() {
    for (String dataset : QueryCatalog.builtInDatasets()) {
      for (Query query : QueryCatalog.builtIn(dataset)) {
        assertFalse(query.sql().endsWith(";"), query.source());
        assertTrue(query.sql().startsWith("--"), query.source() + " opens with a comment");
      }
    }
  }

  @Test
  void builtIn_orderedFollowsTopLevelOrderBy() {
    assertTrue(QueryCatalog.builtIn("tpch", "q01").ordered());
    assertFalse(QueryCatalog.builtIn("tpch", "q06").ordered(), "q06 has no ORDER BY");
    assertFalse(QueryCatalog.builtIn("tpch", "q14").ordered());
    assertFalse(QueryCatalog.builtIn("tpch", "q17").ordered());
    assertFalse(QueryCatalog.builtIn("tpch", "q19").ordered());
    assertTrue(QueryCatalog.builtIn("tpch", "q15").ordered(), "WITH ... ORDER BY s_suppkey");
  }

  @Test
  void builtIn_unknownDataset_throwsListingKnownOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> QueryCatalog.builtIn("tpcds"));
    assertEquals("dataset must be one of [tpch, skew, vector], got 'tpcds'", e.getMessage());
  }

  @Test
  void builtIn_unknownQuery_throwsListingAvailableOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> QueryCatalog.builtIn("tpch", "q23"));
    assertTrue(e.getMessage().startsWith(
        "data set tpch has no built-in query named 'q23'; available: [q01, q02, "),
        e.getMessage());
  }

  @Test
  void fromDirectory_loadsSqlFilesSortedAndStripsTerminator() throws IOException {
    Files.writeString(dir.resolve("b.sql"), "SELECT 2 FROM t;\n-- trailing comment\n");
    Files.writeString(dir.resolve("a.sql"), "-- first\nSELECT ';' AS x FROM t ORDER BY x");
    Files.writeString(dir.resolve("notes.txt"), "not a query");
    Files.createDirectory(dir.resolve("sub.sql"));
    List<Query> queries = QueryCatalog.fromDirectory(dir);
    assertEquals(List.of("a", "b"), queries.stream().map(Query::name).toList());
    assertEquals("-- first\nSELECT ';' AS x FROM t ORDER BY x", queries.get(0).sql());
    assertTrue(queries.get(0).ordered());
    assertEquals("SELECT 2 FROM t", queries.get(1).sql());
    assertFalse(queries.get(1).ordered());
    assertEquals(dir.resolve("b.sql").toAbsolutePath().toString(), queries.get(1).source());
  }

  @Test
  void fromDirectory_emptyFile_throwsNamingIt() throws IOException {
    Files.writeString(dir.resolve("good.sql"), "SELECT 1");
    Path empty = Files.writeString(dir.resolve("empty.sql"), "  \n-- only a comment\n/* and */");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> QueryCatalog.fromDirectory(dir));
    assertEquals("query empty from " + empty.toAbsolutePath()
        + " is empty (only whitespace and comments)", e.getMessage());
  }

  @Test
  void fromDirectory_withConsumer_skipsBadFilesAndReportsEachWithItsPath() throws IOException {
    Files.writeString(dir.resolve("good.sql"), "SELECT 1");
    Path empty = Files.writeString(dir.resolve("empty.sql"), "-- nothing");
    Path two = Files.writeString(dir.resolve("two.sql"), "SELECT 1;\nSELECT 2");
    List<String> reported = new java.util.ArrayList<>();
    List<Query> queries = QueryCatalog.fromDirectory(dir, reported::add);
    assertEquals(List.of("good"), queries.stream().map(Query::name).toList());
    assertEquals(2, reported.size(), reported.toString());
    assertTrue(reported.get(0).startsWith(empty.toAbsolutePath() + ": query empty from "),
        reported.get(0));
    assertTrue(reported.get(1).startsWith(two.toAbsolutePath() + ": query two from "),
        reported.get(1));
    Path none = Files.createDirectory(dir.resolve("none"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> QueryCatalog.fromDirectory(none, reported::add));
    assertEquals("query directory " + none.toAbsolutePath() + " holds no *.sql file",
        e.getMessage());
  }

  @Test
  void fromDirectory_twoStatements_throwsNamingFileAndLine() throws IOException {
    Path two = Files.writeString(dir.resolve("two.sql"), "SELECT 1;\nSELECT 2");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> QueryCatalog.fromDirectory(dir));
    assertEquals("query two from " + two.toAbsolutePath() + " holds more than one statement"
        + " (';' on line 1); put one query per file", e.getMessage());
  }

  @Test
  void fromFile_unreadable_throwsNamingIt() throws IOException {
    Path dangling = Files.createSymbolicLink(dir.resolve("gone.sql"), dir.resolve("missing"));
    IOException e = assertThrows(IOException.class, () -> QueryCatalog.fromDirectory(dir));
    assertTrue(e.getMessage().startsWith("cannot read query file " + dangling.toAbsolutePath()),
        e.getMessage());
  }

  @Test
  void fromFile_notUtf8_throwsNamingIt() throws IOException {
    Path latin1 = Files.write(dir.resolve("latin1.sql"),
        "SELECT 'caf\u00e9'".getBytes(StandardCharsets.ISO_8859_1));
    IOException e = assertThrows(IOException.class, () -> QueryCatalog.fromFile(latin1));
    assertEquals("query file " + latin1.toAbsolutePath() + " is not valid UTF-8", e.getMessage());
  }

  @Test
  void fromDirectory_missingOrEmptyDirectory_throwsNamingIt() throws IOException {
    Path missing = dir.resolve("nope");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> QueryCatalog.fromDirectory(missing));
    assertEquals("query directory must be an existing directory, got "
        + missing.toAbsolutePath() + " (missing)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> QueryCatalog.fromDirectory(dir));
    assertEquals("query directory " + dir.toAbsolutePath() + " holds no *.sql file",
        e.getMessage());
  }
}
