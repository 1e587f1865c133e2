package dev.learnedcost.calcite;

import dev.learnedcost.calcite.feedback.FeedbackLoop;
import dev.learnedcost.calcite.internal.LoraPrepare;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.calcite.jdbc.Driver;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.tools.FrameworkConfig;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;

/**
 * One-line installs of a {@link LoraCostModel}.
 *
 * <pre>{@code
 * // Frameworks / Planner pipeline:
 * FrameworkConfig config = LoraCalcite.configure(Frameworks.newConfigBuilder()
 *     .defaultSchema(schema).programs(Programs.standard()).build(), model);
 *
 * // jdbc:calcite: connections (a Calcite-based database's own driver):
 * Connection c = LoraCalcite.driver(model).connect("jdbc:calcite:", info);
 * // or, with no code at all: DriverManager.getConnection("jdbc:calcite-lora:loraModel=/m.lora")
 * }</pre>
 */
public final class LoraCalcite {
  private LoraCalcite() {}

  /**
   * Returns {@code config} with {@link LoraCostFactory} as cost factory and every program wrapped
   * so that it first installs the model's metadata on the cluster of the node it optimizes
   * (with no programs, {@link Programs#standard()} is wrapped).
   */
  public static FrameworkConfig configure(FrameworkConfig config, LoraCostModel model) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(model, "model");
    List<Program> wrapped = new ArrayList<>();
    for (Program p : config.getPrograms()) {
      wrapped.add(program(model, p));
    }
    if (wrapped.isEmpty()) {
      wrapped.add(program(model, Programs.standard()));
    }
    return Frameworks.newConfigBuilder(config)
        .costFactory(LoraCostFactory.INSTANCE)
        .programs(wrapped)
        .build();
  }

  /** Returns a program that installs the model's metadata, then runs {@code delegate}. */
  public static Program program(LoraCostModel model, Program delegate) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(delegate, "delegate");
    return (planner, rel, requiredOutputTraits, materializations, lattices) -> {
      LoraMetadataProvider.install(rel, model);
      return delegate.run(planner, rel, requiredOutputTraits, materializations, lattices);
    };
  }

  /**
   * Installs the model's metadata on the cluster of {@code rel} (for pipelines that run their
   * own programs; the planner must also use {@link LoraCostFactory}).
   */
  public static void install(RelNode rel, LoraCostModel model) {
    LoraMetadataProvider.install(rel, model);
  }

  /**
   * Returns a {@code jdbc:calcite:} driver whose connections plan with the model: a Calcite
   * {@link Driver} built with {@code withPrepareFactory}. It is not registered with
   * {@code DriverManager}; call {@code connect("jdbc:calcite:...", info)} on it.
   */
  public static Driver driver(LoraCostModel model) {
    Objects.requireNonNull(model, "model");
    return new Driver().withPrepareFactory(() -> new LoraPrepare(model));
  }

  /**
   * Returns a {@code jdbc:calcite:} driver that plans with the loop's model and learns from every
   * SQL statement it executes: each is planned inside {@link FeedbackLoop#beginQuery} (so the
   * regression guard may choose stock costs for it) and its plan is profiled for the loop. Not
   * registered with {@code DriverManager}.
   */
  public static Driver driver(FeedbackLoop loop) {
    Objects.requireNonNull(loop, "loop");
    return new Driver().withPrepareFactory(() -> new LoraPrepare(loop));
  }
}
