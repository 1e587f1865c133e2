package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnedcost.calcite.internal.ScopeResolver;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Engines relocate Guava (Flink's planner jar bundles Calcite with Guava moved to
 * {@code org.apache.flink.calcite.shaded.com.google}), so a Calcite method whose signature
 * carries a Guava type ({@code ImmutableList}, ...) does not exist there: calling it fails with
 * {@code NoSuchMethodError}, and naming a Guava class at all fails with
 * {@code NoClassDefFoundError}. This test reads every class file of the plugin and fails on any
 * reference to Guava (a class, or a member descriptor such as
 * {@code getPrograms()Lcom/google/common/collect/ImmutableList;}) outside the install paths that
 * only plain Calcite uses.
 */
class GuavaFreeTest {
  /**
   * Classes used only when the plugin installs into plain Calcite, whose Guava is not relocated.
   * {@code FrameworksInstall} (behind {@code LoraRuntime.configure}) reads
   * {@code FrameworkConfig.getPrograms()}, which returns a Guava {@code ImmutableList} in every
   * Calcite version.
   */
  private static final Set<String> CALCITE_ONLY =
      Set.of("dev/learnedcost/calcite/FrameworksInstall");

  private static final byte[] GUAVA = "com/google/common".getBytes(StandardCharsets.US_ASCII);

  @Test
  void classFiles_outsidePlainCalciteInstallPaths_referenceNoGuava()
      throws IOException, URISyntaxException {
    Path location = Path.of(
        ScopeResolver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (Files.isDirectory(location)) {
      check(location);
    } else {
      try (FileSystem jar = FileSystems.newFileSystem(location)) {
        check(jar.getPath("/"));
      }
    }
  }

  private static void check(Path classes) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(classes)) {
      files = s.filter(p -> p.toString().endsWith(".class")).toList();
    }
    List<String> offenders = files.stream()
        .filter(p -> !CALCITE_ONLY.contains(outerClass(classes, p)))
        .filter(GuavaFreeTest::mentionsGuava)
        .map(p -> classes.relativize(p).toString())
        .toList();

    assertThat(files).as("class files under %s", classes).hasSizeGreaterThan(50);
    assertThat(offenders).as("class files that reference Guava (breaks inside Flink)").isEmpty();
    assertThat(CALCITE_ONLY).allSatisfy(c ->
        assertThat(mentionsGuava(classes.resolve(c + ".class")))
            .as("%s still needs its exemption", c).isTrue());
  }

  private static String outerClass(Path root, Path classFile) {
    String name = root.relativize(classFile).toString().replace('\\', '/');
    if (name.startsWith("/")) {
      name = name.substring(1);
    }
    name = name.substring(0, name.length() - ".class".length());
    int nested = name.indexOf('$');
    return nested < 0 ? name : name.substring(0, nested);
  }

  private static boolean mentionsGuava(Path classFile) {
    byte[] b;
    try {
      b = Files.readAllBytes(classFile);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + classFile, e);
    }
    outer:
    for (int i = 0; i + GUAVA.length <= b.length; i++) {
      for (int j = 0; j < GUAVA.length; j++) {
        if (b[i + j] != GUAVA[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
