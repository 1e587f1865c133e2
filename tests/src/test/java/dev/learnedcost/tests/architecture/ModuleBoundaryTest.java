package dev.learnedcost.tests.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packages named {@code internal} are not API: no module imports another module's internal
 * package. A module is a directory with a {@code pom.xml} and a {@code src} tree; its own
 * packages are the ones its sources declare. Reads the sources of the whole repository (the
 * parent of this module's directory).
 */
class ModuleBoundaryTest {
  private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
  private static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?((?:[a-z]\\w*\\.)*internal(?:\\.[a-z]\\w*)*)"
          + "\\.[A-Z*][\\w.*]*;", Pattern.MULTILINE);

  @Test
  void noModule_importsAnotherModulesInternalPackages() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<Path> modules = modules(root);
    assertThat(modules).as("modules found under %s", root).hasSizeGreaterThanOrEqualTo(4);
    assertThat(violations(modules)).isEmpty();
  }

  @Test
  void aPlantedImportOfAnotherModulesInternals_isReported(@TempDir Path dir) throws IOException {
    Path a = module(dir, "a", "a.internal", "package a.internal;\npublic class Hidden {}\n");
    Path b = module(dir, "b", "b", "package b;\nimport a.internal.Hidden;\nclass Uses {}\n");
    module(dir, "c", "c.internal", "package c.internal;\nimport c.internal.sub.X;\nclass Own {}\n");
    assertThat(violations(modules(dir)))
        .containsExactly(b.resolve("src/main/java/b/Source.java") + " imports a.internal.Hidden");
    assertThat(a).exists();
  }

  private static Path module(Path dir, String name, String pkg, String source)
      throws IOException {
    Path m = Files.createDirectories(dir.resolve(name));
    Files.writeString(m.resolve("pom.xml"), "<project/>");
    Path src = Files.createDirectories(m.resolve("src/main/java/" + pkg.replace('.', '/')));
    Files.writeString(src.resolve("Source.java"), source);
    if (pkg.equals("c.internal")) {
      Path sub = Files.createDirectories(m.resolve("src/main/java/c/internal/sub"));
      Files.writeString(sub.resolve("X.java"), "package c.internal.sub;\npublic class X {}\n");
    }
    return m;
  }

  /** Directories under {@code root} with a pom.xml and a src tree (not target or hidden ones). */
  static List<Path> modules(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.getFileName().toString().equals("pom.xml"))
          .map(Path::getParent)
          .filter(m -> Files.isDirectory(m.resolve("src")))
          .filter(m -> root.relativize(m).toString().chars().noneMatch(c -> c == '.')
              || m.equals(root))
          .filter(m -> !root.relativize(m).toString().contains("target"))
          .sorted()
          .toList();
    }
  }

  /** One line per import of another module's internal package. */
  static List<String> violations(List<Path> modules) throws IOException {
    List<String> out = new ArrayList<>();
    for (Path m : modules) {
      List<Path> sources = sources(m);
      Set<String> own = new HashSet<>();
      for (Path f : sources) {
        Matcher pm = PACKAGE.matcher(Files.readString(f));
        if (pm.find()) {
          own.add(pm.group(1));
        }
      }
      for (Path f : sources) {
        Matcher im = IMPORT.matcher(Files.readString(f));
        while (im.find()) {
          String pkg = im.group(1);
          if (!own.contains(pkg)) {
            String imported = im.group().replaceFirst("^import (?:static )?", "")
                .replace(";", "");
            out.add(f + " imports " + imported);
          }
        }
      }
    }
    return out;
  }

  private static List<Path> sources(Path module) {
    try (Stream<Path> s = Files.walk(module.resolve("src"))) {
      return s.filter(p -> p.toString().endsWith(".java")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
