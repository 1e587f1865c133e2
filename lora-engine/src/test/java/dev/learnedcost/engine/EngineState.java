package dev.learnedcost.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Deep snapshots of engine objects, to assert that a rejected call changed nothing. */
final class EngineState {
  private EngineState() {}

  static List<Object> of(LoraPair p) {
    return List.of(Arrays.toString(p.a0), Arrays.toString(p.a1), Arrays.toString(p.b0),
        Arrays.toString(p.b1), p.adaptCount);
  }

  static List<Object> of(MicroLoRA m) {
    List<Object> s = new ArrayList<>(of(m.pair()));
    s.add(m.forwardCount());
    s.add(m.adaptCount());
    s.add(Arrays.toString(m.inputBuffer()));
    s.add(Arrays.toString(m.outputBuffer()));
    return s;
  }

  static List<Object> of(ScopedLoRA s) {
    List<Object> out = new ArrayList<>();
    for (int op = 0; op < OperatorScope.COUNT; op++) {
      out.addAll(of(s.operatorPair(op)));
      out.add(s.forwardCount(op));
    }
    for (int c = 0; c < OperatorCategory.COUNT; c++) {
      out.addAll(of(s.categoryPair(c)));
    }
    out.add(s.categoryFallback());
    out.add(Arrays.toString(s.inputBuffer()));
    out.add(Arrays.toString(s.outputBuffer()));
    return out;
  }

  static List<Object> of(TrajectoryBuffer t) {
    return List.of(t.totalCount(), t.size(), t.meanImprovement(), t.variance(),
        t.bestImprovement(), t.bestAttention(), t.successRate(), t.trajectories());
  }
}
