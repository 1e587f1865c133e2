package dev.learnedcost.engine;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Child process of {@link SnapshotCrashTest}: saves models A and B alternately to one path and
 * reports on stdout {@code start N} before and {@code done N} after each save, until killed or
 * after {@code maxSaves} saves.
 *
 * <p>Arguments: path, dim, seed of A, seed of B, maxSaves.
 */
final class SnapshotSaveChild {
  private SnapshotSaveChild() {}

  public static void main(String[] args) throws IOException {
    Path path = Path.of(args[0]);
    int dim = Integer.parseInt(args[1]);
    ScopedLoRA[] models = {
        SnapshotModels.scoped(dim, Long.parseLong(args[2])),
        SnapshotModels.scoped(dim, Long.parseLong(args[3]))};
    int maxSaves = Integer.parseInt(args[4]);
    PrintStream out = System.out;
    for (int i = 0; i < maxSaves; i++) {
      out.println("start " + i);
      out.flush();
      models[i % 2].save(path);
      out.println("done " + i);
      out.flush();
    }
  }
}
