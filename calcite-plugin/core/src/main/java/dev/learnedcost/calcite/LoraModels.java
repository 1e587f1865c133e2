package dev.learnedcost.calcite;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Models by name, so that a host, a test or a learner can reach the model a connection plans
 * with ({@link LoraDriver} registers each model it opens under its {@code loraName}).
 */
public final class LoraModels {
  private static final ConcurrentHashMap<String, LoraCostModel> MODELS =
      new ConcurrentHashMap<>();

  private LoraModels() {}

  /** Opens or creates a model; may throw {@link IOException}. */
  @FunctionalInterface
  public interface Opener {
    /** Returns the model. */
    LoraCostModel open() throws IOException;
  }

  /**
   * Registers {@code model} under {@code name}, replacing any previous one.
   *
   * @return the previous model of that name, or null
   */
  public static @Nullable LoraCostModel register(String name, LoraCostModel model) {
    return MODELS.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(model, "model"));
  }

  /** Returns the model registered under {@code name}. */
  public static Optional<LoraCostModel> get(String name) {
    return Optional.ofNullable(MODELS.get(name));
  }

  /** Returns the model of that name, opening and registering it first if there is none. */
  public static LoraCostModel getOrOpen(String name, Opener opener) throws IOException {
    LoraCostModel m = MODELS.get(name);
    if (m != null) {
      return m;
    }
    synchronized (MODELS) {
      m = MODELS.get(name);
      if (m == null) {
        m = Objects.requireNonNull(opener.open(), "opener returned null");
        MODELS.put(name, m);
      }
      return m;
    }
  }

  /** Removes the model of that name; returns whether there was one. */
  public static boolean remove(String name) {
    return MODELS.remove(name) != null;
  }
}
