package dev.learnedcost.calcite;

import dev.learnedcost.calcite.internal.LoraCostFactory;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.tools.FrameworkConfig;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;

/**
 * {@link LoraRuntime#configure(FrameworkConfig, LoraMode)}, apart: {@code
 * FrameworkConfig.getPrograms()} returns a Guava {@code ImmutableList} in every Calcite version,
 * and Flink relocates Calcite's Guava, so a class that calls it cannot load inside Flink. Only this
 * class does, and it is loaded only on the Frameworks install path ({@code GuavaFreeTest}).
 */
final class FrameworksInstall {
  private FrameworksInstall() {}

  static FrameworkConfig configure(LoraRuntime runtime, FrameworkConfig config, LoraMode mode) {
    List<Program> wrapped = new ArrayList<>();
    for (Program p : config.getPrograms()) {
      wrapped.add(runtime.program(mode, p));
    }
    if (wrapped.isEmpty()) {
      wrapped.add(runtime.program(mode, Programs.standard()));
    }
    return Frameworks.newConfigBuilder(config)
        .costFactory(LoraCostFactory.INSTANCE)
        .programs(wrapped)
        .build();
  }
}
